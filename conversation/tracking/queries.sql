-- name: LockVersions
-- Saves of one workspace's schema run one at a time, so versions never collide.
SELECT pg_advisory_xact_lock(hashtextextended('context_schemas', $1));

-- name: Current
SELECT version, definition, created_by, created_at FROM context_schemas
WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1;

-- name: Version
SELECT version, definition, created_by, created_at FROM context_schemas
WHERE workspace_id = $1 AND version = $2;

-- name: Versions
SELECT s.version, jsonb_array_length(s.definition -> 'fields'), s.created_by, coalesce(u.name, ''), s.created_at
FROM context_schemas s
LEFT JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.created_by
WHERE s.workspace_id = $1 ORDER BY s.version DESC LIMIT 100;

-- name: InsertVersion
INSERT INTO context_schemas (workspace_id, version, definition, created_by)
VALUES ($1, $2, $3, nullif($4::bigint, 0))
RETURNING created_at;

-- name: FilledConversations
-- The conversations with values, to migrate and re-score under a new version.
SELECT id, context FROM conversations WHERE workspace_id = $1 AND context <> '{}'::jsonb FOR UPDATE;

-- name: ScoreEmpty
UPDATE conversations SET context_completion = $2, context_priority = $3
WHERE workspace_id = $1 AND context = '{}'::jsonb;

-- name: LockContext
SELECT context, context_meta, context_version FROM conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE;

-- name: ReadContext
SELECT context, context_meta, context_version, context_completion, context_priority
FROM conversations WHERE workspace_id = $1 AND id = $2;

-- name: WriteContext
UPDATE conversations SET context = $3, context_meta = $4, context_version = $5,
       context_completion = $6, context_priority = $7
WHERE workspace_id = $1 AND id = $2;

-- name: InsertHistory
INSERT INTO context_history (workspace_id, conversation_id, field, old_value, new_value, set_by, user_id, confidence, version,
                             rule_id, rule_name)
VALUES ($1, $2, $3, $4, $5, $6, nullif($7::bigint, 0), $8, $9, nullif($10::bigint, 0), $11);

-- name: History
SELECT h.field, h.old_value, h.new_value, h.set_by, coalesce(h.user_id, 0), coalesce(u.name, ''), h.confidence, h.version,
       coalesce(h.rule_id, 0), h.rule_name, h.created_at
FROM context_history h
LEFT JOIN users u ON u.workspace_id = h.workspace_id AND u.id = h.user_id
WHERE h.workspace_id = $1 AND h.conversation_id = $2
ORDER BY h.id DESC LIMIT $3;

-- name: FillCounts
-- How many of the workspace's conversations active since $2 have each key filled.
SELECT e.key, count(*) FROM conversations c, jsonb_each(c.context) e
WHERE c.workspace_id = $1 AND c.last_message_at >= $2 AND e.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb)
GROUP BY e.key;

-- name: CountActive
SELECT count(*) FROM conversations WHERE workspace_id = $1 AND last_message_at >= $2;

-- name: InboundText
-- The customer's last messages, oldest first, for extraction run again on demand.
SELECT coalesce(string_agg(text, E'\n' ORDER BY id), '') FROM (
    SELECT id, text FROM messages
    WHERE workspace_id = $1 AND conversation_id = $2 AND direction = 'inbound' AND text <> ''
    ORDER BY id DESC LIMIT 20
) recent;

-- name: Region
SELECT phone_region FROM workspaces WHERE id = $1;
