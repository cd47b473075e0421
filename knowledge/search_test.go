package knowledge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

func newWorkspace(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(context.Background(),
		"INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id", slug).Scan(&id))
	return id
}

func TestHybridSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	a, b := newWorkspace(t, pool, "clinic-a"), newWorkspace(t, pool, "clinic-b")
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, a, "Treatments", "Teeth whitening starts at £250 for a single session.\n\n"+
		"A routine check-up and cleaning costs £65.\n\n"+
		"There is paid street parking on Harley Row.")
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, b, "Whitening at B", "Teeth whitening at B costs £99.")
	require.NoError(t, err)

	t.Run("ChunksAreEmbedded", func(t *testing.T) {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM kb_chunks
			WHERE embedding_model = 'offline-hash-v1' AND vector_dims(embedding) = 512`).Scan(&n))
		require.Equal(t, 4, n)
	})
	t.Run("ParaphraseWithNoSharedKeywordFoundByVector", func(t *testing.T) {
		// Misspelt words share no lexeme with the document, so full text finds nothing.
		var textHits int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM kb_chunks
			WHERE tsv @@ to_tsquery('english', replace(plainto_tsquery('english', 'whitning sesion')::text, ' & ', ' | '))`).Scan(&textHits))
		require.Zero(t, textHits, "the query must not match by full text")
		res, err := kb.Search(ctx, pool, a, "whitning sesion", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Contains(t, res[0].Content, "whitening starts at £250")
		require.Equal(t, "vector", res[0].Matched)
		require.Greater(t, res[0].Similarity, 0.05)
		require.InDelta(t, 1.0/61, res[0].Score, 1e-9, "reciprocal rank fusion: first of one list")
	})
	t.Run("BothListsAgreeRanksFirst", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "where can I park", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Contains(t, res[0].Content, "parking")
		require.Equal(t, "both", res[0].Matched)
		require.InDelta(t, 2.0/61, res[0].Score, 1e-9)
		require.Contains(t, res[0].Snippet, "<b>parking</b>")
		for _, r := range res[1:] {
			require.Less(t, r.Score, res[0].Score)
		}
	})
	t.Run("SourcesAreTheSameChunksWithoutSnippets", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "where can I park", 3)
		require.NoError(t, err)
		src, err := kb.Sources(ctx, pool, a, "where can I park", 3)
		require.NoError(t, err)
		require.Len(t, src, len(res))
		for i := range res {
			require.Equal(t, res[i].ChunkID, src[i].ChunkID)
			require.InDelta(t, res[i].Score, src[i].Score, 1e-12)
			require.Empty(t, src[i].Snippet)
		}
	})
	t.Run("SnippetEscapesTheDocumentsHTML", func(t *testing.T) {
		_, err := kb.AddText(ctx, pool, b, "Tricky", "Our <script>alert(1)</script> opening hours & prices.")
		require.NoError(t, err)
		res, err := kb.Search(ctx, pool, b, "opening hours", 1)
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Contains(t, res[0].Snippet, "<b>opening</b> <b>hours</b> &amp;")
		require.NotContains(t, res[0].Snippet, "<script")
	})
	t.Run("WorkspacesStayIsolated", func(t *testing.T) {
		for _, q := range []string{"teeth whitening cost", "whitning", "£99"} {
			res, err := kb.Search(ctx, pool, a, q, 10)
			require.NoError(t, err)
			for _, r := range res {
				require.NotContains(t, r.Content, "£99", q)
			}
			res, err = kb.Search(ctx, pool, b, q, 10)
			require.NoError(t, err)
			for _, r := range res {
				require.NotContains(t, r.Content, "£250", q)
				require.NotContains(t, r.Content, "parking", q)
			}
		}
	})
	t.Run("UnrelatedQueryFindsNothing", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "do you sell horse saddles", 3)
		require.NoError(t, err)
		require.Empty(t, res, "a vector is always nearest to something; too far is no match")
	})
	t.Run("VectorQueryUsesTheModelsHNSWIndex", func(t *testing.T) {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx) //nolint:errcheck // read only
		for _, off := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
			_, err = tx.Exec(ctx, "SET LOCAL "+off+" = off")
			require.NoError(t, err)
		}
		q := strings.Repeat("0,", 511) + "1"
		rows, err := tx.Query(ctx, `EXPLAIN SELECT id FROM kb_chunks WHERE workspace_id = 1 AND embedding_model = 'offline-hash-v1'
			ORDER BY embedding::halfvec(512) <=> '[`+q+`]'::halfvec(512) LIMIT 20`)
		require.NoError(t, err)
		var plan strings.Builder
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			plan.WriteString(line + "\n")
		}
		require.NoError(t, rows.Err())
		require.Contains(t, plan.String(), "kb_chunks_offline_hash_v1_idx")
	})
	t.Run("IndexScanFindsAWorkspacesChunksAmongManyNearer", func(t *testing.T) {
		// Another business with hundreds of near-identical chunks: the HNSW index's first
		// batch of neighbours is all theirs, and the iterative scan must go on past it.
		c := newWorkspace(t, pool, "clinic-c")
		var text strings.Builder
		for i := range 300 {
			fmt.Fprintf(&text, "Teeth whitening session at C number %d.\n\n", i)
		}
		_, err := kb.AddText(ctx, pool, c, "Whitening at C", text.String())
		require.NoError(t, err)
		_, err = pool.Exec(ctx, "ANALYZE kb_chunks")
		require.NoError(t, err)
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx) //nolint:errcheck // read only
		for _, off := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
			_, err = tx.Exec(ctx, "SET LOCAL "+off+" = off")
			require.NoError(t, err)
		}
		res, err := kb.Search(ctx, tx, a, "teeth whitening session", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Contains(t, res[0].Content, "£250")
		require.Equal(t, "both", res[0].Matched, "found by the vector index too, not only by full text")
	})
}

// TestSearchRanksCompleteMatchesPastTheCap: a word common to more chunks than full text
// ranks in one search does not push out the one chunk that has every word of the question.
func TestSearchRanksCompleteMatchesPastTheCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "garage")
	kb, err := knowledge.New(knowledge.Options{TextOnly: true})
	require.NoError(t, err)
	var doc int64
	require.NoError(t, pool.QueryRow(ctx, "INSERT INTO kb_documents (workspace_id, title) VALUES ($1, 'Bays') RETURNING id", ws).Scan(&doc))
	_, err = pool.Exec(ctx, `INSERT INTO kb_chunks (workspace_id, document_id, position, content)
		SELECT $1, $2, i, 'Bay ' || i || ' has parking for one car.' FROM generate_series(0, 1199) i`, ws, doc)
	require.NoError(t, err)
	// Stored last, so a scan that stops after the first thousand matches never sees it.
	_, err = kb.AddText(ctx, pool, ws, "Bicycles", "Parking for bicycles is in the yard.")
	require.NoError(t, err)

	res, err := kb.Search(ctx, pool, ws, "parking for bicycles", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res)
	require.Equal(t, "Parking for bicycles is in the yard.", res[0].Content)
	require.Equal(t, "text", res[0].Matched)
}
