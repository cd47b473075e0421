package knowledge

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Result is one matching chunk.
type Result struct {
	ChunkID    int64  `json:"chunk_id"`
	DocumentID int64  `json:"document_id"`
	Title      string `json:"title"`
	Heading    string `json:"heading,omitempty"`
	Content    string `json:"content"`
	// Score is the reciprocal rank fusion of the chunk's full-text and vector ranks.
	Score float64 `json:"score"`
	// Similarity is the cosine similarity of the chunk's vector to the query's, when the
	// chunk was among the nearest.
	Similarity float64 `json:"similarity"`
	// Matched is "text", "vector" or "both": which searches found the chunk.
	Matched string `json:"matched"`
	// Snippet is HTML: the matching passage with the query's words in <b>.
	Snippet string `json:"snippet"`
}

// The snippet marks matches with private-use characters, so the document's own text can
// be escaped before the marks become <b> tags.
const (
	markStart       = "\uE000"
	markStop        = "\uE001"
	headlineOptions = "MaxFragments=2, MaxWords=30, MinWords=8, FragmentDelimiter=\" … \", StartSel=" + markStart + ", StopSel=" + markStop
)

// safeSnippet escapes a headline's text and turns its marks into <b> tags.
func safeSnippet(s string) string {
	return strings.NewReplacer(markStart, "<b>", markStop, "</b>").Replace(html.EscapeString(s))
}

// textCandidates caps the chunks ranked by full text in one search (see the Search
// query): far above what a business's few thousand chunks match.
const textCandidates = 1000

// rrfK damps the weight of the top ranks in reciprocal rank fusion (Cormack et al.).
const rrfK = 60

// Search returns up to limit chunks of the workspace's ready documents that answer the
// query: the nearest chunks by embedding and the best by full text, fused by rank.
func (s *Store) Search(ctx context.Context, db database.DBTX, workspaceID int64, query string, limit int) ([]Result, error) {
	return s.search(ctx, db, workspaceID, query, limit, headlineOptions)
}

// Sources is Search without snippets: the chunks a reply may be drafted from, for a
// model rather than a person to read.
func (s *Store) Sources(ctx context.Context, db database.DBTX, workspaceID int64, query string, limit int) ([]Result, error) {
	return s.search(ctx, db, workspaceID, query, limit, "")
}

