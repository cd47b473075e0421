-- name: Recipients
-- Every user of the workspace the notification ($3) is for (all of them, or the one
-- member it names) with their choice for its kind (NULL: the default) and their quiet hours.
SELECT u.id, u.email, u.role, p.email, q.start_minute, q.end_minute
FROM users u
JOIN notifications n ON n.workspace_id = u.workspace_id AND n.id = $3
LEFT JOIN notification_preferences p ON p.workspace_id = u.workspace_id AND p.user_id = u.id AND p.kind = $2
LEFT JOIN notification_quiet_hours q ON q.workspace_id = u.workspace_id AND q.user_id = u.id
WHERE u.workspace_id = $1 AND (n.user_id IS NULL OR n.user_id = u.id)
ORDER BY u.id;

-- name: Notification
SELECT n.kind, n.title, coalesce(n.conversation_id, 0), n.created_at, w.name, w.timezone
FROM notifications n JOIN workspaces w ON w.id = n.workspace_id
WHERE n.workspace_id = $1 AND n.id = $2;

-- name: User
SELECT u.email, u.role, w.name, w.timezone, q.start_minute, q.end_minute
FROM users u JOIN workspaces w ON w.id = u.workspace_id
LEFT JOIN notification_quiet_hours q ON q.workspace_id = u.workspace_id AND q.user_id = u.id
WHERE u.workspace_id = $1 AND u.id = $2;

-- name: FirstOwner
SELECT id FROM users WHERE workspace_id = $1 AND role = 'owner' ORDER BY id LIMIT 1;

-- name: Choices
SELECT kind, email FROM notification_preferences WHERE workspace_id = $1 AND user_id = $2;

-- name: SetChoices
-- All of a user's choices at once ($3 kinds, $4 on or off).
INSERT INTO notification_preferences (workspace_id, user_id, kind, email)
SELECT $1, $2, k, e FROM unnest($3::text[], $4::boolean[]) AS c (k, e)
ON CONFLICT (workspace_id, user_id, kind) DO UPDATE SET email = excluded.email;

-- name: SetQuiet
INSERT INTO notification_quiet_hours (workspace_id, user_id, start_minute, end_minute)
VALUES ($1, $2, $3, $4)
ON CONFLICT (workspace_id, user_id) DO UPDATE SET start_minute = excluded.start_minute, end_minute = excluded.end_minute;

-- name: ClearQuiet
DELETE FROM notification_quiet_hours WHERE workspace_id = $1 AND user_id = $2;

-- name: Claim
-- The e-mail of one notification to one user: made on first sight, its status after.
INSERT INTO notification_emails (workspace_id, notification_id, user_id) VALUES ($1, $2, $3)
ON CONFLICT (workspace_id, notification_id, user_id) DO UPDATE SET status = notification_emails.status
RETURNING status;

-- name: Wait
UPDATE notification_emails SET status = 'waiting', due_at = $4
WHERE workspace_id = $1 AND notification_id = $2 AND user_id = $3 AND status = 'pending';

-- name: Sent
-- $3 the notifications mailed to user $2 (one, or a digest's several).
UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1, error = ''
WHERE workspace_id = $1 AND user_id = $2 AND notification_id = ANY ($3::bigint[]) AND status IN ('pending', 'waiting');

-- name: Failed
-- A failed attempt; $5 true when it is final.
UPDATE notification_emails SET attempts = attempts + 1, error = $4,
    status = CASE WHEN $5::boolean THEN 'failed' ELSE status END
WHERE workspace_id = $1 AND user_id = $2 AND notification_id = ANY ($3::bigint[]) AND status IN ('pending', 'waiting');

-- name: Waiting
SELECT n.id, n.kind, n.title, coalesce(n.conversation_id, 0), n.created_at
FROM notification_emails e JOIN notifications n ON n.workspace_id = e.workspace_id AND n.id = e.notification_id
WHERE e.workspace_id = $1 AND e.user_id = $2 AND e.status = 'waiting'
ORDER BY n.id;

-- name: Failures
SELECT n.title, e.error, e.created_at
FROM notification_emails e JOIN notifications n ON n.workspace_id = e.workspace_id AND n.id = e.notification_id
WHERE e.workspace_id = $1 AND e.user_id = $2 AND e.status = 'failed'
ORDER BY e.created_at DESC, n.id DESC
LIMIT $3;
