-- name: SearchContacts
-- The directory: contacts not erased whose name, email or phone matches $2 (any when
-- empty; $3 is $2's digits, for numbers typed with spaces or dashes), newest activity first.
SELECT ct.id, ct.name, coalesce(ct.phone, ''), ct.email, ct.created_at,
       coalesce((SELECT array_agg(DISTINCT a.channel ORDER BY a.channel) FROM contact_addresses a
                 WHERE a.workspace_id = ct.workspace_id AND a.contact_id = ct.id), '{}'),
       (SELECT count(*) FROM conversations c WHERE c.workspace_id = ct.workspace_id AND c.contact_id = ct.id),
       (SELECT count(*) FROM appointments ap WHERE ap.workspace_id = ct.workspace_id AND ap.contact_id = ct.id),
       (SELECT max(c.last_message_at) FROM conversations c WHERE c.workspace_id = ct.workspace_id AND c.contact_id = ct.id),
       count(*) OVER ()
FROM contacts ct
WHERE ct.workspace_id = $1 AND ct.erased_at IS NULL
  AND ($2 = '' OR ct.name ILIKE '%' || $2 || '%' OR ct.email ILIKE '%' || $2 || '%'
       OR ($3 <> '' AND ct.phone LIKE '%' || $3 || '%'))
ORDER BY (SELECT max(c.last_message_at) FROM conversations c
          WHERE c.workspace_id = ct.workspace_id AND c.contact_id = ct.id) DESC NULLS LAST, ct.id DESC
LIMIT $4 OFFSET $5;

-- name: GetContact
SELECT id, name, coalesce(phone, ''), email, created_at, erased_at
FROM contacts WHERE workspace_id = $1 AND id = $2;

-- name: ContactAddresses
SELECT channel, address FROM contact_addresses
WHERE workspace_id = $1 AND contact_id = $2 ORDER BY channel, address;

-- name: ContactConversations
SELECT c.id, c.channel, c.status, c.workflow_status, c.needs_human, c.tags, c.context, c.created_at, c.last_message_at,
       (SELECT count(*) FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id)
FROM conversations c
WHERE c.workspace_id = $1 AND c.contact_id = $2
ORDER BY c.last_message_at DESC, c.id DESC;

-- name: ContactAppointments
SELECT a.id, a.service_id, s.name, a.status, a.starts_at, a.ends_at, a.notes, a.created_at
FROM appointments a
JOIN services s ON s.workspace_id = a.workspace_id AND s.id = a.service_id
WHERE a.workspace_id = $1 AND a.contact_id = $2
ORDER BY a.starts_at DESC;

-- name: DuplicateCandidates
-- Contacts that may be the same person: same name, same email, or a phone ending in the
-- same seven digits.
SELECT ct.id, ct.name, coalesce(ct.phone, ''), ct.email
FROM contacts ct, contacts me
WHERE me.workspace_id = $1 AND me.id = $2
  AND ct.workspace_id = me.workspace_id AND ct.id <> me.id AND ct.erased_at IS NULL
  AND ((me.name <> '' AND lower(ct.name) = lower(me.name))
    OR (me.email <> '' AND lower(ct.email) = lower(me.email))
    OR (me.phone IS NOT NULL AND right(ct.phone, 7) = right(me.phone, 7)))
ORDER BY ct.id
LIMIT 20;

-- name: LockContacts
SELECT id, name, coalesce(phone, ''), email, erased_at IS NOT NULL
FROM contacts WHERE workspace_id = $1 AND id = ANY($2::bigint[])
ORDER BY id
FOR UPDATE;

-- name: LockContact
SELECT coalesce(phone, ''), erased_at IS NOT NULL
FROM contacts WHERE workspace_id = $1 AND id = $2
FOR UPDATE;

-- name: CloseCollidingConversations
-- A contact has one open conversation per channel: the duplicate's open one on a channel
-- where the kept contact has one too is closed before it moves.
UPDATE conversations s SET status = 'closed'
WHERE s.workspace_id = $1 AND s.contact_id = $2 AND s.status <> 'closed'
  AND EXISTS (SELECT 1 FROM conversations t WHERE t.workspace_id = s.workspace_id AND t.contact_id = $3
              AND t.channel = s.channel AND t.status <> 'closed');

-- name: MoveConversations
UPDATE conversations SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2;

-- name: MoveAddresses
UPDATE contact_addresses SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2;

-- name: MoveAppointments
UPDATE appointments SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2;

-- name: MovePortalLinks
UPDATE portal_links SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2;

-- name: MovePortalSessions
UPDATE portal_sessions SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2;

-- name: DeleteContact
DELETE FROM contacts WHERE workspace_id = $1 AND id = $2;

-- name: FillContact
-- The kept contact takes the duplicate's name, phone and email where it has none.
UPDATE contacts
SET name = CASE WHEN name = '' THEN $3 ELSE name END,
    phone = coalesce(phone, nullif($4, '')),
    email = CASE WHEN email = '' THEN $5 ELSE email END
WHERE workspace_id = $1 AND id = $2;

-- name: ExportMessages
SELECT coalesce(json_agg(x ORDER BY x.id), '[]')
FROM (SELECT m.id, m.conversation_id, m.direction, m.sender_type, m.channel, m.text, m.is_ai_generated,
             m.delivery_status, m.delivery_error, m.created_at
      FROM messages m
      JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
      WHERE m.workspace_id = $1 AND c.contact_id = $2) x;

-- name: ExportAttachments
SELECT coalesce(json_agg(x ORDER BY x.id), '[]')
FROM (SELECT a.id, a.message_id, a.status, a.kind, a.file_name, a.content_type, a.size_bytes,
             a.transcript, a.error, a.created_at
      FROM attachments a
      JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
      JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
      WHERE a.workspace_id = $1 AND c.contact_id = $2) x;

-- name: ExportDrafts
SELECT coalesce(json_agg(x ORDER BY x.id), '[]')
FROM (SELECT d.id, d.conversation_id, d.message_id, d.content, d.original, d.intent, d.confidence,
             d.provider, d.status, d.decided_at, d.sent_at, d.created_at
      FROM drafts d
      JOIN conversations c ON c.workspace_id = d.workspace_id AND c.id = d.conversation_id
      WHERE d.workspace_id = $1 AND c.contact_id = $2) x;

-- name: ExportAppointments
SELECT coalesce(json_agg(x ORDER BY x.id), '[]')
FROM (SELECT a.id, s.name AS service, a.status, a.starts_at, a.ends_at, a.notes, a.created_at, a.cancelled_at
      FROM appointments a
      JOIN services s ON s.workspace_id = a.workspace_id AND s.id = a.service_id
      WHERE a.workspace_id = $1 AND a.contact_id = $2) x;

-- name: ExportNotifications
SELECT coalesce(json_agg(x ORDER BY x.id), '[]')
FROM (SELECT n.id, n.kind, n.title, n.conversation_id, n.read_at, n.created_at
      FROM notifications n
      JOIN conversations c ON c.workspace_id = n.workspace_id AND c.id = n.conversation_id
      WHERE n.workspace_id = $1 AND c.contact_id = $2) x;

-- name: ContactBlobKeys
SELECT a.blob_key
FROM attachments a
JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
WHERE a.workspace_id = $1 AND c.contact_id = $2 AND a.blob_key <> '';

-- name: EraseAttachments
UPDATE attachments a
SET status = 'failed', source = '', file_name = '', blob_key = '', transcript = NULL, error = 'erased on request'
FROM messages m, conversations c
WHERE a.workspace_id = $1 AND m.workspace_id = a.workspace_id AND m.id = a.message_id
  AND c.workspace_id = m.workspace_id AND c.id = m.conversation_id AND c.contact_id = $2;

-- name: EraseMessages
UPDATE messages m SET text = '', delivery_error = ''
FROM conversations c
WHERE m.workspace_id = $1 AND c.workspace_id = m.workspace_id AND c.id = m.conversation_id AND c.contact_id = $2;

-- name: EraseDrafts
-- The text goes; whether a person edited the reply stays (original differs from
-- content), so the workspace's approval figures do not change. A draft still waiting
-- or approved but not yet sent is withdrawn (the send job skips it): nothing more goes
-- to an address that is no longer known.
UPDATE drafts d
SET original = CASE WHEN d.content = d.original THEN '' ELSE '(edited)' END, content = '',
    sources = '[]', offer = NULL,
    error = CASE WHEN d.status IN ('approved', 'edited') THEN 'contact erased before sending' ELSE '' END,
    status = CASE WHEN d.status = 'pending' THEN 'superseded'
                  WHEN d.status IN ('approved', 'edited') THEN 'failed' ELSE d.status END
FROM conversations c
WHERE d.workspace_id = $1 AND c.workspace_id = d.workspace_id AND c.id = d.conversation_id AND c.contact_id = $2;

-- name: EraseNotifications
UPDATE notifications n SET title = 'Erased contact'
FROM conversations c
WHERE n.workspace_id = $1 AND c.workspace_id = n.workspace_id AND c.id = n.conversation_id AND c.contact_id = $2;

-- name: EraseConversations
UPDATE conversations SET context = '{}', tags = '{}', flow = NULL, status = 'closed', needs_human = false
WHERE workspace_id = $1 AND contact_id = $2;

-- name: EraseAppointments
UPDATE appointments SET notes = '' WHERE workspace_id = $1 AND contact_id = $2;

-- name: EraseReachability
-- Everything that finds the person again: their addresses, chat links and sessions, and
-- any code sent to their phone.
WITH a AS (DELETE FROM contact_addresses WHERE workspace_id = $1 AND contact_id = $2),
     l AS (DELETE FROM portal_links WHERE workspace_id = $1 AND contact_id = $2),
     s AS (DELETE FROM portal_sessions WHERE workspace_id = $1 AND contact_id = $2)
DELETE FROM portal_codes WHERE workspace_id = $1 AND phone = $3;

-- name: EraseContact
UPDATE contacts SET name = '', phone = NULL, email = '', erased_at = now()
WHERE workspace_id = $1 AND id = $2;

-- name: AllContactsCSV
-- Every contact not erased, for the CSV export.
SELECT ct.id, ct.name, coalesce(ct.phone, ''), ct.email, ct.created_at,
       coalesce((SELECT array_agg(DISTINCT a.channel ORDER BY a.channel) FROM contact_addresses a
                 WHERE a.workspace_id = ct.workspace_id AND a.contact_id = ct.id), '{}'),
       (SELECT count(*) FROM conversations c WHERE c.workspace_id = ct.workspace_id AND c.contact_id = ct.id),
       (SELECT count(*) FROM appointments ap WHERE ap.workspace_id = ct.workspace_id AND ap.contact_id = ct.id),
       (SELECT max(c.last_message_at) FROM conversations c WHERE c.workspace_id = ct.workspace_id AND c.contact_id = ct.id),
       0::bigint
FROM contacts ct
WHERE ct.workspace_id = $1 AND ct.erased_at IS NULL
ORDER BY ct.id;
