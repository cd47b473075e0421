-- +goose Up
-- Why a member of staff's or a room's own Google calendar could not be read, and since
-- when (both NULL: it was read at the last refresh). The calendar page shows it to the
-- owner; meanwhile that resource's last known busy times are kept. resources already has
-- the workspace wall (00030).
ALTER TABLE resources
    ADD COLUMN google_calendar_error text CHECK (google_calendar_error <> ''),
    ADD COLUMN google_calendar_error_since timestamptz,
    ADD CONSTRAINT resources_google_calendar_error_since
        CHECK ((google_calendar_error IS NULL) = (google_calendar_error_since IS NULL));

-- +goose Down
ALTER TABLE resources DROP COLUMN google_calendar_error_since, DROP COLUMN google_calendar_error;
