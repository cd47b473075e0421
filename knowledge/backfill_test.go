package knowledge_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

// TestEmbedMissing: chunks stored before this version had no vectors; the periodic job
// embeds them on start, so vector search reaches them too.
func TestEmbedMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "clinic")
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	var docID int64
	require.NoError(t, pool.QueryRow(ctx, "INSERT INTO kb_documents (workspace_id, title) VALUES ($1, 'Old') RETURNING id", ws).Scan(&docID))
	_, err = pool.Exec(ctx, `INSERT INTO kb_chunks (workspace_id, document_id, position, heading, content)
		VALUES ($1, $2, 0, 'Old', 'Teeth whitening starts at £250.'), ($1, $2, 1, 'Old', 'Parking on Harley Row.')`, ws, docID)
	require.NoError(t, err)

	res, err := kb.Search(ctx, pool, ws, "whitning", 3)
	require.NoError(t, err)
	require.Empty(t, res, "without vectors only full text can find them")

	workers := river.NewWorkers()
	kb.AddWorkers(workers, pool, nil, slog.New(slog.DiscardHandler))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Workers: workers, Logger: slog.New(slog.DiscardHandler), TestOnly: true, PeriodicJobs: kb.PeriodicJobs(),
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
	})
	require.NoError(t, err)
	events, stop := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer stop()
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	select {
	case e := <-events:
		require.Equal(t, "embed_missing_chunks", e.Job.Kind)
		require.Equal(t, river.EventKindJobCompleted, e.Kind)
	case <-time.After(20 * time.Second):
		t.Fatal("the periodic job did not run on start")
	}

	var missing int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM kb_chunks WHERE embedding IS NULL").Scan(&missing))
	require.Zero(t, missing)
	res, err = kb.Search(ctx, pool, ws, "whitning", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res)
	require.Equal(t, "vector", res[0].Matched)

	n, err := kb.EmbedMissing(ctx, pool)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to embed")
}
