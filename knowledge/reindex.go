package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/internal/database"
)

// maxIndexedDim is the largest halfvec pgvector's HNSW index takes.
const maxIndexedDim = 4000

var notIdent = regexp.MustCompile(`[^a-z0-9]+`) //nolint:gochecknoglobals // read-only pattern

// indexName is the name of a model's partial HNSW index: readable, and within
// PostgreSQL's 63 bytes.
func indexName(model string) string {
	name := "kb_chunks_" + strings.Trim(notIdent.ReplaceAllString(strings.ToLower(model), "_"), "_") + "_idx"
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(model))
		name = name[:50] + "_" + hex.EncodeToString(sum[:6])
	}
	return name
}

// EnsureIndex builds the partial HNSW index of the store's model when it has none, without
// locking writes (CONCURRENTLY), so a new model is searched by index and not by a scan of
// every vector. The index is on the vectors in half precision (halfvec), as the search
// query orders them: half the memory of full precision, which is what a search of 100,000
// chunks waits on. A build that failed half-way, or an index on full-precision vectors
// (made by an earlier version), is dropped and made again. db must not be inside a
// transaction.
func (s *Store) EnsureIndex(ctx context.Context, db database.DBTX) error {
	model, dim := s.opts.Embedder.Model(), s.opts.Embedder.Dim()
	if dim > maxIndexedDim {
		s.logger().Warn("knowledge: vectors this long cannot be indexed; search scans them", "model", model, "dim", dim)
		return nil
	}
	name := indexName(model)
	var valid bool
	err := db.QueryRow(ctx, `SELECT i.indisvalid AND pg_get_indexdef(i.indexrelid) LIKE '%halfvec_cosine_ops%'
		FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
		WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`, name).Scan(&valid)
	switch {
	case err == nil && valid:
		return nil
	case err == nil:
		if _, err := db.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("knowledge: drop the broken index of %s: %w", model, err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("knowledge: look for the index of %s: %w", model, err)
	}
	// The model name passed modelName's pattern: it holds no quote. ef_construction 128
	// (pgvector's default is 64): at 100,000 chunks, recall@10 0.956 at ef_search 400
	// where the default's graph stops at 0.938 (docs/benchmarks.md).
	_, err = db.Exec(ctx, fmt.Sprintf(`CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON kb_chunks
		USING hnsw ((embedding::halfvec(%d)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)
		WHERE embedding_model = '%s'`,
		pgx.Identifier{name}.Sanitize(), dim, model))
	if err != nil {
		return fmt.Errorf("knowledge: index the vectors of %s: %w", model, err)
	}
	return nil
}

// indexFor is the model a workspace's search uses: the one its chunks are indexed by,
// which is the store's own unless re-indexing is still under way. It is nil when that
// model is not known to this server (the search then uses full text alone).
func (s *Store) indexFor(ctx context.Context, db database.DBTX, workspaceID int64) (*index, error) {
	var name string
	err := db.QueryRow(ctx, s.q.WorkspaceModel, workspaceID).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		name = s.opts.Embedder.Model()
	} else if err != nil {
		return nil, fmt.Errorf("knowledge: workspace's embedding model: %w", err)
	}
	return s.indexNamed(workspaceID, name)
}

// indexNamed is the index of the model called name ("" for the configured one), made
// on first use.
func (s *Store) indexNamed(workspaceID int64, name string) (*index, error) {
	if name == "" {
		name = s.opts.Embedder.Model()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix, ok := s.indexes[name]; ok {
		return ix, nil
	}
	m, ok := offlineModel(), name == offlineModel().Embedder.Model()
	if !ok && s.opts.Earlier != nil {
		m, ok = s.opts.Earlier(name)
	}
	if !ok {
		s.logger().Warn("knowledge: the workspace's embedding model is not configured; searching by full text until re-indexing is done",
			"workspace_id", workspaceID, "model", name, "reindexing_to", s.opts.Embedder.Model())
		s.indexes[name] = nil
		return nil, nil
	}
	ix, err := newIndex(m, s.opts.exactLimit())
	if err != nil {
		return nil, err
	}
	s.indexes[name] = ix
	return ix, nil
}

// promote moves every workspace that has a vector of the store's model for each of its
// chunks onto those vectors, one transaction per workspace: its searches switch from the
// old vectors to the new ones at once. It returns how many workspaces moved.
func (s *Store) promote(ctx context.Context, db *pgxpool.Pool) (int, error) {
	rows, err := db.Query(ctx, s.q.ReadyToPromote)
	if err != nil {
		return 0, fmt.Errorf("knowledge: workspaces to move to the new model: %w", err)
	}
	ready, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("knowledge: workspaces to move to the new model: %w", err)
	}
	for _, ws := range ready {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, s.q.PromoteChunks, ws); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, s.q.ClearStaged, ws); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, s.q.SetWorkspaceModel, ws)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("knowledge: move workspace %d to the new model: %w", ws, err)
		}
		s.logger().Info("knowledge: workspace re-indexed", "workspace_id", ws, "model", s.opts.Embedder.Model())
	}
	return len(ready), nil
}

// IndexStatus says which model a workspace's search uses and how far re-indexing with the
// store's model has come.
type IndexStatus struct {
	// Searching is the model whose vectors answer searches now.
	Searching string `json:"searching_model"`
	// Model is the configured model; when it differs from Searching, re-indexing runs.
	Model    string `json:"model"`
	Chunks   int    `json:"chunks"`
	Embedded int    `json:"embedded"`
}

// Reindexing reports whether the workspace still searches with an earlier model.
func (st IndexStatus) Reindexing() bool { return st.Searching != st.Model }

// Percent is how much of the re-indexing is done.
func (st IndexStatus) Percent() int {
	if st.Chunks == 0 {
		return 100
	}
	return st.Embedded * 100 / st.Chunks
}

// String is a line for the owner, e.g. "Re-indexing for text-embedding-3-small/256: 410 of
// 1,000 passages".
func (st IndexStatus) String() string {
	if !st.Reindexing() {
		return "Search uses " + st.Model
	}
	return "Re-indexing for " + st.Model + ": " + strconv.Itoa(st.Embedded) + " of " + strconv.Itoa(st.Chunks) +
		" passages; search uses " + st.Searching + " until it is done"
}

// Status returns the workspace's IndexStatus.
func (s *Store) Status(ctx context.Context, db database.DBTX, workspaceID int64) (IndexStatus, error) {
	st := IndexStatus{Model: s.opts.Embedder.Model()}
	err := db.QueryRow(ctx, s.q.IndexStatus, workspaceID).Scan(&st.Searching, &st.Chunks, &st.Embedded)
	if err != nil {
		return st, fmt.Errorf("knowledge: index status: %w", err)
	}
	return st, nil
}

// logger is the store's log, or a silent one before AddWorkers.
func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.log
}
