-- name: DeleteHours
-- The weekly hours of resource $2, or the business's when $2 is null.
DELETE FROM availability_rules WHERE workspace_id = $1 AND resource_id IS NOT DISTINCT FROM $2::bigint;

-- name: InsertHours
INSERT INTO availability_rules (workspace_id, resource_id, weekday, opens_at, closes_at)
VALUES ($1, $2::bigint, $3, $4::time, $5::time);

-- name: ListHours
SELECT weekday, to_char(opens_at, 'HH24:MI'), to_char(closes_at, 'HH24:MI')
FROM availability_rules
WHERE workspace_id = $1 AND resource_id IS NOT DISTINCT FROM $2::bigint
ORDER BY weekday, opens_at;

-- name: DeleteExceptions
DELETE FROM availability_exceptions WHERE workspace_id = $1;

-- name: InsertException
INSERT INTO availability_exceptions (workspace_id, resource_id, day, closed, opens_at, closes_at, note)
VALUES ($1, $2, $3, $4, $5::time, $6::time, $7);

-- name: ListExceptions
-- The exceptions of days from $2 to $3 (inclusive).
SELECT resource_id, day, closed, coalesce((extract(epoch FROM opens_at) / 60)::int, 0),
       coalesce((extract(epoch FROM closes_at) / 60)::int, 0), note
FROM availability_exceptions
WHERE workspace_id = $1 AND day BETWEEN $2 AND $3
ORDER BY day, opens_at NULLS FIRST;

-- name: GetSettings
SELECT min_notice_minutes, horizon_days, slot_step_minutes FROM booking_settings WHERE workspace_id = $1;

-- name: UpsertSettings
INSERT INTO booking_settings (workspace_id, min_notice_minutes, horizon_days, slot_step_minutes, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (workspace_id) DO UPDATE
SET min_notice_minutes = EXCLUDED.min_notice_minutes, horizon_days = EXCLUDED.horizon_days,
    slot_step_minutes = EXCLUDED.slot_step_minutes, updated_at = EXCLUDED.updated_at;

-- name: ListResources
SELECT id, name, kind, is_default FROM resources
WHERE workspace_id = $1 AND active
ORDER BY is_default DESC, id;

-- name: DefaultResource
SELECT id FROM resources WHERE workspace_id = $1 AND is_default;

-- name: InsertService
INSERT INTO services (workspace_id, name, description, duration_minutes, buffer_before_minutes,
                      buffer_after_minutes, price_cents, currency)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: LinkServiceResources
INSERT INTO service_resources (workspace_id, service_id, resource_id)
SELECT $1, $2, unnest($3::bigint[]);

-- name: ListServices
SELECT s.id, s.name, s.description, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes,
       s.price_cents, s.currency, s.active,
       array(SELECT sr.resource_id FROM service_resources sr
             WHERE sr.workspace_id = s.workspace_id AND sr.service_id = s.id ORDER BY sr.resource_id)
FROM services s
WHERE s.workspace_id = $1 AND s.active
ORDER BY lower(s.name), s.id;

-- name: GetService
SELECT s.id, s.name, s.description, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes,
       s.price_cents, s.currency, s.active,
       array(SELECT sr.resource_id FROM service_resources sr
             WHERE sr.workspace_id = s.workspace_id AND sr.service_id = s.id ORDER BY sr.resource_id)
FROM services s
WHERE s.workspace_id = $1 AND s.id = $2;

-- name: LockResource
-- Bookings of one resource queue here for the rest of their transaction. The exclusion
-- constraint alone is the guarantee; without the queue, racing inserts of one slot wait
-- for each other's uncommitted rows and PostgreSQL breaks the cycles as deadlocks.
SELECT pg_advisory_xact_lock(hashtextextended('frontdesk.booking:' || $1::bigint || ':' || $2::bigint, 0));

-- name: InsertAppointment
-- during is the appointment widened by the service's buffers: the exclusion constraint
-- appointments_no_overlap refuses it when it overlaps another booked one of the resource.
INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at,
                          buffer_before_minutes, buffer_after_minutes, during, notes, created_at, updated_at,
                          conversation_id)
VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::int, $8::int,
        tstzrange($5::timestamptz - make_interval(mins => $7::int), $6::timestamptz + make_interval(mins => $8::int), '[)'),
        $9, $10, $10, $11)
RETURNING id;

-- name: MoveAppointment
UPDATE appointments
SET resource_id = $3, starts_at = $4::timestamptz, ends_at = $5::timestamptz,
    during = tstzrange($4::timestamptz - make_interval(mins => buffer_before_minutes),
                       $5::timestamptz + make_interval(mins => buffer_after_minutes), '[)'),
    sequence = sequence + 1, updated_at = $6
WHERE workspace_id = $1 AND id = $2 AND status = 'booked';

-- name: CancelAppointment
UPDATE appointments
SET status = 'cancelled', cancelled_at = $3, updated_at = $3, sequence = sequence + 1
WHERE workspace_id = $1 AND id = $2 AND status = 'booked';

-- name: MoveAppointmentTo
-- A move decided elsewhere (the owner dragged the event in Google Calendar): the new
-- start and end as given, on the same resource; the exclusion constraint still holds.
UPDATE appointments
SET starts_at = $3::timestamptz, ends_at = $4::timestamptz,
    during = tstzrange($3::timestamptz - make_interval(mins => buffer_before_minutes),
                       $4::timestamptz + make_interval(mins => buffer_after_minutes), '[)'),
    sequence = sequence + 1, updated_at = $5
WHERE workspace_id = $1 AND id = $2 AND status = 'booked';

-- name: ListExternalBusy
-- The connected calendars' busy times between $2 and $3, by resource (0: the
-- business's calendar). A busy block that is exactly one of our own appointments is
-- that appointment's event: it is held (or freed, once cancelled) by the appointment
-- row, not here.
SELECT b.resource_id, b.starts_at, b.ends_at
FROM calendar_busy b
WHERE b.workspace_id = $1 AND b.starts_at < $3 AND b.ends_at > $2
  AND NOT EXISTS (SELECT 1 FROM appointments a
                  WHERE a.workspace_id = b.workspace_id AND a.google_event_id IS NOT NULL
                    AND a.starts_at = b.starts_at AND a.ends_at = b.ends_at);

-- name: GetReminders
SELECT reminder_minutes FROM booking_settings WHERE workspace_id = $1;

-- name: UpsertReminders
INSERT INTO booking_settings (workspace_id, reminder_minutes, updated_at)
VALUES ($1, $2, $3)
ON CONFLICT (workspace_id) DO UPDATE
SET reminder_minutes = EXCLUDED.reminder_minutes, updated_at = EXCLUDED.updated_at;

-- name: GetAppointment
SELECT a.id, a.resource_id, a.service_id, s.name, a.contact_id, c.name, coalesce(c.phone, ''), a.status,
       a.starts_at, a.ends_at, a.notes, a.sequence, a.created_at, a.updated_at,
       coalesce(a.conversation_id, 0), coalesce(a.google_event_id, '')
FROM appointments a
JOIN services s ON s.workspace_id = a.workspace_id AND s.id = a.service_id
JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id
WHERE a.workspace_id = $1 AND a.id = $2;

-- name: ListAppointments
-- Appointments that overlap [$2, $3), booked or not, earliest first.
SELECT a.id, a.resource_id, a.service_id, s.name, a.contact_id, c.name, coalesce(c.phone, ''), a.status,
       a.starts_at, a.ends_at, a.notes, a.sequence, a.created_at, a.updated_at,
       coalesce(a.conversation_id, 0), coalesce(a.google_event_id, '')
FROM appointments a
JOIN services s ON s.workspace_id = a.workspace_id AND s.id = a.service_id
JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id
WHERE a.workspace_id = $1 AND a.starts_at < $3 AND a.ends_at > $2
ORDER BY a.starts_at, a.id
LIMIT 2000;

-- name: InsertResource
INSERT INTO resources (workspace_id, name, kind) VALUES ($1, $2, $3)
RETURNING id, name, kind, is_default;

