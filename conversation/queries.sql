-- name: InsertWorkspace
INSERT INTO workspaces (slug, name, timezone, phone_region)
VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: GetWorkspace
SELECT id, slug, name, timezone, phone_region, assistant_name, role, personality, custom_instructions,
       approval_mode, approval_threshold, auto_intents
FROM workspaces WHERE id = $1;

-- name: GetWorkspaceBySlug
SELECT id, slug, name, timezone, phone_region, assistant_name, role, personality, custom_instructions,
       approval_mode, approval_threshold, auto_intents
FROM workspaces WHERE slug = $1;

-- name: UpdateSettings
UPDATE workspaces
SET name = $2, timezone = $3, assistant_name = $4, role = $5, personality = $6,
    custom_instructions = $7, approval_mode = $8, approval_threshold = $9, auto_intents = $10,
    phone_region = $11
WHERE id = $1;

-- name: UpsertContactByPhone
INSERT INTO contacts (workspace_id, phone, name)
VALUES ($1, $2, $3)
ON CONFLICT (workspace_id, phone)
DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END
RETURNING id;

-- name: UpsertContactWithAddress
-- The sender of a message from a phone: the contact by number (created if new, named
-- if it had no name) and its address on the channel, in one round trip.
WITH c AS (
    INSERT INTO contacts (workspace_id, phone, name)
    VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, phone)
    DO UPDATE SET name = CASE WHEN contacts.name = '' THEN EXCLUDED.name ELSE contacts.name END
    RETURNING id
), a AS (
    INSERT INTO contact_addresses (workspace_id, channel, address, contact_id)
    SELECT $1, $4, $5, id FROM c
    ON CONFLICT DO NOTHING
)
SELECT id FROM c;

-- name: ContactByAddress
SELECT contact_id FROM contact_addresses
WHERE workspace_id = $1 AND channel = $2 AND address = $3;

-- name: InsertContact
INSERT INTO contacts (workspace_id, name)
VALUES ($1, $2)
RETURNING id;

