package knowledge_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

// markedEmbedder gives each text the vector of the marker word it contains.
type markedEmbedder map[string][]float32

func (markedEmbedder) Model() string { return "marked-v1" }
func (markedEmbedder) Dim() int      { return 4 }

func (e markedEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		for word, v := range e {
			if strings.Contains(strings.ToLower(t), word) {
				out[i] = v
			}
		}
		if out[i] == nil {
			return nil, fmt.Errorf("no marker in %q", t)
		}
	}
	return out, nil
}

// TestVectorHalfRanksByFullPrecision: the index orders by half-precision distance, and
// rounding swaps two chunks at nearly equal distances from the question; the search
// ranks them, and reports their similarity, by the full-precision vectors.
func TestVectorHalfRanksByFullPrecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "near-ties")
	const question = "[1,0.2,0.1,0]"
	kb, err := knowledge.New(knowledge.Options{Embedder: markedEmbedder{
		"alpha": {1, 0.303162, 0.309942, 0},
		"beta":  {1, 0.303775, 0.309935, 0},
		"gamma": {1, 0.2, 0.1, 0},
	}})
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, ws, "Answers", "Alpha answer.\n\nBeta answer.")
	require.NoError(t, err)

	// The premise: beta is nearer in half precision, alpha in full precision.
	nearest := func(cast string) (content string, distance float64) {
		t.Helper()
		require.NoError(t, pool.QueryRow(ctx, fmt.Sprintf(`SELECT content, embedding::%[1]s(4) <=> $2::%[1]s(4)
			FROM kb_chunks WHERE workspace_id = $1 ORDER BY 2 LIMIT 1`, cast), ws, question).Scan(&content, &distance))
		return content, distance
	}
	half, _ := nearest("halfvec")
	full, distance := nearest("vector")
	require.Equal(t, "Beta answer.", half)
	require.Equal(t, "Alpha answer.", full)

	res, err := kb.Search(ctx, pool, ws, "gamma", 2)
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.Equal(t, "Alpha answer.", res[0].Content)
	require.Equal(t, "vector", res[0].Matched)
	require.InDelta(t, 1-distance, res[0].Similarity, 1e-9, "similarity in full precision")
	require.Equal(t, "Beta answer.", res[1].Content)
}
