// Package knowledge owns the business's documents: extracting their text, splitting it
// into chunks along its structure, embedding the chunks, and finding the passages that
// answer a customer's question by hybrid search (pgvector cosine and PostgreSQL full
// text, fused by reciprocal rank).
//
// Uploads are ingested by the River job "ingest_document"; AddText stores a short text
// at once, one chunk per paragraph.
package knowledge

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// Errors callers map to responses.
var (
	ErrNotFound    = errors.New("not found")
	ErrTooLarge    = errors.New("file is too large")
	ErrUnsupported = errors.New("unsupported file type")
	ErrUnreadable  = errors.New("file cannot be read")
)

// Embedder turns texts into vectors of one model's space.
type Embedder interface {
	Model() string
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Options tune a Store; the zero value uses the offline embedder.
type Options struct {
	Embedder Embedder
	// MinSimilarity is the cosine similarity a chunk found only by its vector needs to
	// count as a match (default 0.05, fitted to the offline embedder).
	MinSimilarity float64
	// StemGate keeps a chunk found only by its vector only when it shares a word stem
	// with the query (see sharesStem). It is on with the default offline embedder, whose
	// similarities are too weak to stand alone.
	StemGate bool
	// MaxUpload is the largest file accepted, in bytes (default 10 MiB).
	MaxUpload int64
	// TextOnly turns the vector half of hybrid search off, to measure what it adds.
	TextOnly bool
	// EfSearch is the HNSW candidate list of a vector search (pgvector's hnsw.ef_search;
	// default 100). On the offline embedder's vectors at 100,000 chunks pgvector's own
	// default, 40, found 0.57 of the exact ten nearest and 100 found 0.75, for about twice
	// the index time (frontdesk bench search, docs/benchmarks.md).
	EfSearch int
	// ExactBelow is the size, in chunks, under which a workspace's knowledge base is
	// searched exactly, on a plan PostgreSQL keeps, rather than through the HNSW and text
	// indexes on a plan made for each question (default 1,000; negative: never).
	ExactBelow int
	// Earlier gives the embedder of a model the knowledge base was indexed with before
	// Embedder, so a workspace keeps searching by its vectors while re-indexing runs
	// (EmbedMissing). The offline model is always known; nil knows no other, and a
	// workspace on an unknown model searches by full text alone until it is re-indexed.
	Earlier func(model string) (SearchModel, bool)
	// FetchTimeout bounds fetching a web page (default 30 s).
	FetchTimeout time.Duration
	// AllowPrivateAddresses lets web pages on loopback and private networks be fetched.
	// For tests only: in production it would let anyone who can add a page make the server
	// call internal services.
	AllowPrivateAddresses bool
}

// SearchModel is an embedder with the settings a search by its vectors needs.
type SearchModel struct {
	Embedder      Embedder
	MinSimilarity float64
	StemGate      bool
}

// offlineModel is the default embedder with the settings fitted to it.
func offlineModel() SearchModel {
	return SearchModel{Embedder: ai.OfflineEmbedder{}, MinSimilarity: 0.05, StemGate: true}
}

type queries struct {
	InsertDocument, InsertChunk, Search, SearchExact, FusedResults      string
	InsertUpload, ListDocuments, GetDocument, DeleteDocument, SetStatus string
	LoadUpload, FinishDocument, FailDocument, DeleteChunks              string
	ChunksToEmbed, SetEmbedding, ReplaceDocument, UpsertUpload          string
	DeleteUpload, SetURL, WorkspaceModel, ClaimModel, StageEmbedding    string
	DropStaleStaged, ReadyToPromote, PromoteChunks, ClearStaged         string
	SetWorkspaceModel, IndexStatus, SearchModel                         string
}

// Store reads and writes the knowledge base; every call is scoped by workspace.
type Store struct {
	opts   Options
	q      queries
	client *http.Client // fetches web pages

	// indexes are the models searches use, by name: the current one and earlier ones
	// that workspaces not yet re-indexed still need.
	cur     *index
	mu      sync.Mutex
	indexes map[string]*index
	// lastSearch is what each workspace's last search found (a lastSearch; see
	// searchBatched): a guess, checked by every search.
	lastSearch sync.Map

	// Set by AddWorkers and Attach.
	pool   *pgxpool.Pool
	events *live.Publisher
	log    *slog.Logger
	jobs   *river.Client[pgx.Tx]
}

var modelName = regexp.MustCompile(`^[A-Za-z0-9._:/-]+$`) //nolint:gochecknoglobals // read-only pattern

// NewStore returns a store with the offline embedder and default limits.
func NewStore() (*Store, error) { return New(Options{}) }

// New returns a store with opts.
func New(opts Options) (*Store, error) {
	if opts.Embedder == nil {
		opts.Embedder, opts.StemGate = offlineModel().Embedder, true
	}
	if opts.MinSimilarity == 0 {
		opts.MinSimilarity = offlineModel().MinSimilarity
	}
	if opts.EfSearch <= 0 {
		opts.EfSearch = 100
	}
	if opts.ExactBelow == 0 {
		opts.ExactBelow = 1000
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	if opts.MaxUpload == 0 {
		opts.MaxUpload = 10 << 20
	}
	current, err := newIndex(SearchModel{Embedder: opts.Embedder, MinSimilarity: opts.MinSimilarity, StemGate: opts.StemGate}, opts.exactLimit())
	if err != nil {
		return nil, err
	}
	s := &Store{opts: opts, q: current.q, cur: current, indexes: map[string]*index{current.model.Embedder.Model(): current}}
	s.client = s.pageClient()
	return s, nil
}

// index is a model's embedder and the queries that use its vectors.
type index struct {
	model SearchModel
	q     queries
}

func newIndex(m SearchModel, exactLimit int) (*index, error) {
	model, dim := m.Embedder.Model(), m.Embedder.Dim()
	if !modelName.MatchString(model) || dim <= 0 {
		return nil, fmt.Errorf("knowledge: embedder model %q of dimension %d cannot be indexed", model, dim)
	}
	// The vector query names the model and its dimension literally, so the planner
	// matches it to that model's partial HNSW index.
	src := strings.NewReplacer("__DIM__", strconv.Itoa(dim), "__MODEL__", model,
		"__EXACT_LIMIT__", strconv.Itoa(max(exactLimit, 1))).Replace(queriesSQL)
	ix := &index{model: m}
	if err := sqlset.Load(&ix.q, src); err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	for _, q := range []*string{&ix.q.Search, &ix.q.SearchExact} {
		*q = strings.Replace(*q, "__FUSED_RESULTS__", ix.q.FusedResults, 1)
	}
	return ix, nil
}

// MaxUpload is the largest file Upload accepts.
func (s *Store) MaxUpload() int64 { return s.opts.MaxUpload }

// AddText stores a short text document, one chunk per paragraph headed by its title,
// embeds the chunks, and returns its id.
func (s *Store) AddText(ctx context.Context, db database.DBTX, workspaceID int64, title, text string) (int64, error) {
	paras := paragraphs(text)
	if len(paras) == 0 {
		return 0, fmt.Errorf("knowledge: document %q has no text", title)
	}
	chunks := make([]Chunk, len(paras))
	for i, p := range paras {
		chunks[i] = Chunk{Position: i, HeadingPath: []string{title}, Content: p}
	}
	var id int64
	if err := db.QueryRow(ctx, s.q.InsertDocument, workspaceID, title, "text", "", "text/plain", len(text), "ready", text, len(chunks)).Scan(&id); err != nil {
		return 0, fmt.Errorf("knowledge: insert document: %w", err)
	}
	if err := s.insertChunks(ctx, db, workspaceID, id, title, chunks); err != nil {
		return 0, err
	}
	return id, nil
}

// insertChunks embeds chunks and stores them.
func (s *Store) insertChunks(ctx context.Context, db database.DBTX, workspaceID, docID int64, title string, chunks []Chunk) error {
	vecs, err := s.embedChunks(ctx, title, chunks, nil)
	if err != nil {
		return err
	}
	return s.storeChunks(ctx, db, workspaceID, docID, chunks, vecs)
}

// embedBatch is how many chunks are embedded at a time; progress is reported per batch.
const embedBatch = 32

// embedChunks embeds each chunk with its document title and headings, which often carry
// the words a question uses.
func (s *Store) embedChunks(ctx context.Context, title string, chunks []Chunk, progress func(done, total int)) ([][]float32, error) {
	out := make([][]float32, 0, len(chunks))
	for start := 0; start < len(chunks); start += embedBatch {
		batch := chunks[start:min(start+embedBatch, len(chunks))]
		texts := make([]string, len(batch))
		for i, c := range batch {
			texts[i] = chunkText(title, c)
		}
		vecs, err := s.embedTexts(ctx, texts)
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
		if progress != nil {
			progress(len(out), len(chunks))
		}
	}
	return out, nil
}

// chunkText is what is embedded of a chunk: its text with its document's title and
// headings, which often carry the words a question uses.
func chunkText(title string, c Chunk) string {
	return title + "\n" + strings.Join(c.HeadingPath, "\n") + "\n" + c.Content
}

// embedTexts embeds texts with the store's model, checking it gave one vector each.
func (s *Store) embedTexts(ctx context.Context, texts []string) ([][]float32, error) {
	vecs, err := s.opts.Embedder.Embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("knowledge: embed chunks: %w", err)
	}
	if len(vecs) != len(texts) {
		return nil, fmt.Errorf("knowledge: embedder returned %d vectors for %d chunks", len(vecs), len(texts))
	}
	return vecs, nil
}

func (s *Store) storeChunks(ctx context.Context, db database.DBTX, workspaceID, docID int64, chunks []Chunk, vecs [][]float32) error {
	// A workspace's first chunks decide the model its search starts with.
	if _, err := db.Exec(ctx, s.q.ClaimModel, workspaceID); err != nil {
		return fmt.Errorf("knowledge: record the embedding model: %w", err)
	}
	for i, c := range chunks {
		path := c.HeadingPath
		if path == nil {
			path = []string{}
		}
		_, err := db.Exec(ctx, s.q.InsertChunk, workspaceID, docID, c.Position, c.Heading(), path, c.Content,
			vectorLiteral(vecs[i]), s.opts.Embedder.Model())
		if err != nil {
			return fmt.Errorf("knowledge: insert chunk %d: %w", i, err)
		}
	}
	return nil
}

// vectorLiteral is pgvector's text form of v.
func vectorLiteral(v []float32) string {
	b := make([]byte, 0, len(v)*10)
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(x), 'g', 7, 32)
	}
	return string(append(b, ']'))
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
