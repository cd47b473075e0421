package knowledge_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
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

// TestEnsureIndexMovesToHalfPrecision: a model's index built on full-precision vectors
// (by a version before migration 00025) is not the one the search orders by; EnsureIndex
// replaces it with the halfvec index the search query uses.
func TestEnsureIndexMovesToHalfPrecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	const name = "kb_chunks_offline_legacy_idx"
	_, err := pool.Exec(ctx, `CREATE INDEX `+name+` ON kb_chunks
		USING hnsw ((embedding::vector(64)) vector_cosine_ops) WHERE embedding_model = 'offline-legacy'`)
	require.NoError(t, err)
	kb, err := knowledge.New(knowledge.Options{Embedder: ai.OfflineEmbedder{Name: "offline-legacy", Dimensions: 64}, StemGate: true})
	require.NoError(t, err)
	def := func() string {
		var d string
		require.NoError(t, pool.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE indexname = $1`, name).Scan(&d))
		return d
	}
	require.NoError(t, kb.EnsureIndex(ctx, pool))
	require.Contains(t, def(), "halfvec(64)) halfvec_cosine_ops")
	require.Contains(t, def(), "'offline-legacy'")

	// The search query orders by that index.
	ws := newWorkspace(t, pool, "legacy")
	_, err = kb.AddText(ctx, pool, ws, "Whitening", "Teeth whitening starts at £250.")
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	_, err = tx.Exec(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
	require.NoError(t, err)
	rows, err := tx.Query(ctx, `EXPLAIN SELECT id FROM kb_chunks WHERE workspace_id = $1 AND embedding_model = 'offline-legacy'
		ORDER BY embedding::halfvec(64) <=> $2::halfvec(64) LIMIT 5`, ws, "["+strings.Repeat("0,", 63)+"1]")
	require.NoError(t, err)
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, strings.Join(plan, "\n"), name)

	// An index already in half precision is kept as it is.
	var oid1, oid2 int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT $1::regclass::oid::int8`, name).Scan(&oid1))
	require.NoError(t, kb.EnsureIndex(ctx, pool))
	require.NoError(t, pool.QueryRow(ctx, `SELECT $1::regclass::oid::int8`, name).Scan(&oid2))
	require.Equal(t, oid1, oid2)
}

// retiring is an embedder that stops answering once its provider is retired.
type retiring struct {
	ai.OfflineEmbedder
	retired *atomic.Bool
}

func (r retiring) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if r.retired.Load() {
		return nil, errors.New("the old provider is gone")
	}
	return r.OfflineEmbedder.Embed(ctx, texts)
}

// A store that last searched a workspace by its old model, which stopped answering
// after the workspace moved to the new one, asks which model the workspace uses rather
// than failing the search.
func TestSearchFollowsTheWorkspaceOffARetiredModel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "clinic")
	oldModel := ai.OfflineEmbedder{Name: "offline-old", Dimensions: 128}
	old, err := knowledge.New(knowledge.Options{Embedder: oldModel, StemGate: true})
	require.NoError(t, err)
	_, err = old.AddText(ctx, pool, ws, "Whitening", "Teeth whitening starts at £250.")
	require.NoError(t, err)

	var retired atomic.Bool
	kb, err := knowledge.New(knowledge.Options{
		Embedder: ai.OfflineEmbedder{Name: "offline-next", Dimensions: 256}, StemGate: true,
		Earlier: func(model string) (knowledge.SearchModel, bool) {
			return knowledge.SearchModel{Embedder: retiring{oldModel, &retired}, MinSimilarity: 0.05, StemGate: true}, model == "offline-old"
		},
	})
	require.NoError(t, err)
	res, err := kb.Search(ctx, pool, ws, "whitning", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res, "the old vectors answer while re-indexing")

	require.NoError(t, kb.StageAll(ctx, pool))
	moved, err := kb.Promote(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, 1, moved)
	retired.Store(true)
	res, err = kb.Search(ctx, pool, ws, "whitning", 3)
	require.NoError(t, err, "the store's memory of the old model does not fail the search")
	require.NotEmpty(t, res)
	require.Equal(t, "vector", res[0].Matched, "found by the new model's vectors")
}
