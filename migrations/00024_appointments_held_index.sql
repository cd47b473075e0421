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

-- +goose Down
ALTER TABLE appointments DROP CONSTRAINT appointments_held_span;
DROP INDEX appointments_held_idx;
