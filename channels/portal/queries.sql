-- name: InsertLink
INSERT INTO portal_links (workspace_id, token_hash, contact_id, expires_at)
VALUES ($1, $2, $3, $4);

-- name: LinkContact
SELECT workspace_id, contact_id FROM portal_links
WHERE token_hash = $1 AND expires_at > now();

-- name: InsertSession
INSERT INTO portal_sessions (workspace_id, token_hash, contact_id, expires_at)
VALUES ($1, $2, $3, $4);

-- name: SessionContact
SELECT s.workspace_id, s.contact_id, w.slug, w.name, w.assistant_name,
       coalesce(nullif(c.name, ''), ''), coalesce(c.phone, ''), s.expires_at
FROM portal_sessions s
JOIN workspaces w ON w.id = s.workspace_id
JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.contact_id
WHERE s.token_hash = $1 AND s.expires_at > now();

-- name: DeleteSession
DELETE FROM portal_sessions WHERE token_hash = $1;

-- name: UpsertCode
INSERT INTO portal_codes (workspace_id, phone, code_hash, attempts, expires_at)
VALUES ($1, $2, $3, 0, $4)
ON CONFLICT (workspace_id, phone) DO UPDATE SET code_hash = EXCLUDED.code_hash, attempts = 0, expires_at = EXCLUDED.expires_at;

-- name: CountAttempt
UPDATE portal_codes SET attempts = attempts + 1
WHERE workspace_id = $1 AND phone = $2 AND expires_at > now()
RETURNING code_hash, attempts;

-- name: DeleteCode
DELETE FROM portal_codes WHERE workspace_id = $1 AND phone = $2;
