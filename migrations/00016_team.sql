-- +goose Up
-- An invitation to join a workspace: the link carries a token, only its hash is kept.
CREATE TABLE invites (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    email        text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    role         text NOT NULL CHECK (role IN ('owner', 'staff')),
    token_hash   bytea NOT NULL UNIQUE,
    invited_by   bigint,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
-- One open invitation per address and workspace.
CREATE UNIQUE INDEX invites_open_key ON invites (workspace_id, lower(email)) WHERE accepted_at IS NULL;

-- Last seen: touched at most once a minute by a request with the user's session.
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;

-- API tokens act as an owner unless made for staff.
ALTER TABLE api_tokens ADD COLUMN role text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'staff'));

-- A notification for one member (an assignment); NULL is for the whole team.
ALTER TABLE notifications ADD COLUMN user_id bigint;

CREATE INDEX audit_log_recent_idx ON audit_log (workspace_id, created_at DESC, id DESC);
CREATE INDEX conversations_assigned_idx ON conversations (workspace_id, assigned_to) WHERE assigned_to IS NOT NULL;

-- +goose Down
DROP INDEX conversations_assigned_idx;
DROP INDEX audit_log_recent_idx;
ALTER TABLE notifications DROP COLUMN user_id;
ALTER TABLE api_tokens DROP COLUMN role;
ALTER TABLE users DROP COLUMN last_seen_at;
DROP TABLE invites;
