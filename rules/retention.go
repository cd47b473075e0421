package rules

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
)

// RetentionArgs is the periodic job that deletes rule runs older than the retention.
type RetentionArgs struct{}

// Kind implements river.JobArgs.
func (RetentionArgs) Kind() string { return "prune_rule_runs" }

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	e *Engine
}

// Work deletes in batches until none are left, so a backlog after a long outage clears
// in one run without one long-held lock.
func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	_, err := w.e.PruneRuns(ctx)
	return err
}

// PruneRuns deletes the runs older than RunRetention (their webhook calls go with them)
// and returns how many.
func (e *Engine) PruneRuns(ctx context.Context) (int64, error) {
	if e.RunRetention <= 0 {
		return 0, nil
	}
	cutoff := e.Now().Add(-e.RunRetention)
	var total int64
	for {
		tag, err := e.pool.Exec(ctx, e.wq.PruneRuns, cutoff)
		if err != nil {
			return total, fmt.Errorf("rules: prune runs: %w", err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() == 0 {
			return total, nil
		}
	}
}
