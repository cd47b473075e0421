package noderestart_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/noderestart"
)

// Only the jobs the restarted node itself was running come back: not another node's, not
// a job it ran before and finished; a job on its last attempt is discarded.
func TestRequeueCutOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	insert := func(state, by string, attempt, maxAttempts int) int64 {
		var id int64
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO river_job (kind, args, state, attempt, max_attempts, attempted_at,
			attempted_by, finalized_at, queue, priority)
			VALUES ('process_message', '{}', $1::river_job_state, $2, $3, now(), ARRAY['old-node', $4],
				CASE WHEN $1 = 'completed' THEN now() END, 'default', 1) RETURNING id`, state, attempt, maxAttempts, by).Scan(&id))
		return id
	}
	mine := insert("running", "node-a", 1, 25)
	last := insert("running", "node-a", 25, 25)
	other := insert("running", "node-b", 1, 25)
	done := insert("completed", "node-a", 1, 25)

	n, err := noderestart.RequeueCutOff(ctx, pool, "node-a")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)

	state := func(id int64) (string, int) {
		var s string
		var errs int
		require.NoError(t, pool.QueryRow(ctx, "SELECT state, coalesce(array_length(errors, 1), 0) FROM river_job WHERE id = $1", id).Scan(&s, &errs))
		return s, errs
	}
	s, errs := state(mine)
	require.Equal(t, "available", s)
	require.Equal(t, 1, errs, "the cut-off is recorded")
	s, _ = state(last)
	require.Equal(t, "discarded", s)
	s, _ = state(other)
	require.Equal(t, "running", s, "another node's job is the rescuer's to judge")
	s, _ = state(done)
	require.Equal(t, "completed", s)

	n, err = noderestart.RequeueCutOff(ctx, pool, "node-a")
	require.NoError(t, err)
	require.Zero(t, n)
}
