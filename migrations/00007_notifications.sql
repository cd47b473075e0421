-- +goose Up
-- What the team should look at: hand-offs, complaints, failed deliveries, bookings.
CREATE TABLE notifications (
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    kind            text NOT NULL,
    title           text NOT NULL,
    conversation_id bigint,
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX notifications_unread_idx ON notifications (workspace_id, id DESC) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
