-- name: DeleteHours
DELETE FROM availability_rules WHERE workspace_id = $1;

-- name: InsertHours
INSERT INTO availability_rules (workspace_id, weekday, opens_at, closes_at)
VALUES ($1, $2, $3::time, $4::time);

-- name: ListHours
SELECT weekday, to_char(opens_at, 'HH24:MI'), to_char(closes_at, 'HH24:MI')
FROM availability_rules
WHERE workspace_id = $1
ORDER BY weekday, opens_at;
