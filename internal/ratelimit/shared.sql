-- name: Take
-- Takes one action's room for $1 if the key's arrival time, moved on by one interval
-- ($2 microseconds), stays within burst ($3) intervals of now; no row when it would not.
INSERT INTO rate_limits AS r (key, tat) VALUES ($1, now() + $2::bigint * interval '1 microsecond')
ON CONFLICT (key) DO UPDATE SET tat = greatest(r.tat, now()) + $2::bigint * interval '1 microsecond'
WHERE greatest(r.tat, now()) + $2::bigint * interval '1 microsecond' <= now() + $3::bigint * $2::bigint * interval '1 microsecond'
RETURNING true;

-- name: Wait
-- How many seconds until $1 may act again.
SELECT greatest(0, extract(epoch FROM greatest(tat, now()) + ($2::bigint - $3::bigint * $2::bigint) * interval '1 microsecond' - now()))::float8
FROM rate_limits WHERE key = $1;