-- name: GetResource
SELECT id, name, kind, is_default FROM resources WHERE workspace_id = $1 AND id = $2 AND active;

-- name: UpdateResource
UPDATE resources SET name = $3, kind = $4 WHERE workspace_id = $1 AND id = $2 AND active;

-- name: UnlinkResourceServices
-- Resource $2 stops performing the services not in $3.
DELETE FROM service_resources
WHERE workspace_id = $1 AND resource_id = $2 AND NOT (service_id = ANY ($3::bigint[]));

-- name: LinkResourceServices
INSERT INTO service_resources (workspace_id, service_id, resource_id)
SELECT $1, unnest($3::bigint[]), $2
ON CONFLICT DO NOTHING;

-- name: ServicesWithoutResource
-- Active services nobody performs any more.
SELECT s.name FROM services s
WHERE s.workspace_id = $1 AND s.active
  AND NOT EXISTS (SELECT 1 FROM service_resources sr WHERE sr.workspace_id = s.workspace_id AND sr.service_id = s.id)
ORDER BY lower(s.name);

-- name: AddException
INSERT INTO availability_exceptions (workspace_id, resource_id, day, closed, opens_at, closes_at, note)
VALUES ($1, $2, $3, $4, $5::time, $6::time, $7)
RETURNING id;

-- name: DeleteException
DELETE FROM availability_exceptions WHERE workspace_id = $1 AND id = $2;

-- name: ListExceptionRows
-- The exceptions from day $2 on, with their ids, for the owner to see and remove.
SELECT id, resource_id, day, closed, coalesce((extract(epoch FROM opens_at) / 60)::int, 0),
       coalesce((extract(epoch FROM closes_at) / 60)::int, 0), note
FROM availability_exceptions
WHERE workspace_id = $1 AND day >= $2
ORDER BY day, opens_at NULLS FIRST, id
LIMIT 200;

