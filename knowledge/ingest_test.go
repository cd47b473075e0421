package knowledge_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

type ingestBundle struct {
	pool *pgxpool.Pool
	kb   *knowledge.Store
	ws   int64
}

// setupIngest runs a River client with the ingest worker on a fresh database.
func setupIngest(t *testing.T, opts knowledge.Options) *ingestBundle {
	t.Helper()
	pool := dbtest.New(t)
	kb, err := knowledge.New(opts)
	require.NoError(t, err)
	workers := river.NewWorkers()
	kb.AddWorkers(workers, pool, nil, slog.New(slog.DiscardHandler))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Workers: workers, Logger: slog.New(slog.DiscardHandler), TestOnly: true,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
	})
	require.NoError(t, err)
	kb.Attach(client)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	return &ingestBundle{pool: pool, kb: kb, ws: newWorkspace(t, pool, "clinic")}
}

// waitDone waits until a document is ready or failed.
func (b *ingestBundle) waitDone(t *testing.T, id int64) knowledge.Document {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		d, err := b.kb.Document(context.Background(), b.pool, b.ws, id)
		require.NoError(t, err)
		if d.Status == "ready" || d.Status == "failed" {
			return d
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("document %d was not ingested in time", id)
	return knowledge.Document{}
}

func (b *ingestBundle) jobState(t *testing.T, docID int64) string {
	t.Helper()
	var state string
	require.NoError(t, b.pool.QueryRow(context.Background(),
		"SELECT state FROM river_job WHERE kind = 'ingest_document' AND (args->>'document_id')::bigint = $1", docID).Scan(&state))
	return state
}

func TestIngest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupIngest(t, knowledge.Options{MaxUpload: 64 << 10})

	t.Run("MarkdownBecomesSearchableChunks", func(t *testing.T) {
		doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "guide.md",
			Data: []byte("# Aftercare\n\n## After a filling\n\nDo not eat for two hours after a filling.\n\n## After whitening\n\nAvoid coffee and red wine for 48 hours.\n")})
		require.NoError(t, err)
		require.Equal(t, "queued", doc.Status)
		require.Equal(t, "guide", doc.Title, "the title defaults to the file name")
		require.Equal(t, "markdown", doc.Kind)
		require.Equal(t, "guide.md", doc.Source)

		done := b.waitDone(t, doc.ID)
		require.Equal(t, "ready", done.Status, done.Error)
		require.Equal(t, 100, done.Progress)
		require.Equal(t, 2, done.Chunks)
		require.Contains(t, done.Content, "## After whitening")
		require.Equal(t, "completed", b.jobState(t, doc.ID))

		var uploads int
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM kb_uploads").Scan(&uploads))
		require.Zero(t, uploads, "the raw upload is dropped once ingested")

		res, err := b.kb.Search(ctx, b.pool, b.ws, "can I drink coffee after whitening?", 3)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		require.Equal(t, doc.ID, res[0].DocumentID)
		require.Equal(t, "Aftercare › After whitening", res[0].Heading)
		require.Contains(t, res[0].Snippet, "<b>coffee</b>")
	})
	t.Run("CSVFAQRowsAreChunksHeadedByTheQuestion", func(t *testing.T) {
		doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "faq.csv", Title: "FAQ",
			Data: []byte("question,answer\nDo you see children?,Yes from age 3.\nCan I bring my dog?,Only assistance dogs.\n")})
		require.NoError(t, err)
		require.Equal(t, "ready", b.waitDone(t, doc.ID).Status)
		var headings []string
		rows, err := b.pool.Query(ctx, "SELECT heading FROM kb_chunks WHERE document_id = $1 ORDER BY position", doc.ID)
		require.NoError(t, err)
		headings, err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.Equal(t, []string{"Do you see children?", "Can I bring my dog?"}, headings)
		res, err := b.kb.Search(ctx, b.pool, b.ws, "pets allowed? my dog", 1)
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Equal(t, "Only assistance dogs.", res[0].Content)
	})
	t.Run("BrokenFileFailsWithAReasonAndTheWorkerGoesOn", func(t *testing.T) {
		doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "scan.pdf", Data: []byte("%PDF-1.4\nnot a real pdf\n")})
		require.NoError(t, err, "the quick check passes: it starts like a PDF")
		done := b.waitDone(t, doc.ID)
		require.Equal(t, "failed", done.Status)
		require.Contains(t, done.Error, "damaged")
		require.NotContains(t, done.Error, "knowledge:")
		require.Eventually(t, func() bool { return b.jobState(t, doc.ID) == "cancelled" }, 10*time.Second, 20*time.Millisecond,
			"not retried: the file will not read next time either")

		next, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "notes.txt", Data: []byte("Parking is free on Sundays.")})
		require.NoError(t, err)
		require.Equal(t, "ready", b.waitDone(t, next.ID).Status)
	})
	t.Run("RefusedAtUpload", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			up   knowledge.Upload
			want error
		}{
			{"TooLarge", knowledge.Upload{Filename: "big.txt", Data: make([]byte, 65<<10)}, knowledge.ErrTooLarge},
			{"Unsupported", knowledge.Upload{Filename: "photo.png", Data: []byte("\x89PNG\r\n\x1a\n0000")}, knowledge.ErrUnsupported},
			{"Empty", knowledge.Upload{Filename: "empty.md", Data: []byte(" \n ")}, knowledge.ErrUnreadable},
			{"NotUTF8", knowledge.Upload{Filename: "latin1.txt", Data: []byte("caf\xe9")}, knowledge.ErrUnreadable},
			{"NotAPDF", knowledge.Upload{Filename: "x.pdf", Data: []byte("hello")}, knowledge.ErrUnreadable},
			{"NotADocx", knowledge.Upload{Filename: "x.docx", Data: []byte("hello")}, knowledge.ErrUnreadable},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := b.kb.Upload(ctx, b.pool, b.ws, tc.up)
				require.ErrorIs(t, err, tc.want)
				var n int
				require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM kb_documents WHERE source = $1", tc.up.Filename).Scan(&n))
				require.Zero(t, n)
			})
		}
	})
	t.Run("DeleteRemovesTheDocumentAndItsChunks", func(t *testing.T) {
		doc, err := b.kb.Upload(ctx, b.pool, b.ws, knowledge.Upload{Filename: "old.txt", Data: []byte("Old prices: cleaning £40.")})
		require.NoError(t, err)
		done := b.waitDone(t, doc.ID)
		require.Equal(t, "ready", done.Status, done.Error)
		require.NoError(t, b.kb.Delete(ctx, b.pool, b.ws, doc.ID))
		_, err = b.kb.Document(ctx, b.pool, b.ws, doc.ID)
		require.ErrorIs(t, err, knowledge.ErrNotFound)
		require.ErrorIs(t, b.kb.Delete(ctx, b.pool, b.ws, doc.ID), knowledge.ErrNotFound)
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM kb_chunks WHERE document_id = $1", doc.ID).Scan(&n))
		require.Zero(t, n)
	})
	t.Run("OtherWorkspacesCannotSeeOrDelete", func(t *testing.T) {
		other := newWorkspace(t, b.pool, "other")
		docs, err := b.kb.Documents(ctx, b.pool, b.ws, 100)
		require.NoError(t, err)
		require.NotEmpty(t, docs)
		_, err = b.kb.Document(ctx, b.pool, other, docs[0].ID)
		require.ErrorIs(t, err, knowledge.ErrNotFound)
		require.ErrorIs(t, b.kb.Delete(ctx, b.pool, other, docs[0].ID), knowledge.ErrNotFound)
		otherDocs, err := b.kb.Documents(ctx, b.pool, other, 100)
		require.NoError(t, err)
		require.Empty(t, otherDocs)
	})
}

func TestIngestDeletedWhileQueuedIsCancelled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	workers := river.NewWorkers()
	kb.AddWorkers(workers, pool, nil, slog.New(slog.DiscardHandler))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Workers: workers, Logger: slog.New(slog.DiscardHandler),
		TestOnly: true, Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}}})
	require.NoError(t, err)
	kb.Attach(client)
	ws := newWorkspace(t, pool, "clinic")
	doc, err := kb.Upload(ctx, pool, ws, knowledge.Upload{Filename: "a.txt", Data: []byte("Some text.")})
	require.NoError(t, err)
	require.NoError(t, kb.Delete(ctx, pool, ws, doc.ID))

	events, stop := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled, river.EventKindJobFailed)
	defer stop()
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	select {
	case e := <-events:
		require.Equal(t, river.EventKindJobCancelled, e.Kind)
	case <-time.After(15 * time.Second):
		t.Fatal("the ingest job did not end")
	}
}
