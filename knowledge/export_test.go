package knowledge

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// StageAll embeds what EmbedMissing would, but stops before any workspace moves to the
// new vectors: the state a re-index is in while it runs.
func (s *Store) StageAll(ctx context.Context, pool *pgxpool.Pool) error {
	for {
		_, more, err := s.embedBatch(ctx, pool)
		if err != nil || !more {
			return err
		}
	}
}

// Promote moves the workspaces that are ready to the store's model.
func (s *Store) Promote(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	return s.promote(ctx, pool)
}
