package knowledge_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/knowledge"
)

// heldEmbedder embeds like the offline embedder, but holds any batch containing a marker
// word until released: a new version's ingestion can be caught half way.
type heldEmbedder struct {
	ai.OfflineEmbedder
	marker  string
	release chan struct{}
}

func (e heldEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, e.marker) }) {
		select {
		case <-e.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return e.OfflineEmbedder.Embed(ctx, texts)
}

// answers is the content of the best chunks for query.
func (b *ingestBundle) answers(t *testing.T, query string) []string {
	t.Helper()
	res, err := b.kb.Search(context.Background(), b.pool, b.ws, query, 5)
	require.NoError(t, err)
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.Content
	}
	return out
}

func TestReplaceKeepsAnsweringUntilTheNewVersionIsReady(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	emb := heldEmbedder{marker: "lilac", release: make(chan struct{})}
	b := setupIngest(t, knowledge.Options{Embedder: emb})

	doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "prices.md", Title: "Prices",
		Data: []byte("# Whitening\n\nWhitening costs 300 pounds.\n")})
	require.NoError(t, err)
	require.Equal(t, "ready", b.waitDone(t, doc.ID).Status)

	next, err := b.kb.Replace(ctx, b.pool, b.ws, doc.ID, knowledge.Upload{Filename: "prices-2027.txt",
		Data: []byte("Whitening costs 350 pounds from January, with a free lilac toothbrush.\n\nA clean costs 60 pounds.")})
	require.NoError(t, err)
	require.Equal(t, 1, next.Revision)
	require.Equal(t, "prices-2027.txt", next.Source)
	require.Equal(t, "Prices", next.Title, "the title stays when none is given")

	// While the new version is held in embedding, the old one answers.
	require.Eventually(t, func() bool {
		d, err := b.kb.Document(ctx, b.pool, b.ws, doc.ID)
		return err == nil && d.Status == "embedding"
	}, 15*time.Second, 10*time.Millisecond)
	during, err := b.kb.Document(ctx, b.pool, b.ws, doc.ID)
	require.NoError(t, err)
	require.True(t, during.Replacing())
	require.Equal(t, []string{"Whitening costs 300 pounds."}, b.answers(t, "how much is whitening?"))

	close(emb.release)
	done := b.waitDone(t, doc.ID)
	require.Equal(t, "ready", done.Status, done.Error)
	require.Equal(t, 1, done.Chunks, "the two short paragraphs make one chunk")
	require.Equal(t, "text", done.Kind)
	require.Contains(t, done.Content, "350 pounds")
	got := b.answers(t, "how much is whitening?")
	require.NotEmpty(t, got)
	require.Contains(t, got[0], "350 pounds")
	for _, a := range got {
		require.NotContains(t, a, "300 pounds", "the old version's chunks are gone")
	}
	var uploads int
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM kb_uploads").Scan(&uploads))
	require.Zero(t, uploads)
}

func TestReplaceWithABrokenFileLeavesThePreviousVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupIngest(t, knowledge.Options{})
	doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "parking.txt", Data: []byte("Parking is free behind the clinic.")})
	require.NoError(t, err)
	require.Equal(t, "ready", b.waitDone(t, doc.ID).Status)

	_, err = b.kb.Replace(ctx, b.pool, b.ws, doc.ID, knowledge.Upload{Filename: "scan.pdf", Data: []byte("%PDF-1.4\nnot a real pdf\n")})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return b.jobState(t, doc.ID) != "available" && b.jobState(t, doc.ID) != "running" },
		15*time.Second, 20*time.Millisecond)
	done := b.waitDone(t, doc.ID)
	require.Equal(t, "ready", done.Status)
	require.Contains(t, done.Error, "the new version was not used")
	require.Equal(t, []string{"Parking is free behind the clinic."}, b.answers(t, "is there parking?"))

	_, err = b.kb.Replace(ctx, b.pool, newWorkspace(t, b.pool, "other"), doc.ID, knowledge.Upload{Filename: "x.txt", Data: []byte("x")})
	require.ErrorIs(t, err, knowledge.ErrNotFound, "another workspace cannot replace it")
	_, err = b.kb.Replace(ctx, b.pool, b.ws, doc.ID, knowledge.Upload{Filename: "x.png", Data: []byte("\x89PNG\r\n\x1a\n0000")})
	require.ErrorIs(t, err, knowledge.ErrUnsupported)
}
