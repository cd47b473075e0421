package knowledge

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/internal/database"
)

// AddFile reads, chunks and embeds a file at once, without a job, and stores it ready:
// for command-line tools and evaluation. Uploads from people go through Upload.
func (s *Store) AddFile(ctx context.Context, db database.DBTX, workspaceID int64, up Upload) (Document, error) {
	kind, err := s.accept(up)
	if err != nil {
		return Document{}, err
	}
	blocks, err := s.extract(ctx, kind, up.Data)
	if err != nil {
		return Document{}, err
	}
	chunks := chunkBlocks(blocks)
	if len(chunks) == 0 {
		return Document{}, fmt.Errorf("knowledge: %w: no text found in %s", ErrUnreadable, up.Filename)
	}
	title := up.title()
	vecs, err := s.embedChunks(ctx, title, chunks, nil)
	if err != nil {
		return Document{}, err
	}
	var id int64
	if err := db.QueryRow(ctx, s.q.InsertDocument, workspaceID, title, kind, up.Filename, kindMIME[kind], len(up.Data),
		"ready", plainText(blocks), len(chunks)).Scan(&id); err != nil {
		return Document{}, fmt.Errorf("knowledge: insert document: %w", err)
	}
	if err := s.storeChunks(ctx, db, workspaceID, id, chunks, vecs); err != nil {
		return Document{}, err
	}
	return s.Document(ctx, db, workspaceID, id)
}
