-- +goose Up
-- A workspace's Google Calendar: the OAuth token sealed with AES-256-GCM (under a key
-- derived from FRONTDESK_SECRET_KEY, bound to the workspace), the calendar chosen, and
-- where incremental sync stands.
CREATE TABLE calendar_connections (
    workspace_id      bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    provider          text NOT NULL DEFAULT 'google' CHECK (provider = 'google'),
    calendar_id       text NOT NULL DEFAULT 'primary' CHECK (calendar_id <> ''),
    token             bytea NOT NULL,
    sync_token        text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'error')),
    last_error        text NOT NULL DEFAULT '',
    busy_refreshed_at timestamptz,
    synced_at         timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- The calendar's busy times as freeBusy last reported them (the whole window is
-- replaced at each refresh), so slots never land on them even while Google is down.
CREATE TABLE calendar_busy (
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL CHECK (ends_at > starts_at),
    PRIMARY KEY (workspace_id, starts_at, ends_at)
);

-- The Google event of an appointment, and the conversation it was booked in (where
-- its reminders go).
ALTER TABLE appointments ADD COLUMN google_event_id text;
ALTER TABLE appointments ADD COLUMN conversation_id bigint;
ALTER TABLE appointments ADD FOREIGN KEY (workspace_id, conversation_id)
    REFERENCES conversations (workspace_id, id) ON DELETE SET NULL (conversation_id);

-- Minutes before an appointment that its reminders go out.
ALTER TABLE booking_settings ADD COLUMN reminder_minutes int[] NOT NULL DEFAULT '{1440,60}';

-- A reminder is a draft with no inbound message behind it, sent like any reply; its key
-- (appointment, version, offset) makes a second one impossible.
ALTER TABLE drafts ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE drafts ADD COLUMN reminder_key text;
CREATE UNIQUE INDEX drafts_reminder_key ON drafts (workspace_id, reminder_key) WHERE reminder_key IS NOT NULL;

-- +goose Down
DROP INDEX drafts_reminder_key;
ALTER TABLE drafts DROP COLUMN reminder_key;
DELETE FROM drafts WHERE message_id IS NULL;
ALTER TABLE drafts ALTER COLUMN message_id SET NOT NULL;
ALTER TABLE booking_settings DROP COLUMN reminder_minutes;
ALTER TABLE appointments DROP COLUMN conversation_id, DROP COLUMN google_event_id;
DROP TABLE calendar_busy, calendar_connections;
