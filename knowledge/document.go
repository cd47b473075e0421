package knowledge

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/live"
)

// Document is an uploaded or added document and how far its ingestion got.
type Document struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	Source    string `json:"source"`
	MIME      string `json:"mime"`
	SizeBytes int64  `json:"size_bytes"`
	// Status is queued, extracting, chunking, embedding, ready or failed.
	Status   string `json:"status"`
	Progress int    `json:"progress"`
	Error    string `json:"error,omitempty"`
	Chunks   int    `json:"chunks"`
	// Content is the extracted text, filled by Document only.
	Content   string    `json:"content,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// URL is the web page the document is fetched from; empty for a file.
	URL string `json:"url,omitempty"`
	// Revision counts the versions: 0 for the first, one more per replacement or re-fetch.
	Revision int `json:"revision"`
}

// Replacing reports whether a new version is being ingested while the previous one
// (its chunks) keeps answering.
func (d Document) Replacing() bool {
	return d.Status != "ready" && d.Status != "failed" && d.Chunks > 0
}

// Upload is a file an owner sends.
type Upload struct {
	Filename string
	Title    string
	Data     []byte
}

// title is the upload's title, or else its file name without the extension.
func (up Upload) title() string {
	title := strings.TrimSpace(up.Title)
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(up.Filename), filepath.Ext(up.Filename))
	}
	if title == "" || title == "." {
		title = "Untitled"
	}
	return title
}

type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Upload checks a file, stores it as a queued document and queues its ingestion, in one
// transaction.
func (s *Store) Upload(ctx context.Context, db beginner, workspaceID int64, up Upload) (Document, error) {
	if s.jobs == nil {
		return Document{}, errors.New("knowledge: upload needs a River client: call Attach")
	}
	kind, err := s.accept(up)
	if err != nil {
		return Document{}, err
	}
	title := up.title()
	var doc Document
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, s.q.InsertDocument, workspaceID, title, kind, up.Filename, kindMIME[kind],
			len(up.Data), "queued", "", 0).Scan(&id); err != nil {
			return fmt.Errorf("knowledge: insert document: %w", err)
		}
		if _, err := tx.Exec(ctx, s.q.InsertUpload, workspaceID, id, up.Data); err != nil {
			return fmt.Errorf("knowledge: store upload: %w", err)
		}
		if _, err := s.jobs.InsertTx(ctx, tx, IngestArgs{WorkspaceID: workspaceID, DocumentID: id}, nil); err != nil {
			return fmt.Errorf("knowledge: queue ingestion: %w", err)
		}
		doc, err = s.Document(ctx, tx, workspaceID, id)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	s.announce(workspaceID, doc.ID)
	return doc, nil
}

// Replace queues a new file as the next version of a document. Until its ingestion
// finishes, search keeps finding the previous version's chunks; then the new chunks take
// their place in one transaction. A new version that cannot be read leaves the previous
// one in place, with the reason in the document's error.
func (s *Store) Replace(ctx context.Context, db beginner, workspaceID, id int64, up Upload) (Document, error) {
	if s.jobs == nil {
		return Document{}, errors.New("knowledge: replace needs a River client: call Attach")
	}
	kind, err := s.accept(up)
	if err != nil {
		return Document{}, err
	}
	return s.requeue(ctx, db, workspaceID, id, revisionSource{kind: kind, source: up.Filename, mime: kindMIME[kind],
		size: len(up.Data), title: strings.TrimSpace(up.Title), data: up.Data})
}

// revisionSource is what the next version of a document is made from: a file's bytes,
// or a web page's address (data nil: the ingestion fetches it).
type revisionSource struct {
	kind, source, mime, title, url string
	size                           int
	data                           []byte
}

// requeue makes src the document's next revision and queues its ingestion, in one
// transaction.
func (s *Store) requeue(ctx context.Context, db beginner, workspaceID, id int64, src revisionSource) (Document, error) {
	var doc Document
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		doc, err = s.requeueTx(ctx, tx, workspaceID, id, src)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	s.announce(workspaceID, id)
	return doc, nil
}

func (s *Store) requeueTx(ctx context.Context, tx pgx.Tx, workspaceID, id int64, src revisionSource) (Document, error) {
	var doc Document
	err := func() error {
		var rev int
		err := tx.QueryRow(ctx, s.q.ReplaceDocument, workspaceID, id, src.kind, src.source, src.mime, src.size,
			src.title, src.url).Scan(&rev)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("knowledge: document %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("knowledge: replace document %d: %w", id, err)
		}
		if src.data != nil {
			_, err = tx.Exec(ctx, s.q.UpsertUpload, workspaceID, id, src.data)
		} else {
			_, err = tx.Exec(ctx, s.q.DeleteUpload, workspaceID, id)
		}
		if err != nil {
			return fmt.Errorf("knowledge: store upload: %w", err)
		}
		if _, err := s.jobs.InsertTx(ctx, tx, IngestArgs{WorkspaceID: workspaceID, DocumentID: id, Revision: rev}, nil); err != nil {
			return fmt.Errorf("knowledge: queue ingestion: %w", err)
		}
		doc, err = s.Document(ctx, tx, workspaceID, id)
		return err
	}()
	return doc, err
}

// accept checks an upload's size and type and returns its kind.
func (s *Store) accept(up Upload) (string, error) {
	if int64(len(up.Data)) > s.opts.MaxUpload {
		return "", fmt.Errorf("knowledge: %w: %s is %.1f MB; the limit is %d MB", ErrTooLarge,
			up.Filename, float64(len(up.Data))/(1<<20), s.opts.MaxUpload>>20)
	}
	kind, err := detectKind(up.Filename, up.Data)
	if err != nil {
		return "", err
	}
	return kind, check(kind, up.Data)
}

func (s *Store) announce(workspaceID, docID int64) {
	s.events.Publish(live.Event{WorkspaceID: workspaceID, Kind: "document", DocumentID: docID})
}

func scanDocument(row pgx.Row) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.Title, &d.Kind, &d.Source, &d.MIME, &d.SizeBytes, &d.Status, &d.Progress, &d.Error,
		&d.Chunks, &d.Content, &d.CreatedAt, &d.UpdatedAt, &d.URL, &d.Revision)
	return d, err
}

// Documents lists the workspace's documents, newest first.
func (s *Store) Documents(ctx context.Context, db database.DBTX, workspaceID int64, limit int) ([]Document, error) {
	rows, err := db.Query(ctx, s.q.ListDocuments, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("knowledge: list documents: %w", err)
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("knowledge: list documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: list documents: %w", err)
	}
	return out, nil
}

// Document returns one document with its extracted text.
func (s *Store) Document(ctx context.Context, db database.DBTX, workspaceID, id int64) (Document, error) {
	d, err := scanDocument(db.QueryRow(ctx, s.q.GetDocument, workspaceID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Document{}, fmt.Errorf("knowledge: document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("knowledge: document %d: %w", id, err)
	}
	return d, nil
}

// Delete removes a document with its chunks; an ingestion under way finds it gone and stops.
func (s *Store) Delete(ctx context.Context, db database.DBTX, workspaceID, id int64) error {
	tag, err := db.Exec(ctx, s.q.DeleteDocument, workspaceID, id)
	if err != nil {
		return fmt.Errorf("knowledge: delete document %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("knowledge: document %d: %w", id, ErrNotFound)
	}
	s.announce(workspaceID, id)
	return nil
}

// Attach gives the store the River client uploads are queued with.
func (s *Store) Attach(c *river.Client[pgx.Tx]) { s.jobs = c }

// Size is the file's size for people: "820 B", "12.4 KB", "3.1 MB".
func (d Document) Size() string {
	switch {
	case d.SizeBytes < 1<<10:
		return fmt.Sprintf("%d B", d.SizeBytes)
	case d.SizeBytes < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(d.SizeBytes)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MB", float64(d.SizeBytes)/(1<<20))
	}
}
