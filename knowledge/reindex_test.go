package knowledge_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

// TestReindexWithoutAGap: after the embedding model changes, a workspace searches with
// its old vectors until every chunk has a new one, then with the new ones; a document
// added meanwhile is found by its words at once and by its vector after the move.
func TestReindexWithoutAGap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws, other := newWorkspace(t, pool, "clinic"), newWorkspace(t, pool, "other")
	old, err := knowledge.NewStore()
	require.NoError(t, err)
	_, err = old.AddText(ctx, pool, ws, "Whitening", "Teeth whitening starts at £250.\n\nParking on Harley Row.")
	require.NoError(t, err)

	// The new model: vectors of another length, so the two cannot be mixed up.
	kb, err := knowledge.New(knowledge.Options{Embedder: ai.OfflineEmbedder{Name: "offline-next", Dimensions: 256}, StemGate: true})
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, ws, "Hygiene", "Hygienist visits take forty minutes.")
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, other, "Hours", "Open Monday to Friday.")
	require.NoError(t, err)

	search := func(q string) []knowledge.Result {
		res, err := kb.Search(ctx, pool, ws, q, 3)
		require.NoError(t, err)
		return res
	}
	status := func(id int64) knowledge.IndexStatus {
		st, err := kb.Status(ctx, pool, id)
		require.NoError(t, err)
		return st
	}
	// A typo only the vectors can match.
	require.NotEmpty(t, search("whitning"), "the old vectors answer")
	require.Equal(t, "vector", search("whitning")[0].Matched)
	require.Equal(t, "text", search("hygienist")[0].Matched, "the new document: its words at once")
	require.Equal(t, knowledge.IndexStatus{Searching: "offline-hash-v1", Model: "offline-next", Chunks: 3, Embedded: 1}, status(ws))
	require.False(t, status(other).Reindexing(), "a workspace that started on the new model")

	require.NoError(t, kb.StageAll(ctx, pool))
	st := status(ws)
	require.True(t, st.Reindexing(), "staged, not yet moved")
	require.Equal(t, 100, st.Percent())
	require.Equal(t, "vector", search("whitning")[0].Matched, "still the old vectors")

	moved, err := kb.Promote(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, 1, moved)
	require.False(t, status(ws).Reindexing())
	require.NotEmpty(t, search("whitning"), "the new vectors answer")
	require.Equal(t, "vector", search("whitning")[0].Matched)
	require.Equal(t, "both", search("hygienist")[0].Matched, "the new document by its vector too")
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM kb_chunks WHERE embedding_model <> 'offline-next'`).Scan(&left))
	require.Zero(t, left)

	n, err := kb.EmbedMissing(ctx, pool)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to embed")
}
