package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Publisher sends events after the writes they announce have committed, batched: a
// pg_notify inside a writing transaction holds a cluster-wide lock until that commit is
// on disk, which serialises every ingest. Events are hints to reload, so one lost in a
// crash costs nothing a reconnecting browser does not recover.
type Publisher struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	ch   chan Event
}

// NewPublisher returns a publisher; Run sends what it is given.
func NewPublisher(pool *pgxpool.Pool, log *slog.Logger) *Publisher {
	return &Publisher{pool: pool, log: log, ch: make(chan Event, 4096)}
}

// Publish queues e. Call it after the transaction that made the change committed. It
// never blocks: when the queue is full the event is dropped.
func (p *Publisher) Publish(e Event) {
	if p == nil {
		return
	}
	select {
	case p.ch <- e:
	default:
		p.log.Warn("live: event queue full; dropping event", "kind", e.Kind)
	}
}

// batchWindow is how long the publisher gathers events before sending them together.
const batchWindow = 5 * time.Millisecond

// Run sends queued events until ctx ends, then sends what is left.
func (p *Publisher) Run(ctx context.Context) {
	for {
		var first Event
		select {
		case first = <-p.ch:
		case <-ctx.Done():
			p.drain()
			return
		}
		batch := []Event{first}
		timer := time.NewTimer(batchWindow)
	gather:
		for len(batch) < 1000 {
			select {
			case e := <-p.ch:
				batch = append(batch, e)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		p.send(context.WithoutCancel(ctx), batch)
	}
}

func (p *Publisher) drain() {
	var batch []Event
	for {
		select {
		case e := <-p.ch:
			batch = append(batch, e)
		default:
			if len(batch) > 0 {
				p.send(context.Background(), batch)
			}
			return
		}
	}
}

func (p *Publisher) send(ctx context.Context, batch []Event) {
	payloads := make([]string, 0, len(batch))
	for _, e := range batch {
		b, _ := json.Marshal(e) // an Event always encodes
		payloads = append(payloads, string(b))
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		// Losing a notification in a crash is harmless, so its commit need not wait for disk.
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", channel, payloads)
		return err
	})
	if err != nil {
		p.log.Warn("live: could not publish events", "count", len(batch), "error", err)
	}
}
