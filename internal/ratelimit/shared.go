package ratelimit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed shared.sql
var sharedSQL string

// Shared is a limiter kept in PostgreSQL, so every node draws on one allowance per key:
// a burst, then one action per interval (the generic cell rate algorithm: one timestamp
// per key, moved on atomically by a single statement).
type Shared struct {
	db    database.DBTX
	every time.Duration
	burst int
	q     struct{ Take, Wait string }
}

// NewShared returns a limiter on db allowing burst actions at once, then one every interval.
func NewShared(db database.DBTX, every time.Duration, burst int) (*Shared, error) {
	s := &Shared{db: db, every: every, burst: max(burst, 1)}
	if err := sqlset.Load(&s.q, sharedSQL); err != nil {
		return nil, fmt.Errorf("ratelimit: %w", err)
	}
	return s, nil
}

// Allow reports whether key may act now, and if not, how long to wait.
func (s *Shared) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	every := s.every.Microseconds()
	var ok bool
	err := s.db.QueryRow(ctx, s.q.Take, key, every, s.burst).Scan(&ok)
	if err == nil {
		return true, 0, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, 0, fmt.Errorf("ratelimit: take %s: %w", key, err)
	}
	var secs float64
	if err := s.db.QueryRow(ctx, s.q.Wait, key, every, s.burst).Scan(&secs); err != nil {
		return false, 0, fmt.Errorf("ratelimit: wait for %s: %w", key, err)
	}
	return false, max(time.Duration(secs*float64(time.Second)), time.Millisecond), nil
}
