-- Queries of assignment: who looks after a conversation.

-- name: MemberName
SELECT coalesce(nullif(name, ''), email) FROM users WHERE workspace_id = $1 AND id = $2;

-- name: AssignConversation
UPDATE conversations SET assigned_to = nullif($3::bigint, 0) WHERE workspace_id = $1 AND id = $2;

-- name: InsertMemberNotification
INSERT INTO notifications (workspace_id, kind, title, conversation_id, user_id)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;
