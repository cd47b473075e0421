-- name: Insert
INSERT INTO channel_accounts (workspace_id, kind, name, settings, credentials, status)
VALUES ($1, $2, $3, $4, '', $5)
RETURNING id, created_at;

-- name: SetCredentials
UPDATE channel_accounts SET credentials = $3 WHERE workspace_id = $1 AND id = $2;

-- name: List
SELECT id, workspace_id, kind, name, settings, status, last_error, created_at
FROM channel_accounts WHERE workspace_id = $1 ORDER BY id;

-- name: Get
SELECT id, workspace_id, kind, name, settings, status, last_error, created_at, credentials
FROM channel_accounts WHERE workspace_id = $1 AND id = $2;

-- name: GetAny
-- A webhook names only the account; its signature or token proves the rest.
SELECT id, workspace_id, kind, name, settings, status, last_error, created_at, credentials
FROM channel_accounts WHERE id = $1;

-- name: ListKind
SELECT id, workspace_id, kind, name, settings, status, last_error, created_at, credentials
FROM channel_accounts WHERE kind = $1 ORDER BY id;

-- name: SetStatus
UPDATE channel_accounts SET status = $3, last_error = $4 WHERE workspace_id = $1 AND id = $2;

-- name: ReleaseConversations
UPDATE conversations SET channel_account_id = NULL WHERE workspace_id = $1 AND channel_account_id = $2;

-- name: Delete
DELETE FROM channel_accounts WHERE workspace_id = $1 AND id = $2;

-- name: SetJID
-- The WhatsApp device paired for the account ('' forgets it).
UPDATE channel_accounts
SET settings = CASE WHEN $3::text = '' THEN settings - 'jid' ELSE jsonb_set(settings, '{jid}', to_jsonb($3::text)) END
WHERE workspace_id = $1 AND id = $2 AND kind = 'whatsapp';
