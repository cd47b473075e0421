-- name: GetConnection
SELECT calendar_id, token, sync_token, status, last_error, busy_refreshed_at, synced_at, created_at, channel_expires_at
FROM calendar_connections WHERE workspace_id = $1;

-- name: HasConnection
SELECT EXISTS (SELECT 1 FROM calendar_connections WHERE workspace_id = $1);

-- name: ListConnections
SELECT workspace_id FROM calendar_connections ORDER BY workspace_id;

-- name: UpsertConnection
-- A new token (or another calendar) starts sync afresh.
INSERT INTO calendar_connections (workspace_id, calendar_id, token)
VALUES ($1, $2, $3)
ON CONFLICT (workspace_id) DO UPDATE
SET calendar_id = EXCLUDED.calendar_id, token = EXCLUDED.token, sync_token = '', status = 'active',
    last_error = '', busy_refreshed_at = NULL, synced_at = NULL;

-- name: SetCalendar
UPDATE calendar_connections
SET calendar_id = $2, sync_token = '', busy_refreshed_at = NULL, synced_at = NULL
WHERE workspace_id = $1;

-- name: SaveToken
UPDATE calendar_connections SET token = $2 WHERE workspace_id = $1;

-- name: DeleteConnection
DELETE FROM calendar_connections WHERE workspace_id = $1;

-- name: ForgetEvents
-- Disconnected: the events belong to a calendar we no longer write to.
UPDATE appointments SET google_event_id = NULL WHERE workspace_id = $1 AND google_event_id IS NOT NULL;

-- name: ClearBusy
DELETE FROM calendar_busy WHERE workspace_id = $1;

-- name: ClearBusyWindow
-- The busy times between $2 and $3, but those of the resources in $4 (0: the business's
-- calendar), whose calendars could not be read: their last known busy times stay.
DELETE FROM calendar_busy
WHERE workspace_id = $1 AND starts_at < $3 AND ends_at > $2 AND resource_id <> ALL ($4::bigint[]);

-- name: InsertBusy
-- Resource $2 (0: the business's calendar) is busy from $3 to $4.
INSERT INTO calendar_busy (workspace_id, resource_id, starts_at, ends_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: ListResourceCalendars
-- The staff and rooms with a Google calendar of their own.
SELECT id, google_calendar_id FROM resources
WHERE workspace_id = $1 AND active AND google_calendar_id IS NOT NULL
ORDER BY id;

-- name: ResourceCalendarFailed
-- Resource $2's own calendar could not be read at $4: why, and since the first failure.
UPDATE resources
SET google_calendar_error = $3, google_calendar_error_since = coalesce(google_calendar_error_since, $4)
WHERE workspace_id = $1 AND id = $2;

-- name: ClearResourceErrors
-- The resources but those in $2 had their calendars read, or have none (any more).
UPDATE resources SET google_calendar_error = NULL, google_calendar_error_since = NULL
WHERE workspace_id = $1 AND google_calendar_error IS NOT NULL AND id <> ALL ($2::bigint[]);

-- name: ListUnreadableCalendars
SELECT id, name, google_calendar_id, google_calendar_error, google_calendar_error_since FROM resources
WHERE workspace_id = $1 AND active AND google_calendar_id IS NOT NULL AND google_calendar_error IS NOT NULL
ORDER BY name, id;

-- name: BusyRefreshed
UPDATE calendar_connections SET busy_refreshed_at = $2, status = 'active', last_error = '' WHERE workspace_id = $1;

-- name: Failed
UPDATE calendar_connections SET status = 'error', last_error = $2 WHERE workspace_id = $1;

-- name: Synced
UPDATE calendar_connections SET sync_token = $2, synced_at = $3, status = 'active', last_error = '' WHERE workspace_id = $1;

-- name: ListBusy
SELECT starts_at, ends_at FROM calendar_busy
WHERE workspace_id = $1 AND starts_at < $3 AND ends_at > $2
ORDER BY starts_at;

-- name: SetEventID
UPDATE appointments SET google_event_id = $3 WHERE workspace_id = $1 AND id = $2;

-- name: Timezone
SELECT timezone FROM workspaces WHERE id = $1;

-- name: GetChannel
SELECT coalesce(channel_id, ''), coalesce(channel_resource_id, '') FROM calendar_connections WHERE workspace_id = $1;

-- name: SetChannel
UPDATE calendar_connections
SET channel_id = $2, channel_token = $3, channel_resource_id = $4, channel_expires_at = $5
WHERE workspace_id = $1;

-- name: ChannelWorkspace
-- The workspace a notification's channel belongs to, with the token it must carry.
SELECT workspace_id, channel_token FROM calendar_connections WHERE channel_id = $1;

-- name: ChannelsToRenew
-- Connections without a channel, or whose channel stops before $1.
SELECT workspace_id FROM calendar_connections
WHERE channel_id IS NULL OR channel_expires_at IS NULL OR channel_expires_at < $1
ORDER BY workspace_id;
