-- +goose Up
-- A contact erased on request keeps its row (so conversations, appointments and the
-- figures built on them stay whole) but none of its personal data; erased_at says when.
ALTER TABLE contacts ADD COLUMN erased_at timestamptz;

-- Analytics read a workspace's messages, drafts and appointments by date range.
CREATE INDEX messages_created_idx ON messages (workspace_id, created_at);
CREATE INDEX drafts_created_idx ON drafts (workspace_id, created_at);
CREATE INDEX appointments_contact_idx ON appointments (workspace_id, contact_id);
CREATE INDEX audit_log_object_idx ON audit_log (workspace_id, object_type, object_id);

-- +goose Down
DROP INDEX audit_log_object_idx;
DROP INDEX appointments_contact_idx;
DROP INDEX drafts_created_idx;
DROP INDEX messages_created_idx;
ALTER TABLE contacts DROP COLUMN erased_at;
