package knowledge

import (
	"context"
	"fmt"
	"time"

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
// time, and returns how many it embedded.
func (s *Store) EmbedMissing(ctx context.Context, db database.DBTX) (int, error) {
	total := 0
	for {
		rows, err := db.Query(ctx, s.q.ChunksToEmbed, embedBatch*8)
		if err != nil {
			return total, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		type ref struct{ ws, id int64 }
		var refs []ref
		var chunks []Chunk
		var titles []string
		for rows.Next() {
			var r ref
			var c Chunk
			var title, heading string
			if err := rows.Scan(&r.ws, &r.id, &title, &c.HeadingPath, &heading, &c.Content); err != nil {
				rows.Close()
				return total, fmt.Errorf("knowledge: chunks to embed: %w", err)
			}
			if len(c.HeadingPath) == 0 && heading != "" && heading != title {
				c.HeadingPath = []string{heading}
			}
			refs, chunks, titles = append(refs, r), append(chunks, c), append(titles, title)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, fmt.Errorf("knowledge: chunks to embed: %w", err)
		}
		for i := range chunks {
			vecs, err := s.embedChunks(ctx, titles[i], chunks[i:i+1], nil)
			if err != nil {
				return total, err
			}
			if _, err := db.Exec(ctx, s.q.SetEmbedding, refs[i].ws, refs[i].id, vectorLiteral(vecs[0])); err != nil {
				return total, fmt.Errorf("knowledge: store embedding of chunk %d: %w", refs[i].id, err)
			}
			total++
		}
		if len(chunks) < embedBatch*8 {
			return total, nil
		}
	}
}