-- name: LoadCalendar
-- What a slot search of service $2 needs besides held time: the service; the settings
-- (null: the defaults); every weekly rule (resource 0: the business's); the exceptions
-- of the days $3 to $4; the connected calendar's busy times between $5 and $6, as
-- ListExternalBusy; and whether a calendar is connected, and when its busy times were
-- last refreshed. Sent in one batch with LoadHeld.
SELECT s.id, s.name, s.description, s.duration_minutes, s.buffer_before_minutes, s.buffer_after_minutes,
       s.price_cents, s.currency, s.active,
       array(SELECT sr.resource_id FROM service_resources sr
             WHERE sr.workspace_id = s.workspace_id AND sr.service_id = s.id ORDER BY sr.resource_id),
       st.min_notice_minutes, st.horizon_days, st.slot_step_minutes,
       r.resources, r.weekdays, r.opens, r.closes,
       e.resources, e.days, e.closed, e.opens, e.closes,
       x.resources, x.starts, x.ends,
       c.workspace_id IS NOT NULL, c.busy_refreshed_at
FROM services s
LEFT JOIN booking_settings st ON st.workspace_id = s.workspace_id
LEFT JOIN calendar_connections c ON c.workspace_id = s.workspace_id
CROSS JOIN LATERAL (
    SELECT array_agg(coalesce(resource_id, 0)) AS resources, array_agg(weekday::int) AS weekdays,
           array_agg((extract(epoch FROM opens_at) / 60)::int) AS opens,
           array_agg((extract(epoch FROM closes_at) / 60)::int) AS closes
    FROM availability_rules WHERE workspace_id = s.workspace_id) r
CROSS JOIN LATERAL (
    SELECT array_agg(coalesce(resource_id, 0)) AS resources, array_agg(day) AS days, array_agg(closed) AS closed,
           array_agg(coalesce((extract(epoch FROM opens_at) / 60)::int, 0)) AS opens,
           array_agg(coalesce((extract(epoch FROM closes_at) / 60)::int, 0)) AS closes
    FROM availability_exceptions WHERE workspace_id = s.workspace_id AND day BETWEEN $3::date AND $4::date) e
CROSS JOIN LATERAL (
    SELECT array_agg(b.resource_id) AS resources, array_agg(b.starts_at) AS starts, array_agg(b.ends_at) AS ends
    FROM calendar_busy b
    WHERE b.workspace_id = s.workspace_id AND b.starts_at < $6::timestamptz AND b.ends_at > $5::timestamptz
      AND NOT EXISTS (SELECT 1 FROM appointments a
                      WHERE a.workspace_id = b.workspace_id AND a.google_event_id IS NOT NULL
                        AND a.starts_at = b.starts_at AND a.ends_at = b.ends_at)) x
WHERE s.workspace_id = $1 AND s.id = $2;

-- name: LoadHeld
-- The time the resources of service $2 are held between $3 and $4, leaving out
-- appointment $5, for each resource whose held_version is not the one the caller holds
-- ($6 resource ids, $7 their versions): first a row (resource, version, null, null) per
-- such resource, then its spans (resource, 0, start, end). Version and spans come from
-- one snapshot. Spans are read by an index-only scan of appointments_held_idx (a held
-- span is at most 32 hours, so it starts between $3 - 32h and $4 + 32h; the few of those
-- that end before $3 cost less to read than to filter) and, for older longer ones,
-- appointments_long_held_idx.
WITH stale AS MATERIALIZED (
    SELECT r.workspace_id, r.id, r.held_version
    FROM service_resources sr
    JOIN resources r ON r.workspace_id = sr.workspace_id AND r.id = sr.resource_id
    WHERE sr.workspace_id = $1 AND sr.service_id = $2
      AND r.held_version IS DISTINCT FROM
          (SELECT h.version FROM unnest($6::bigint[], $7::bigint[]) AS h (id, version) WHERE h.id = r.id))
SELECT s.id, s.held_version, NULL::timestamptz, NULL::timestamptz FROM stale s
UNION ALL
SELECT a.resource_id, 0, lower(a.during), upper(a.during)
FROM stale s
JOIN appointments a ON a.workspace_id = s.workspace_id AND a.resource_id = s.id
WHERE a.status = 'booked' AND a.id <> $5
  AND a.starts_at > $3::timestamptz - interval '32 hours' AND a.starts_at < $4::timestamptz + interval '32 hours'
UNION ALL
SELECT a.resource_id, 0, lower(a.during), upper(a.during)
FROM stale s
JOIN appointments a ON a.workspace_id = s.workspace_id AND a.resource_id = s.id
WHERE a.status = 'booked' AND upper(a.during) - lower(a.during) > interval '32 hours' AND a.id <> $5
  AND NOT (a.starts_at > $3::timestamptz - interval '32 hours' AND a.starts_at < $4::timestamptz + interval '32 hours')
  AND a.during && tstzrange($3::timestamptz, $4::timestamptz);

-- name: NextAppointment
-- The contact's next booked appointment from $3 on (appointments_contact_idx).
SELECT a.id, a.resource_id, a.service_id, s.name, a.contact_id, c.name, coalesce(c.phone, ''), a.status,
       a.starts_at, a.ends_at, a.notes, a.sequence, a.created_at, a.updated_at,
       coalesce(a.conversation_id, 0), coalesce(a.google_event_id, '')
FROM appointments a
JOIN services s ON s.workspace_id = a.workspace_id AND s.id = a.service_id
JOIN contacts c ON c.workspace_id = a.workspace_id AND c.id = a.contact_id
WHERE a.workspace_id = $1 AND a.contact_id = $2 AND a.status = 'booked' AND a.starts_at >= $3
ORDER BY a.starts_at, a.id
LIMIT 1;

-- name: SetResourceCalendar
-- Another calendar (or none) drops the old one's read error.
UPDATE resources
SET google_calendar_id = nullif($3, ''),
    google_calendar_error = CASE WHEN google_calendar_id = $3 THEN google_calendar_error END,
    google_calendar_error_since = CASE WHEN google_calendar_id = $3 THEN google_calendar_error_since END
WHERE workspace_id = $1 AND id = $2 AND active;

-- name: GetResourceCalendar
SELECT coalesce(google_calendar_id, '') FROM resources WHERE workspace_id = $1 AND id = $2 AND active;
