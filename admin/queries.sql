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
INSERT INTO api_tokens (workspace_id, token_hash, name, role)
VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: TokenWorkspace
UPDATE api_tokens SET last_used_at = now()
WHERE token_hash = $1
RETURNING workspace_id, role;

-- name: LoginLockedFor
SELECT extract(epoch FROM locked_until - now())::float8 FROM login_failures
WHERE email = lower($1) AND locked_until > now();

-- name: RecordLoginFailure
INSERT INTO login_failures AS f (email, failures) VALUES (lower($1), 1)
ON CONFLICT (email) DO UPDATE SET
    -- A day without a wrong password starts the count again.
    failures = CASE WHEN f.last_failure < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END,
    last_failure = now()
RETURNING failures;

-- name: LockLogin
UPDATE login_failures SET locked_until = now() + make_interval(secs => $2) WHERE email = lower($1);

-- name: ClearLoginFailures
DELETE FROM login_failures WHERE email = lower($1) OR last_failure < now() - interval '1 day';

-- name: PasswordHashes
SELECT email, password_hash FROM users ORDER BY id LIMIT $1;
