package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/database"
)

// EmbedMissingArgs is the job that embeds chunks stored before embeddings existed, or
// by another embedding model than the store's.
type EmbedMissingArgs struct{}

// Kind names the job.
func (EmbedMissingArgs) Kind() string { return "embed_missing_chunks" }

// PeriodicJobs are the knowledge base's scheduled jobs: embedding what lacks a vector,
// at start and then hourly (River runs them on its elected leader only). Add them to
// river.Config.PeriodicJobs.
func (s *Store) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return EmbedMissingArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
}

type embedMissingWorker struct {
	river.WorkerDefaults[EmbedMissingArgs]
	s *Store
}

func (w *embedMissingWorker) Timeout(*river.Job[EmbedMissingArgs]) time.Duration {
	return 30 * time.Minute
}

func (w *embedMissingWorker) Work(ctx context.Context, _ *river.Job[EmbedMissingArgs]) error {
	n, err := w.s.EmbedMissing(ctx, w.s.pool)
	if n > 0 {
		w.s.log.Info("knowledge: embedded chunks that had no vector", "chunks", n)
	}
	return err
}

// EmbedMissing embeds every chunk that has no vector of the store's model, a batch at a
// time, and returns how many it embedded. A chunk with no vector at all gets one at
// once; a chunk with an earlier model's vector keeps it, and the new one is staged
// beside it, until every chunk of its workspace has one: then the workspace moves to the
// new vectors in one transaction (promote), so its search never has a gap.
func (s *Store) EmbedMissing(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	if err := s.EnsureIndex(ctx, pool); err != nil {
		return 0, err
	}
	if _, err := pool.Exec(ctx, s.q.DropStaleStaged); err != nil {
		return 0, fmt.Errorf("knowledge: drop vectors staged for another model: %w", err)
	}
	total := 0
	for {
		n, more, err := s.embedBatch(ctx, pool)
		total += n
		if err != nil {
			return total, err
		}
		if !more {
			break
		}
	}
	_, err := s.promote(ctx, pool)
	return total, err
}

// embedBatch embeds one batch of chunks lacking the store's model and says whether there
// may be more.
func (s *Store) embedBatch(ctx context.Context, db database.DBTX) (int, bool, error) {
	rows, err := db.Query(ctx, s.q.ChunksToEmbed, embedBatch*8)
	if err != nil {
		return 0, false, fmt.Errorf("knowledge: chunks to embed: %w", err)
	}
	type ref struct {
		ws, id int64
		keep   bool // the chunk has an earlier model's vector
	}
	var refs []ref
	var chunks []Chunk
	var titles []string
	for rows.Next() {
		var r ref
		var c Chunk
		var title, heading string
		if err := rows.Scan(&r.ws, &r.id, &title, &c.HeadingPath, &heading, &c.Content, &r.keep); err != nil {
			rows.Close()
			return 0, false, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		if len(c.HeadingPath) == 0 && heading != "" && heading != title {
			c.HeadingPath = []string{heading}
		}
		refs, chunks, titles = append(refs, r), append(chunks, c), append(titles, title)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("knowledge: chunks to embed: %w", err)
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = chunkText(titles[i], c)
	}
	var vecs [][]float32
	for start := 0; start < len(texts); start += embedBatch {
		v, err := s.embedTexts(ctx, texts[start:min(start+embedBatch, len(texts))])
		if err != nil {
			return 0, false, err
		}
		vecs = append(vecs, v...)
	}
	for i := range chunks {
		query := s.q.SetEmbedding
		if refs[i].keep {
			query = s.q.StageEmbedding
		}
		if _, err := db.Exec(ctx, query, refs[i].ws, refs[i].id, vectorLiteral(vecs[i])); err != nil {
			return i, false, fmt.Errorf("knowledge: store embedding of chunk %d: %w", refs[i].id, err)
		}
	}
	return len(chunks), len(chunks) == embedBatch*8, nil
}
