-- +goose Up
-- The push-notification channel Google sends changes of the connected calendar to
-- (events.watch): its id and the random token each notification carries, which
-- together identify the workspace; Google's id of the watched resource (needed to stop
-- the channel); and when Google will stop sending, so it is renewed before.
ALTER TABLE calendar_connections ADD COLUMN channel_id text;
ALTER TABLE calendar_connections ADD COLUMN channel_token text;
ALTER TABLE calendar_connections ADD COLUMN channel_resource_id text;
ALTER TABLE calendar_connections ADD COLUMN channel_expires_at timestamptz;
CREATE UNIQUE INDEX calendar_connections_channel_key ON calendar_connections (channel_id) WHERE channel_id IS NOT NULL;

-- +goose Down
DROP INDEX calendar_connections_channel_key;
ALTER TABLE calendar_connections DROP COLUMN channel_id, DROP COLUMN channel_token,
    DROP COLUMN channel_resource_id, DROP COLUMN channel_expires_at;
