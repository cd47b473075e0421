package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/frontdesk/frontdesk/internal/live"
)

// IngestArgs queue the ingestion of one uploaded document.
type IngestArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	DocumentID  int64 `json:"document_id"`
	// Revision is the version of the document to ingest; a newer one supersedes it.
	Revision int `json:"revision,omitempty"`
}

// Kind names the job.
func (IngestArgs) Kind() string { return "ingest_document" }

// InsertOpts: a file that failed three times will not read on the fourth.
func (IngestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// AddWorkers registers the ingest and embedding workers, which work with pool and tells open browsers
// of each step through events (nil: none).
func (s *Store) AddWorkers(w *river.Workers, pool *pgxpool.Pool, events *live.Publisher, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	s.pool, s.events, s.log = pool, events, log
	river.AddWorker(w, &ingestWorker{s: s})
	river.AddWorker(w, &embedMissingWorker{s: s})
}

type ingestWorker struct {
	river.WorkerDefaults[IngestArgs]
	s *Store
}

func (w *ingestWorker) Timeout(*river.Job[IngestArgs]) time.Duration { return 5 * time.Minute }

// errGone stops an ingestion whose document was deleted.
var errGone = errors.New("knowledge: the document was deleted")

// Work extracts, chunks and embeds one document, saying at each step how far it got. A
// file that cannot be read marks the document failed with the reason; the job ends
// there, as trying again would not help.
func (w *ingestWorker) Work(ctx context.Context, job *river.Job[IngestArgs]) error {
	err := w.ingest(ctx, job)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errGone):
		return river.JobCancel(err)
	case errors.Is(err, ErrUnreadable) || errors.Is(err, ErrUnsupported) || errors.Is(err, ErrTooLarge) ||
		job.Attempt >= job.MaxAttempts:
		a := job.Args
		reason := strings.ReplaceAll(err.Error(), "knowledge: ", "")
		if _, ferr := w.s.pool.Exec(ctx, w.s.q.FailDocument, a.WorkspaceID, a.DocumentID, reason, a.Revision); ferr != nil {
			return fmt.Errorf("knowledge: mark document %d failed: %w (after %w)", a.DocumentID, ferr, err)
		}
		w.s.announce(a.WorkspaceID, a.DocumentID)
		w.s.log.Warn("knowledge: document failed", "workspace_id", a.WorkspaceID, "document_id", a.DocumentID, "error", reason)
		return river.JobCancel(err)
	default:
		return err
	}
}

func (w *ingestWorker) ingest(ctx context.Context, job *river.Job[IngestArgs]) error {
	s, a := w.s, job.Args
	step := func(status string, progress int) error {
		var id int64
		err := s.pool.QueryRow(ctx, s.q.SetStatus, a.WorkspaceID, a.DocumentID, status, progress, a.Revision).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return errGone
		}
		if err != nil {
			return fmt.Errorf("knowledge: set status of document %d: %w", a.DocumentID, err)
		}
		s.announce(a.WorkspaceID, a.DocumentID)
		return nil
	}
	var kind, url string
	var data []byte
	var rev int
	if err := s.pool.QueryRow(ctx, s.q.LoadUpload, a.WorkspaceID, a.DocumentID).Scan(&kind, &data, &rev, &url); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return errGone
		}
		return fmt.Errorf("knowledge: load upload %d: %w", a.DocumentID, err)
	}
	if rev != a.Revision {
		return errGone // replaced by a newer version, which its own job ingests
	}
	if data == nil {
		if url == "" {
			return errGone
		}
		// A web page is fetched by the job, so the owner's request does not wait on it.
		if err := step("fetching", 5); err != nil {
			return err
		}
		var err error
		if kind, data, err = s.fetchPage(ctx, url); err != nil {
			return err
		}
	}
	doc, err := s.Document(ctx, s.pool, a.WorkspaceID, a.DocumentID)
	if err != nil {
		return errGone
	}
	if err := step("extracting", 10); err != nil {
		return err
	}
	blocks, err := s.extract(ctx, kind, data)
	if err != nil {
		return err
	}
	if err := step("chunking", 30); err != nil {
		return err
	}
	chunks := chunkBlocks(blocks)
	if len(chunks) == 0 {
		return fmt.Errorf("knowledge: %w: no text found in the file", ErrUnreadable)
	}
	if err := step("embedding", 40); err != nil {
		return err
	}
	lastPct := 40
	vecs, err := s.embedChunks(ctx, doc.Title, chunks, func(done, total int) {
		if pct := 40 + 55*done/total; pct >= lastPct+10 && done < total {
			lastPct = pct
			_ = step("embedding", pct) // progress is a hint; the final write decides
		}
	})
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, s.q.FinishDocument, a.WorkspaceID, a.DocumentID, plainText(blocks), len(chunks), a.Revision,
			kind, kindMIME[kind])
		if err != nil {
			return fmt.Errorf("knowledge: finish document %d: %w", a.DocumentID, err)
		}
		if tag.RowsAffected() == 0 {
			return errGone
		}
		if _, err := tx.Exec(ctx, s.q.DeleteChunks, a.WorkspaceID, a.DocumentID); err != nil {
			return fmt.Errorf("knowledge: replace chunks of document %d: %w", a.DocumentID, err)
		}
		if err := s.storeChunks(ctx, tx, a.WorkspaceID, a.DocumentID, chunks, vecs); err != nil {
			return err
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if err != nil {
		return err
	}
	s.announce(a.WorkspaceID, a.DocumentID)
	return nil
}
