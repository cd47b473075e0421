-- +goose Up
-- A slot search reads the time each resource of a service is held in the searched days.
-- The exclusion constraint's GiST index finds it, but the planner ANDs it with every
-- appointment of the workspace (all its history) to apply workspace_id. This index
-- answers the search by an index-only range scan on starts_at: a held span is at most
-- 32 hours (a service of 24 hours with 4 hours' buffer each side, and a move made in
-- Google Calendar is refused beyond that), so the held time overlapping [from, to)
-- starts between from - 32h and to + 32h.
CREATE INDEX appointments_held_idx ON appointments (workspace_id, resource_id, starts_at)
    INCLUDE (during, id) WHERE status = 'booked';
-- Booked rows only, so an older longer one can still be cancelled; NOT VALID: rows from
-- before are not checked (only a move made in Google Calendar could have made one).
ALTER TABLE appointments ADD CONSTRAINT appointments_held_span
    CHECK (status <> 'booked' OR upper(during) - lower(during) <= interval '32 hours') NOT VALID;

-- A member of staff's or a room's own Google calendar, shared with the connected
-- account: its busy times hold that resource alone (resource 0: the business's calendar,
-- which holds every resource).
ALTER TABLE resources ADD COLUMN google_calendar_id text CHECK (google_calendar_id <> '');
ALTER TABLE calendar_busy ADD COLUMN resource_id bigint NOT NULL DEFAULT 0;
ALTER TABLE calendar_busy DROP CONSTRAINT calendar_busy_pkey;
ALTER TABLE calendar_busy ADD PRIMARY KEY (workspace_id, resource_id, starts_at, ends_at);

-- +goose Down
DELETE FROM calendar_busy WHERE resource_id <> 0;
ALTER TABLE calendar_busy DROP CONSTRAINT calendar_busy_pkey;
ALTER TABLE calendar_busy ADD PRIMARY KEY (workspace_id, starts_at, ends_at);
ALTER TABLE calendar_busy DROP COLUMN resource_id;
ALTER TABLE resources DROP COLUMN google_calendar_id;
ALTER TABLE appointments DROP CONSTRAINT appointments_held_span;
DROP INDEX appointments_held_idx;
