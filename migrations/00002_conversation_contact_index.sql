-- +goose Up
-- The portal reads a contact's messages on one channel; without this the planner scans
-- every workspace's conversations.
CREATE INDEX conversations_contact_idx ON conversations (workspace_id, contact_id, channel);

-- +goose Down
DROP INDEX conversations_contact_idx;
