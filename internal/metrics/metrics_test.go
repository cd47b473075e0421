package metrics

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
)

func TestQueueDepthIsCountedAtScrape(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	for range 2 {
		_, err := pool.Exec(ctx, `INSERT INTO river_job (kind, args, state, scheduled_at, queue, max_attempts, priority)
			VALUES ('probe', '{}', 'scheduled', now() + interval '1 hour', 'default', 25, 1)`)
		require.NoError(t, err)
	}
	_, err := pool.Exec(ctx, `INSERT INTO river_job (kind, args, state, queue, max_attempts, priority, finalized_at)
		VALUES ('probe', '{}', 'completed', 'default', 25, 1, now())`)
	require.NoError(t, err)

	m := New(pool)
	m.ObserveModel("classify", "offline-v1", 20*time.Millisecond)
	m.ObserveSend("sms", "failed")
	want := `
# HELP frontdesk_jobs_queued River jobs not yet finished, by kind and state (available, scheduled, retryable, running, pending).
# TYPE frontdesk_jobs_queued gauge
frontdesk_jobs_queued{kind="probe",state="scheduled"} 2
`
	require.NoError(t, testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "frontdesk_jobs_queued"),
		"finished jobs are not counted")
	require.Equal(t, 1, testutil.CollectAndCount(m.modelDuration))
	require.InDelta(t, 1, testutil.ToFloat64(m.channelSends.WithLabelValues("sms", "failed")), 0)

	var nilMetrics *Metrics
	nilMetrics.ObserveSend("sms", "sent") // a nil Metrics records nothing and does not panic
}
