-- name: InsertUser
INSERT INTO users (workspace_id, email, name, role, password_hash)
VALUES ($1, lower($2), $3, $4, $5)
RETURNING id;

-- name: UserByEmail
SELECT workspace_id, id, email, name, role, password_hash FROM users WHERE lower(email) = lower($1);

-- name: InsertSession
INSERT INTO user_sessions (workspace_id, token_hash, user_id, expires_at)
VALUES ($1, $2, $3, $4);

-- name: SessionUser
SELECT u.workspace_id, u.id, u.email, u.name, u.role, ''
FROM user_sessions s
JOIN users u ON u.workspace_id = s.workspace_id AND u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now();

-- name: DeleteSession
DELETE FROM user_sessions WHERE token_hash = $1;

-- name: InsertToken
INSERT INTO api_tokens (workspace_id, token_hash, name)
VALUES ($1, $2, $3)
RETURNING id;

-- name: TokenWorkspace
UPDATE api_tokens SET last_used_at = now()
WHERE token_hash = $1
RETURNING workspace_id;
