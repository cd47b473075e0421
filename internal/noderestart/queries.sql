-- name: RequeueCutOff
-- Jobs this node was running when it died: back to work at once (or discarded when
-- that was their last attempt), with the cut-off recorded among their errors as River's
-- rescuer would record it.
UPDATE river_job SET
    state = CASE WHEN attempt < max_attempts THEN 'available' ELSE 'discarded' END::river_job_state,
    scheduled_at = CASE WHEN attempt < max_attempts THEN now() ELSE scheduled_at END,
    finalized_at = CASE WHEN attempt < max_attempts THEN NULL ELSE now() END,
    errors = array_append(errors, jsonb_build_object(
        'at', now(), 'attempt', attempt, 'error', 'cut off: node ' || $1::text || ' was restarted', 'trace', ''))
WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1::text;
