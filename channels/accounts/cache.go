package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/database"
)

// cacheTTL bounds how long a webhook may act on an account after it changed on another
// node (removed, token replaced). Every provider message needs its account, and a
// round trip plus a decryption per message is the webhook path's largest cost.
const cacheTTL = 10 * time.Second

// maxCached bounds memory; past it the cache starts over.
const maxCached = 10000

type cached struct {
	a     Account
	c     Credentials
	until time.Time
}

type cache struct {
	mu sync.Mutex
	m  map[int64]cached
}

// Cached is Lookup, remembered for a few seconds.
func (s *Store) Cached(ctx context.Context, db database.DBTX, id int64) (Account, Credentials, error) {
	now := time.Now()
	s.cache.mu.Lock()
	e, ok := s.cache.m[id]
	s.cache.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.a, e.c, nil
	}
	a, c, err := s.Lookup(ctx, db, id)
	if err != nil {
		return a, c, err
	}
	s.cache.mu.Lock()
	if s.cache.m == nil || len(s.cache.m) >= maxCached {
		s.cache.m = map[int64]cached{}
	}
	s.cache.m[id] = cached{a: a, c: c, until: now.Add(cacheTTL)}
	s.cache.mu.Unlock()
	return a, c, nil
}

// forget drops an account this node changed.
func (s *Store) forget(id int64) {
	s.cache.mu.Lock()
	delete(s.cache.m, id)
	s.cache.mu.Unlock()
}
