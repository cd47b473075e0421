package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// AddURL adds a web page as a document: its address is checked and stored, and the
// ingestion job fetches the page (see fetchPage) and reads it like an uploaded file.
func (s *Store) AddURL(ctx context.Context, db beginner, workspaceID int64, rawURL, title string) (Document, error) {
	if s.jobs == nil {
		return Document{}, errors.New("knowledge: adding a web page needs a River client: call Attach")
	}
	pageURL, err := s.checkURL(rawURL)
	if err != nil {
		return Document{}, err
	}
	if title = strings.TrimSpace(title); title == "" {
		title = pageTitle(pageURL)
	}
	var doc Document
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, s.q.InsertDocument, workspaceID, title, "html", pageURL, kindMIME["html"], 0, "queued", "", 0).Scan(&id); err != nil {
			return fmt.Errorf("knowledge: insert document: %w", err)
		}
		if _, err := tx.Exec(ctx, s.q.SetURL, workspaceID, id, pageURL); err != nil {
			return fmt.Errorf("knowledge: insert document: %w", err)
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

// Refetch queues a new version of a web page document, fetched again; the current
// version answers until the new one is ready.
func (s *Store) Refetch(ctx context.Context, db beginner, workspaceID, id int64) (Document, error) {
	if s.jobs == nil {
		return Document{}, errors.New("knowledge: re-fetching needs a River client: call Attach")
	}
	var doc Document
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := s.Document(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if cur.URL == "" {
			return fmt.Errorf("knowledge: %w: document %d is a file, not a web page; replace it with a new file instead", ErrBadURL, id)
		}
		doc, err = s.requeueTx(ctx, tx, workspaceID, id, revisionSource{kind: cur.Kind, source: cur.URL, mime: cur.MIME, url: cur.URL})
		return err
	})
	if err != nil {
		return Document{}, err
	}
	s.announce(workspaceID, id)
	return doc, nil
}

// pageTitle is a title for a page added without one: its host and path.
func pageTitle(pageURL string) string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return pageURL
	}
	return strings.TrimSuffix(u.Host+u.Path, "/")
}