-- name: InsertAddress
INSERT INTO contact_addresses (workspace_id, channel, address, contact_id)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: InsertInbound
-- Finds the contact's open conversation on the channel (or opens one) and stores the
-- message in it, in one round trip. A redelivered external id inserts nothing.
-- The conversation remembers the account the customer last wrote to ($7, may be null).
WITH conv AS (
    INSERT INTO conversations (workspace_id, contact_id, channel, last_message_at, channel_account_id)
    VALUES ($1, $2, $3, $6, $7)
    ON CONFLICT (workspace_id, contact_id, channel) WHERE status <> 'closed'
    DO UPDATE SET last_message_at = greatest(conversations.last_message_at, EXCLUDED.last_message_at),
                  channel_account_id = coalesce(EXCLUDED.channel_account_id, conversations.channel_account_id)
    RETURNING id
)
INSERT INTO messages (workspace_id, conversation_id, direction, sender_type, channel, text, external_id, created_at)
SELECT $1, conv.id, 'inbound', 'contact', $3, $4, $5, $6 FROM conv
ON CONFLICT (workspace_id, channel, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
RETURNING id, conversation_id;

-- name: MessageByExternalID
SELECT id, conversation_id FROM messages
WHERE workspace_id = $1 AND channel = $2 AND direction = 'inbound' AND external_id = $3;

-- name: MessageForDrafting
-- Everything the draft job reads before drafting, in one round trip: the message (a
-- voice note by its transcript; a file alone has no text to answer), its conversation's
-- pending offer and whether it has context values, whether the workspace ever saved a
-- context schema (no schema, nothing to extract), the workspace's settings, the
-- $3 messages before it (oldest first) and the business's weekly opening hours (as
-- booking.Hours reads them), read as the job starts rather than cached, so a settings
-- change applies to the next message on every node. The contact's name is a lookup by
-- key: as a join, a new workspace's unanalysed tables led the planner to read all its
-- contacts for each message (a fifth of the database's time in `bench pipeline`).
SELECT m.conversation_id,
       concat_ws(E'\n', nullif(m.text, ''),
                 (SELECT string_agg(a.transcript, E'\n' ORDER BY a.id) FROM attachments a
                  WHERE a.workspace_id = m.workspace_id AND a.message_id = m.id AND a.transcript <> '')),
       m.direction, c.contact_id,
       (SELECT ct.name FROM contacts ct WHERE ct.workspace_id = c.workspace_id AND ct.id = c.contact_id),
       (SELECT count(*) FROM attachments a WHERE a.workspace_id = m.workspace_id AND a.message_id = m.id),
       c.flow, c.context <> '{}'::jsonb,
       EXISTS (SELECT 1 FROM context_schemas s WHERE s.workspace_id = m.workspace_id),
       (SELECT coalesce(json_agg(json_build_object('outbound', h.direction = 'outbound', 'text', h.text) ORDER BY h.id), '[]')
        FROM (SELECT id, direction, text FROM messages
              WHERE workspace_id = m.workspace_id AND conversation_id = m.conversation_id AND id < m.id AND text <> ''
              ORDER BY id DESC LIMIT $3) h),
       (SELECT coalesce(json_agg(json_build_object('weekday', r.weekday, 'opens', to_char(r.opens_at, 'HH24:MI'),
                                                   'closes', to_char(r.closes_at, 'HH24:MI')) ORDER BY r.weekday, r.opens_at), '[]')
        FROM availability_rules r WHERE r.workspace_id = m.workspace_id AND r.resource_id IS NULL),
       w.id, w.slug, w.name, w.timezone, w.phone_region, w.assistant_name, w.role, w.personality, w.custom_instructions,
       w.approval_mode, w.approval_threshold, w.auto_intents
FROM messages m
JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
JOIN workspaces w ON w.id = m.workspace_id
WHERE m.workspace_id = $1 AND m.id = $2;

-- name: InsertDraft
-- Stores the draft of message $3 and, when it is new, makes the pending drafts of the
-- conversation's earlier messages stale, in one statement. No row: an earlier run of
-- the job stored it.
WITH ins AS (
    INSERT INTO drafts (workspace_id, conversation_id, message_id, content, original, intent, confidence,
                        sources, provider, needs_human, status, offer)
    VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (workspace_id, message_id) DO NOTHING
    RETURNING id
), stale AS (
    UPDATE drafts SET status = 'superseded'
    WHERE workspace_id = $1 AND conversation_id = $2 AND status = 'pending' AND message_id < $3
      AND EXISTS (SELECT 1 FROM ins)
)
SELECT id FROM ins;

-- name: FlagConversation
UPDATE conversations SET needs_human = true WHERE workspace_id = $1 AND id = $2;

-- name: LockDraft
SELECT d.id, d.conversation_id, d.content, d.status, c.channel, c.contact_id, coalesce(c.channel_account_id, 0)
FROM drafts d
JOIN conversations c ON c.workspace_id = d.workspace_id AND c.id = d.conversation_id
WHERE d.workspace_id = $1 AND d.id = $2
FOR UPDATE OF d;

-- name: DecideDraft
UPDATE drafts
SET status = $3, content = $4, decided_by = $5, decided_at = now(), error = ''
WHERE workspace_id = $1 AND id = $2;

-- name: SetDraftStatus
UPDATE drafts SET status = $3, error = $4 WHERE workspace_id = $1 AND id = $2;

-- name: InsertOutbound
INSERT INTO messages (workspace_id, conversation_id, direction, sender_type, channel, text,
                      external_id, draft_id, is_ai_generated, delivery_status)
VALUES ($1, $2, 'outbound', $3, $4, $5, $6, $7, $8, 'sent')
RETURNING id;

-- name: MarkSent
UPDATE drafts SET status = 'sent', sent_at = now(), error = '' WHERE workspace_id = $1 AND id = $2;

-- name: TouchConversation
UPDATE conversations SET last_message_at = now() WHERE workspace_id = $1 AND id = $2;

-- name: ContactAddress
SELECT address FROM contact_addresses
WHERE workspace_id = $1 AND contact_id = $2 AND channel = $3
LIMIT 1;

-- name: InsertAudit
INSERT INTO audit_log (workspace_id, actor, action, object_type, object_id, detail)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ListConversations
-- $3 keeps only conversations assigned to that member (0: anyone); $4 only unassigned ones.
SELECT c.id, c.contact_id, coalesce(nullif(ct.name, ''), ct.phone, 'Customer #' || ct.id), coalesce(ct.phone, ''),
       c.channel, c.status, c.needs_human, c.last_message_at,
       coalesce(lm.text, ''),
       (SELECT count(*) FROM drafts d WHERE d.workspace_id = c.workspace_id AND d.conversation_id = c.id AND d.status = 'pending'),
       coalesce(c.assigned_to, 0), coalesce(nullif(au.name, ''), au.email, ''),
       c.context_completion, c.context_priority
FROM conversations c
JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
LEFT JOIN users au ON au.workspace_id = c.workspace_id AND au.id = c.assigned_to
LEFT JOIN LATERAL (
    SELECT m.text FROM messages m
    WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id
    ORDER BY m.id DESC LIMIT 1
) lm ON true
WHERE c.workspace_id = $1
  AND ($3::bigint = 0 OR c.assigned_to = $3)
  AND (NOT $4::boolean OR c.assigned_to IS NULL)
-- $5 sorts by context priority (highest first), completion (least complete first) or recency.
ORDER BY CASE WHEN $5 = 'priority' THEN c.context_priority END DESC NULLS LAST,
         CASE WHEN $5 = 'completion' THEN c.context_completion END ASC NULLS LAST,
         c.last_message_at DESC, c.id DESC
LIMIT $2;

-- name: GetConversation
SELECT c.id, c.contact_id, coalesce(nullif(ct.name, ''), ct.phone, 'Customer #' || ct.id), coalesce(ct.phone, ''),
       c.channel, c.status, c.needs_human, c.last_message_at, '', 0::bigint,
       coalesce(c.assigned_to, 0), coalesce(nullif(au.name, ''), au.email, ''), c.context_completion, c.context_priority
FROM conversations c
JOIN contacts ct ON ct.workspace_id = c.workspace_id AND ct.id = c.contact_id
LEFT JOIN users au ON au.workspace_id = c.workspace_id AND au.id = c.assigned_to
WHERE c.workspace_id = $1 AND c.id = $2;

-- name: ListMessages
SELECT id, conversation_id, direction, sender_type, channel, text, is_ai_generated, delivery_status, delivery_error, created_at
FROM messages
WHERE workspace_id = $1 AND conversation_id = $2 AND id > $3
ORDER BY id
LIMIT $4;

-- name: ContactMessages
SELECT m.id, m.conversation_id, m.direction, m.sender_type, m.channel, m.text, m.is_ai_generated, m.delivery_status, m.delivery_error, m.created_at
FROM messages m
JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
WHERE m.workspace_id = $1 AND c.contact_id = $2 AND c.channel = $3 AND m.id > $4
ORDER BY m.id
LIMIT $5;

-- name: ListDrafts
SELECT id, conversation_id, coalesce(message_id, 0), content, original, intent, confidence, sources, provider,
       needs_human, status, error, created_at
FROM drafts
WHERE workspace_id = $1 AND ($2 = '' OR status = $2) AND ($3 = 0 OR conversation_id = $3)
ORDER BY id DESC
LIMIT $4;

-- name: GetDraft
SELECT id, conversation_id, coalesce(message_id, 0), content, original, intent, confidence, sources, provider,
       needs_human, status, error, created_at
FROM drafts
WHERE workspace_id = $1 AND id = $2;

-- name: LinkAddress
INSERT INTO contact_addresses (workspace_id, channel, address, contact_id)
VALUES ($1, $2, $3, $4)
ON CONFLICT (workspace_id, channel, address) DO UPDATE SET contact_id = EXCLUDED.contact_id;

-- name: LockConversation
-- Serialises drafting within one conversation, so "newest message wins" holds.
SELECT 1 FROM conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE;

-- name: NewerDraftExists
-- Whether a newer message of the conversation has a draft, and whether message $3 has.
-- Run after LockConversation, as its own statement: under READ COMMITTED a statement
-- sees what committed before it started, so an EXISTS inside the locking statement
-- would miss the draft of a job that held the lock while this one waited for it.
SELECT EXISTS (
           SELECT 1 FROM drafts
           WHERE workspace_id = $1 AND conversation_id = $2 AND message_id > $3),
       EXISTS (
           SELECT 1 FROM drafts
           WHERE workspace_id = $1 AND conversation_id = $2 AND message_id = $3);

-- name: GetMessage
SELECT id, conversation_id, direction, sender_type, channel, text, is_ai_generated, delivery_status, delivery_error, created_at
FROM messages
WHERE workspace_id = $1 AND id = $2;

-- name: SetFlow
UPDATE conversations SET flow = $3 WHERE workspace_id = $1 AND id = $2;

-- name: FlowFromSentDraft
-- A sent reply defines what the conversation waits on: its offer if it was sent as
-- drafted ($3), nothing otherwise (a person's rewrite may not match the numbers).
UPDATE conversations c
SET flow = CASE WHEN $3 THEN d.offer END
FROM drafts d
WHERE d.workspace_id = $1 AND d.id = $2 AND c.workspace_id = d.workspace_id AND c.id = d.conversation_id;

-- name: InsertNotification
INSERT INTO notifications (workspace_id, kind, title, conversation_id)
VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: ListNotifications
SELECT id, kind, title, coalesce(conversation_id, 0), read_at IS NOT NULL, created_at
FROM notifications
WHERE workspace_id = $1 AND (user_id IS NULL OR user_id = $3)
ORDER BY id DESC
LIMIT $2;

-- name: UnreadNotifications
-- The team's notifications and those for member $2 alone.
SELECT count(*) FROM notifications WHERE workspace_id = $1 AND read_at IS NULL AND (user_id IS NULL OR user_id = $2);

-- name: MarkNotificationsRead
-- One notification ($2), or all of them ($2 = 0).
UPDATE notifications SET read_at = now()
WHERE workspace_id = $1 AND read_at IS NULL AND ($2 = 0 OR id = $2) AND (user_id IS NULL OR user_id = $3);

-- name: MarkNotificationRead
-- One notification, read or not: no row means it is not the workspace's.
UPDATE notifications SET read_at = coalesce(read_at, now())
WHERE workspace_id = $1 AND id = $2;

-- name: InsertAttachment
INSERT INTO attachments (workspace_id, message_id, status, source, kind, file_name, content_type, size_bytes, blob_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: PendingAttachments
-- Files still at the provider, and voice notes not yet transcribed.
SELECT a.id, a.status, a.source, a.file_name, a.content_type, a.kind, a.size_bytes, a.blob_key,
       m.channel, coalesce(c.channel_account_id, 0)
FROM attachments a
JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
WHERE a.workspace_id = $1 AND a.message_id = $2
  AND (a.status = 'pending' OR (a.status = 'stored' AND a.kind = 'audio' AND a.transcript IS NULL))
ORDER BY a.id;

-- name: StoreAttachment
UPDATE attachments
SET status = 'stored', kind = $3, file_name = $4, content_type = $5, size_bytes = $6, blob_key = $7,
    transcript = $8, error = $9
WHERE workspace_id = $1 AND id = $2;

-- name: FailAttachment
UPDATE attachments SET status = $3, error = $4 WHERE workspace_id = $1 AND id = $2;

-- name: MessageAttachments
SELECT id, message_id, status, kind, file_name, content_type, size_bytes, coalesce(transcript, ''), error
FROM attachments WHERE workspace_id = $1 AND message_id = ANY($2) ORDER BY id;

-- name: AttachmentFile
-- contact_id > 0 limits it to that contact's conversations (what a portal customer may see).
SELECT a.blob_key, a.file_name, a.content_type, a.size_bytes
FROM attachments a
JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
WHERE a.workspace_id = $1 AND a.id = $2 AND a.status = 'stored' AND ($3 = 0 OR c.contact_id = $3);

-- name: UpdateDelivery
-- A provider's status callback. Statuses arrive out of order: a late "sent" does not
-- undo "delivered", and nothing undoes "failed" or "read".
UPDATE messages SET delivery_status = $4, delivery_error = $5
WHERE workspace_id = $1 AND channel = $2 AND direction = 'outbound' AND external_id = $3
  AND (CASE delivery_status WHEN 'queued' THEN 1 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
       WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'failed' THEN 4 WHEN 'undelivered' THEN 4 ELSE 0 END)
    < (CASE $4::text WHEN 'queued' THEN 1 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2
       WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'failed' THEN 4 WHEN 'undelivered' THEN 4 ELSE 0 END)
RETURNING id, conversation_id;

-- name: LatestConversation
-- The conversation a contact wrote in last, open ones first.
SELECT id FROM conversations
WHERE workspace_id = $1 AND contact_id = $2
ORDER BY status = 'closed', last_message_at DESC, id DESC
LIMIT 1;

-- name: InsertReminder
-- A reminder is a reply approved as written, with no inbound message behind it; its
-- key makes a second one of the same reminder a no-op.
INSERT INTO drafts (workspace_id, conversation_id, message_id, content, original, intent, confidence,
                    sources, provider, needs_human, status, reminder_key)
VALUES ($1, $2, NULL, $3, $3, 'reminder', 1, '[]', 'frontdesk', false, 'approved', $4)
ON CONFLICT (workspace_id, reminder_key) WHERE reminder_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: InsertDraftAttachment
-- A file the owner attached to a reply; it joins the outbound message when sent.
INSERT INTO attachments (workspace_id, draft_id, status, kind, file_name, content_type, size_bytes, blob_key)
VALUES ($1, $2, 'stored', $3, $4, $5, $6, $7);

-- name: DraftAttachments
SELECT id, kind, file_name, content_type, size_bytes, blob_key
FROM attachments WHERE workspace_id = $1 AND draft_id = $2 AND status = 'stored' ORDER BY id;

-- name: AttachDraftFiles
UPDATE attachments SET message_id = $3 WHERE workspace_id = $1 AND draft_id = $2 AND message_id IS NULL;

-- name: LockDelivery
-- Serialises a provider's report and the storing of the message it is about, so a
-- report that finds no message is kept where the send job will find it.
SELECT pg_advisory_xact_lock(hashtextextended('delivery/' || $1::bigint || '/' || $2::text || '/' || $3::text, 0));

-- name: KeepEarlyDelivery
-- Reports on messages frontdesk never stored (sent from the business's phone, say) are
-- dropped after a day.
WITH stale AS (
    DELETE FROM early_deliveries WHERE workspace_id = $1 AND created_at < now() - interval '1 day'
)
INSERT INTO early_deliveries (workspace_id, channel, external_id, status, reason)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (workspace_id, channel, external_id, status) DO UPDATE SET reason = excluded.reason;

-- name: TakeEarlyDeliveries
DELETE FROM early_deliveries WHERE workspace_id = $1 AND channel = $2 AND external_id = $3
RETURNING status, reason;

-- name: OutboundExists
SELECT EXISTS (SELECT 1 FROM messages
               WHERE workspace_id = $1 AND channel = $2 AND direction = 'outbound' AND external_id = $3);

-- name: DraftFiles
SELECT id, coalesce(message_id, 0), status, kind, file_name, content_type, size_bytes, coalesce(transcript, ''), error
FROM attachments WHERE workspace_id = $1 AND draft_id = $2 ORDER BY id;
-- name: InsertRuleReply
-- A rule's templated reply: no inbound message behind it, its status from the approval
-- policy; the key (rule run and action) makes a second draft of one run a no-op.
INSERT INTO drafts (workspace_id, conversation_id, message_id, content, original, intent, confidence,
                    sources, provider, needs_human, status, reminder_key)
VALUES ($1, $2, NULL, $3, $3, 'rule_reply', 1, '[]', 'rules', false, $4, $5)
ON CONFLICT (workspace_id, reminder_key) WHERE reminder_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: DraftRoute
SELECT c.channel, coalesce(c.channel_account_id, 0)
FROM drafts d JOIN conversations c ON c.workspace_id = d.workspace_id AND c.id = d.conversation_id
WHERE d.workspace_id = $1 AND d.id = $2;
