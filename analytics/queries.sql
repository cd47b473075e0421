-- Every query takes the workspace ($1) and the range as instants [$2, $3); those that
-- count by day or hour also take the workspace's time zone ($4).

-- name: MessagesPerDay
SELECT to_char((created_at AT TIME ZONE $4::text)::date, 'YYYY-MM-DD'), channel,
       count(*) FILTER (WHERE direction = 'inbound'), count(*) FILTER (WHERE direction = 'outbound')
FROM messages
WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: FirstReply
-- A customer waits from the first message after a reply (or the first in the range) to
-- the next reply in the conversation, whenever it came.
WITH in_range AS (
    SELECT m.conversation_id, m.id, m.direction, m.created_at,
           lag(m.direction) OVER (PARTITION BY m.conversation_id ORDER BY m.created_at, m.id) AS previous
    FROM messages m
    WHERE m.workspace_id = $1 AND m.created_at >= $2 AND m.created_at < $3
), waits AS (
    SELECT i.created_at AS asked,
           (SELECT min(o.created_at) FROM messages o
            WHERE o.workspace_id = $1 AND o.conversation_id = i.conversation_id AND o.direction = 'outbound'
              AND (o.created_at, o.id) > (i.created_at, i.id)) AS answered
    FROM in_range i
    WHERE i.direction = 'inbound' AND i.previous IS DISTINCT FROM 'inbound'
)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered - asked)),
       count(answered), count(*)
FROM waits;

-- name: Approval
-- From a draft's creation to a person's approval (edited or not).
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)),
       count(*)
FROM drafts
WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3
  AND decided_at IS NOT NULL AND status <> 'rejected';

-- name: DraftOutcomes
-- Drafts a person or the approval policy let out, edited (content differs from what was
-- drafted) or not, and those rejected; auto are the ones no person decided.
SELECT count(*) FILTER (WHERE status IN ('approved', 'edited', 'sending', 'sent', 'failed') AND content = original),
       count(*) FILTER (WHERE status IN ('approved', 'edited', 'sending', 'sent', 'failed') AND content <> original),
       count(*) FILTER (WHERE status = 'rejected'),
       count(*) FILTER (WHERE status = 'pending'),
       count(*) FILTER (WHERE status IN ('approved', 'sending', 'sent', 'failed') AND decided_at IS NULL)
FROM drafts
WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3;

-- name: Intents
SELECT intent, count(*)
FROM drafts
WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3
GROUP BY intent
ORDER BY 2 DESC, 1;

-- name: Bookings
-- Appointments made in the range, and the conversations begun in it whose contact booked
-- afterwards, before the range ends.
SELECT (SELECT count(*) FROM appointments a
        WHERE a.workspace_id = $1 AND a.created_at >= $2 AND a.created_at < $3),
       (SELECT count(*) FROM appointments a
        WHERE a.workspace_id = $1 AND a.created_at >= $2 AND a.created_at < $3 AND a.status = 'cancelled'),
       count(*),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM appointments a
           WHERE a.workspace_id = c.workspace_id AND a.contact_id = c.contact_id
             AND a.created_at >= c.created_at AND a.created_at < $3))
FROM conversations c
WHERE c.workspace_id = $1 AND c.created_at >= $2 AND c.created_at < $3;

-- name: BusiestHours
-- Customers' messages by local weekday (1 = Monday) and hour.
SELECT extract(isodow FROM created_at AT TIME ZONE $4::text)::int, extract(hour FROM created_at AT TIME ZONE $4::text)::int,
       count(*)
FROM messages
WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND direction = 'inbound'
GROUP BY 1, 2;