func (s *Store) search(ctx context.Context, db database.DBTX, workspaceID int64, query string, limit int, headline string) ([]Result, error) {
	if strings.TrimSpace(query) == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 5
	}
	candidates := max(limit*4, 20)
	// With pgvector's iterative scan, the HNSW index keeps searching until it has found
	// enough chunks of this workspace, instead of filtering one fixed batch of the nearest.
	if b, ok := db.(searcher); ok {
		if _, inTx := db.(pgx.Tx); !inTx {
			return s.searchBatched(ctx, b, workspaceID, query, limit, candidates, headline)
		}
	}
	// Inside the caller's transaction the settings go in a savepoint, which ends them.
	var ix *index
	if b, ok := db.(interface {
		Begin(ctx context.Context) (pgx.Tx, error)
	}); ok {
		tx, err := b.Begin(ctx)
		if err != nil {
			return nil, fmt.Errorf("knowledge: search: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read only
		var name string
		if err := tx.QueryRow(ctx, s.q.SearchModel, workspaceID, strconv.Itoa(s.opts.EfSearch), planEach).Scan(&name, nil, nil, nil, nil, nil); err != nil {
			return nil, fmt.Errorf("knowledge: search: %w", err)
		}
		if ix, err = s.indexNamed(workspaceID, name); err != nil {
			return nil, err
		}
		db = tx
	} else {
		var err error
		if ix, err = s.indexFor(ctx, db, workspaceID); err != nil {
			return nil, err
		}
	}
	ix, args, err := s.searchArgs(ctx, ix, workspaceID, query, limit, candidates, headline)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, ix.q.Search, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	return s.readResults(rows, ix, query, limit)
}

// searcher is a pool or a connection: what can send a batch.
type searcher interface {
	database.DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// exactLimit bounds what SearchExact reads (four times Options.ExactBelow), so its plan
// is the same for every workspace; a base that grew past it since its last search is
// searched again by the indexes. Planning Search for each question was half of a small
// base's search (docs/benchmarks.md).
func (o Options) exactLimit() int { return 4 * o.ExactBelow }

// Plan cache modes for SearchModel's $3.
const (
	planEach = "force_custom_plan"
	planOnce = "force_generic_plan"
)

// lastSearch is what a workspace's last search on this node found: the model its chunks
// are indexed by and how many there are.
type lastSearch struct {
	model  string
	chunks int64
}

// searchBatched sends the settings, the workspace's model and the search in one batch:
// one round trip, one implicit transaction, which the settings (set_config's true is
// SET LOCAL) do not outlive. The search is written for the model and size the workspace
// had at its last search here; the first search of a workspace, or one whose query that
// model cannot embed, reads the model first, so a query is never embedded by a model the
// workspace does not search (during a re-index the new one may not answer yet). When the
// batch says the model has changed (a re-index finished), or the base outgrew the exact
// search, the search runs again.
func (s *Store) searchBatched(ctx context.Context, db searcher, workspaceID int64, query string, limit, candidates int, headline string) ([]Result, error) {
	cached, known := s.lastSearch.Load(workspaceID)
	last, _ := cached.(lastSearch)
	guess := last.model
	if !known {
		if err := db.QueryRow(ctx, s.q.WorkspaceModel, workspaceID).Scan(&guess); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("knowledge: workspace's embedding model: %w", err)
		}
	}
	exact := known && last.chunks < int64(s.opts.ExactBelow)
	for attempt := range 3 {
		ix, err := s.indexNamed(workspaceID, guess)
		if err != nil {
			return nil, err
		}
		ix, args, err := s.searchArgs(ctx, ix, workspaceID, query, limit, candidates, headline)
		if err != nil && known && attempt == 0 {
			// The remembered model may be one the workspace has left: ask, then try again.
			s.lastSearch.Delete(workspaceID)
			return s.searchBatched(ctx, db, workspaceID, query, limit, candidates, headline)
		}
		if err != nil {
			return nil, err
		}
		sql, mode := ix.q.Search, planEach
		if exact {
			sql, mode, args = ix.q.SearchExact, planOnce, args[:8] // no cap on text candidates ($9)
		}
		var (
			found lastSearch
			out   []Result
		)
		batch := &pgx.Batch{}
		batch.Queue(s.q.SearchModel, workspaceID, strconv.Itoa(s.opts.EfSearch), mode).QueryRow(func(row pgx.Row) error {
			return row.Scan(&found.model, &found.chunks, nil, nil, nil, nil)
		})
		batch.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			out, err = s.readResults(rows, ix, query, limit)
			return err
		})
		if err := db.SendBatch(ctx, batch).Close(); err != nil {
			return nil, fmt.Errorf("knowledge: search: %w", err)
		}
		if s.modelName(found.model) == s.modelName(guess) && (!exact || found.chunks <= int64(s.opts.exactLimit())) {
			s.lastSearch.Store(workspaceID, found)
			return out, nil
		}
		guess, exact = found.model, found.chunks < int64(s.opts.ExactBelow)
	}
	return nil, fmt.Errorf("knowledge: search: workspace %d's embedding model kept changing during one search", workspaceID)
}

// modelName is the model a recorded name stands for ("": the configured one).
func (s *Store) modelName(name string) string {
	if name == "" {
		return s.opts.Embedder.Model()
	}
	return name
}

// searchArgs embeds the query for ix (nil: the model is not configured, so full text
// alone) and returns the index the search runs on and its arguments.
func (s *Store) searchArgs(ctx context.Context, ix *index, workspaceID int64, query string, limit, candidates int, headline string) (*index, []any, error) {
	vec, maxDistance := "", -1.0 // no distance is that small: full text alone
	if ix == nil {
		ix = s.cur
		vec = vectorLiteral(make([]float32, ix.model.Embedder.Dim()))
	} else {
		vecs, err := ix.model.Embedder.Embed(ctx, []string{query})
		if err != nil {
			return nil, nil, fmt.Errorf("knowledge: embed query: %w", err)
		}
		if len(vecs) != 1 {
			return nil, nil, fmt.Errorf("knowledge: embedder returned %d vectors for one query", len(vecs))
		}
		vec = vectorLiteral(vecs[0])
		if !s.opts.TextOnly {
			maxDistance = 1 - ix.model.MinSimilarity
		}
	}
	return ix, []any{workspaceID, query, vec, candidates, maxDistance, rrfK, limit * 2, headline, textCandidates}, nil
}

// readResults reads the search's rows: up to limit results, leaving out a vector match
// that shares no word stem with the query when the model asks for that.
func (s *Store) readResults(rows pgx.Rows, ix *index, query string, limit int) ([]Result, error) {
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var r Result
		if err := rows.Scan(&r.ChunkID, &r.DocumentID, &r.Title, &r.Heading, &r.Content, &r.Score, &r.Similarity,
			&r.Matched, &r.Snippet); err != nil {
			return nil, fmt.Errorf("knowledge: scan result: %w", err)
		}
		r.Snippet = safeSnippet(r.Snippet)
		if r.Matched == "vector" && ix.model.StemGate && !sharesStem(query, r.Title+" "+r.Heading+" "+r.Content) {
			continue
		}
		if len(out) < limit {
			out = append(out, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	return out, nil
}
