-- Queries of the team: members, roles, invitations, and the audit entries admin writes.
-- name: TouchUser
-- Last seen, written at most once a minute per user.
UPDATE users SET last_seen_at = now()
WHERE workspace_id = $1 AND id = $2 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute');

-- name: Members
SELECT id, email, name, role, last_seen_at, created_at FROM users
WHERE workspace_id = $1
ORDER BY role, lower(name), id;

-- name: LockOwners
-- Locks the owners so two demotions at once cannot leave a workspace without one.
SELECT id FROM users WHERE workspace_id = $1 AND role = 'owner' ORDER BY id FOR UPDATE;

-- name: SetRole
UPDATE users SET role = $3 WHERE workspace_id = $1 AND id = $2 RETURNING email;

-- name: DeleteUser
DELETE FROM users WHERE workspace_id = $1 AND id = $2 RETURNING email;

-- name: UnassignUser
UPDATE conversations SET assigned_to = NULL WHERE workspace_id = $1 AND assigned_to = $2;

-- name: DeleteOpenInvite
DELETE FROM invites WHERE workspace_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL;

-- name: InsertInvite
INSERT INTO invites (workspace_id, email, role, token_hash, invited_by, expires_at)
VALUES ($1, lower($2), $3, $4, $5, $6)
RETURNING id, created_at;

-- name: OpenInvites
SELECT i.id, i.email, i.role, coalesce(u.email, ''), i.expires_at, i.created_at
FROM invites i
LEFT JOIN users u ON u.workspace_id = i.workspace_id AND u.id = i.invited_by
WHERE i.workspace_id = $1 AND i.accepted_at IS NULL
ORDER BY i.id DESC;

-- name: RevokeInvite
DELETE FROM invites WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL RETURNING email;

-- name: InviteByToken
SELECT i.workspace_id, i.id, i.email, i.role, w.name, i.expires_at, i.accepted_at IS NOT NULL
FROM invites i JOIN workspaces w ON w.id = i.workspace_id
WHERE i.token_hash = $1;

-- name: LockInvite
SELECT id FROM invites WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE;

-- name: AcceptInvite
UPDATE invites SET accepted_at = now(), accepted_by = $3 WHERE workspace_id = $1 AND id = $2;

-- name: UserEmailTaken
SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1));

-- name: InsertAdminAudit
INSERT INTO audit_log (workspace_id, actor, action, object_type, object_id, detail)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: AuditEntries
-- Newest first; empty filters match everything. An action filter "draft" matches draft.*.
SELECT id, actor, action, object_type, coalesce(object_id, 0), detail, created_at
FROM audit_log
WHERE workspace_id = $1
  AND ($2::text = '' OR actor = $2)
  AND ($3::text = '' OR action = $3 OR action LIKE $3 || '.%')
  AND ($4::text = '' OR object_type = $4)
  AND ($5::timestamptz IS NULL OR created_at >= $5)
  AND ($6::timestamptz IS NULL OR created_at < $6)
ORDER BY created_at DESC, id DESC
LIMIT $7 OFFSET $8;

-- name: AuditFacets
-- The values the filters offer, most used first, read from the newest 5,000 entries so
-- the page stays fast on a long log (a value chosen before is kept by the handler).
WITH recent AS (
    SELECT actor, action, object_type FROM audit_log
    WHERE workspace_id = $1
    ORDER BY created_at DESC, id DESC
    LIMIT 5000
)
(SELECT 'actor', actor FROM recent GROUP BY actor ORDER BY count(*) DESC LIMIT 100)
UNION ALL
(SELECT 'action', action FROM recent GROUP BY action ORDER BY count(*) DESC LIMIT 100)
UNION ALL
(SELECT 'object_type', object_type FROM recent GROUP BY object_type ORDER BY count(*) DESC LIMIT 100);
