package conversation

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/live"
)

// announce collects the live events a transaction's changes call for.
type announce []live.Event

func (a *announce) add(e live.Event) { *a = append(*a, e) }

// inTx runs fn in a transaction and, once it has committed, publishes the events fn
// announced: browsers are told only of changes they can read.
func (s *Service) inTx(ctx context.Context, fn func(tx pgx.Tx, ev *announce) error) error {
	var ev announce
	if err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		ev = ev[:0]
		return fn(tx, &ev)
	}); err != nil {
		return err
	}
	for _, e := range ev {
		s.Events.Publish(e)
	}
	return nil
}
