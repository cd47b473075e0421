package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

// workJobs runs the available jobs of one kind through a started River client and waits
// until each has been worked once.
func workJobs(t *testing.T, b *testBundle, kind string) {
	t.Helper()
	var pending int
	require.NoError(t, b.pool.QueryRow(context.Background(),
		"SELECT count(*) FROM river_job WHERE kind = $1 AND state IN ('available', 'retryable', 'scheduled')", kind).Scan(&pending))
	require.NotZero(t, pending, "no %s job to work", kind)
	// Retryable jobs are scheduled in the future: make them due now.
	_, err := b.pool.Exec(context.Background(),
		"UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = $1 AND state IN ('retryable', 'scheduled')", kind)
	require.NoError(t, err)

	runCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, stop := b.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	defer stop()
	require.NoError(t, b.client.Start(runCtx))
	defer func() { _ = b.client.Stop(context.Background()) }()
	timeout := time.After(15 * time.Second)
	for seen := 0; seen < pending; {
		select {
		case e := <-events:
			if e.Job.Kind == kind {
				seen++
			}
		case <-timeout:
			t.Fatalf("timed out working %s jobs", kind)
		}
	}
}
