-- +goose Up
-- Files the owner attaches to a reply. They are stored when the draft is approved,
-- before the message exists, so a file belongs to its draft until the send job stores
-- the outbound message and hands the file over to it.
ALTER TABLE attachments ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN draft_id bigint;
ALTER TABLE attachments ADD FOREIGN KEY (workspace_id, draft_id) REFERENCES drafts (workspace_id, id) ON DELETE CASCADE;
ALTER TABLE attachments ADD CHECK (message_id IS NOT NULL OR draft_id IS NOT NULL);
CREATE INDEX attachments_draft_idx ON attachments (workspace_id, draft_id) WHERE draft_id IS NOT NULL;

-- A provider's report on a message that arrived before the send job stored the message
-- (Twilio may call the status callback before its API call returns). It is applied when
-- the message is stored.
CREATE TABLE early_deliveries (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel      text NOT NULL,
    external_id  text NOT NULL,
    status       text NOT NULL,
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, channel, external_id, status)
);

-- +goose Down
DROP TABLE early_deliveries;
DELETE FROM attachments WHERE message_id IS NULL;
DROP INDEX attachments_draft_idx;
ALTER TABLE attachments DROP COLUMN draft_id;
ALTER TABLE attachments ALTER COLUMN message_id SET NOT NULL;
