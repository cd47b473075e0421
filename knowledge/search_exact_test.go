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

// TestExactSearchAnswersAsTheIndexes: a small knowledge base is searched by reading every
// chunk on a plan PostgreSQL keeps; it finds what the indexed search finds, ranked the
// same, and nothing of another workspace.
func TestExactSearchAnswersAsTheIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws, other := newWorkspace(t, pool, "small-base"), newWorkspace(t, pool, "other-base")
	exact, err := knowledge.New(knowledge.Options{ExactBelow: 100})
	require.NoError(t, err)
	indexed, err := knowledge.New(knowledge.Options{ExactBelow: -1})
	require.NoError(t, err)
	_, err = exact.AddText(ctx, pool, ws, "Treatments", "Teeth whitening starts at £250 for a single session.\n\n"+
		"A routine check-up and cleaning costs £65.\n\n"+
		"There is paid street parking on Harley Row.\n\n"+
		"We are open Monday to Friday, 9am to 5pm.")
	require.NoError(t, err)
	_, err = exact.AddText(ctx, pool, ws, "Team", "Dr Patel leads the hygiene team.\n\nOur dentists trained at King's College.")
	require.NoError(t, err)
	_, err = exact.AddText(ctx, pool, other, "Other prices", "Teeth whitening costs £99 here. A check-up costs £40.")
	require.NoError(t, err)

	// One connection, so its prepared statements show which plan the search ran on.
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	questions := []string{"how much is whitening", "check-up cost", "where can I park", "whitning sesion",
		"who leads hygiene", "are you open on monday", "do you sell gift vouchers"}
	for round := range 2 { // the first search of a workspace learns its size
		for _, q := range questions {
			got, err := exact.Sources(ctx, conn.Conn(), ws, q, 3)
			require.NoError(t, err)
			want, err := indexed.Sources(ctx, pool, ws, q, 3)
			require.NoError(t, err)
			require.Equal(t, summary(want), summary(got), "round %d: %q", round, q)
			for _, r := range got {
				require.NotContains(t, r.Content, "£99", "another workspace's chunk")
				require.NotContains(t, r.Content, "£40", "another workspace's chunk")
			}
		}
	}
	var kept int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_prepared_statements
		WHERE statement LIKE '%chunks AS MATERIALIZED%' AND generic_plans >= $1`, len(questions)).Scan(&kept))
	require.Equal(t, 1, kept, "the exact search ran on one kept plan")
}

// TestExactSearchGivesWayAsTheBaseGrows: the exact search reads a bounded number of
// chunks; a base that grew past that since its last search is searched by the indexes.
func TestExactSearchGivesWayAsTheBaseGrows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ws := newWorkspace(t, pool, "growing-base")
	kb, err := knowledge.New(knowledge.Options{ExactBelow: 5}) // reads at most 20 chunks
	require.NoError(t, err)
	_, err = kb.AddText(ctx, pool, ws, "Prices", "A check-up costs £65.\n\nWhitening costs £250.\n\nA filling costs £120.")
	require.NoError(t, err)
	for range 2 {
		res, err := kb.Sources(ctx, pool, ws, "how much is a filling", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Contains(t, res[0].Content, "£120")
	}
	paragraphs := make([]string, 30)
	for i := range paragraphs {
		paragraphs[i] = fmt.Sprintf("Leaflet %d describes aftercare number %d.", i, i)
	}
	paragraphs[29] = "Our car park has a zebra crossing to the front door."
	_, err = kb.AddText(ctx, pool, ws, "Leaflets", strings.Join(paragraphs, "\n\n"))
	require.NoError(t, err)
	res, err := kb.Sources(ctx, pool, ws, "zebra crossing", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res, "the chunk past the exact search's bound is found")
	require.Contains(t, res[0].Content, "zebra crossing")
}

// summary is what a search found, in order: chunk, how it matched, score.
func summary(res []knowledge.Result) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = fmt.Sprintf("%d %s %.9f %.6f", r.ChunkID, r.Matched, r.Score, r.Similarity)
	}
	return out
}
