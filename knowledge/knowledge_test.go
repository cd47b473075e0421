package knowledge_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var a, b int64
	require.NoError(t, pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ('a-biz', 'A') RETURNING id").Scan(&a))
	require.NoError(t, pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ('b-biz', 'B') RETURNING id").Scan(&b))
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, a, "Prices", "A routine cleaning costs £65.\n\nWhitening starts at £250.")
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, b, "Secret prices", "Cleaning costs £10 at B.")
	require.NoError(t, err)

	t.Run("FindsTheAnsweringChunk", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "How much is a cleaning?", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Contains(t, res[0].Content, "£65")
		require.Equal(t, "Prices", res[0].Title)
		require.Contains(t, res[0].Snippet, "<b>cleaning</b>")
	})
	t.Run("ScopedToWorkspace", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "cleaning", 10)
		require.NoError(t, err)
		for _, r := range res {
			require.NotContains(t, r.Content, "£10")
		}
	})
	t.Run("NoMatch", func(t *testing.T) {
		res, err := kb.Search(ctx, pool, a, "horses", 3)
		require.NoError(t, err)
		require.Empty(t, res)
	})
	t.Run("EmptyDocumentRefused", func(t *testing.T) {
		_, err := kb.AddText(ctx, pool, a, "Empty", "  \n\n ")
		require.ErrorContains(t, err, "has no text")
	})
}
