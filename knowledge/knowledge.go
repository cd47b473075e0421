// Package knowledge owns the business's documents: storing them as chunks and finding
// the passages that answer a customer's question.
//
// This first version stores text documents split by paragraph and searches them with
// PostgreSQL full text; embeddings, file extraction and hybrid ranking build on the
// same tables.
package knowledge

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	InsertDocument, InsertChunk, Search string
}

// Store reads and writes one database's knowledge base; every call is scoped by workspace.
type Store struct{ q queries }

// NewStore loads the store's queries.
func NewStore() (*Store, error) {
	s := &Store{}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return s, nil
}

// Result is one matching chunk.
type Result struct {
	ChunkID    int64   `json:"chunk_id"`
	DocumentID int64   `json:"document_id"`
	Title      string  `json:"title"`
	Heading    string  `json:"heading,omitempty"`
	Content    string  `json:"content"`
	Score      float64 `json:"score"`
	Snippet    string  `json:"snippet"`
}

// AddText stores a text document, one chunk per paragraph, and returns its id.
func (s *Store) AddText(ctx context.Context, db database.DBTX, workspaceID int64, title, text string) (int64, error) {
	paras := paragraphs(text)
	if len(paras) == 0 {
		return 0, fmt.Errorf("knowledge: document %q has no text", title)
	}
	var id int64
	if err := db.QueryRow(ctx, s.q.InsertDocument, workspaceID, title, "text").Scan(&id); err != nil {
		return 0, fmt.Errorf("knowledge: insert document: %w", err)
	}
	for i, p := range paras {
		if _, err := db.Exec(ctx, s.q.InsertChunk, workspaceID, id, i, title, p); err != nil {
			return 0, fmt.Errorf("knowledge: insert chunk %d: %w", i, err)
		}
	}
	return id, nil
}

// Search returns up to limit chunks of the workspace that match the query.
func (s *Store) Search(ctx context.Context, db database.DBTX, workspaceID int64, query string, limit int) ([]Result, error) {
	if strings.TrimSpace(query) == "" {
		return nil, nil
	}
	rows, err := db.Query(ctx, s.q.Search, workspaceID, query, limit)
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		var score float32
		if err := rows.Scan(&r.ChunkID, &r.DocumentID, &r.Title, &r.Heading, &r.Content, &score, &r.Snippet); err != nil {
			return nil, fmt.Errorf("knowledge: scan result: %w", err)
		}
		r.Score = float64(score)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	return out, nil
}

func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
