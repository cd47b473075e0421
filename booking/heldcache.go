package booking

import (
	"slices"
	"sync"
	"time"
)

// heldCacheSize bounds the resources whose held time a store keeps; past it the cache
// starts again empty (a search then costs what it would without one).
const heldCacheSize = 4096

// heldCache keeps the held time last read for each resource, tagged with the resource's
// held_version at the time (migration 00032: every change to the resource's booked
// time gives it a new version, never reused). A search sends the versions it holds and
// PostgreSQL returns held time only for the resources whose version moved, reading the
// version and the rows in one snapshot, so what the cache answers is what a read would.
// Every node keeps its own; none needs telling about another's bookings.
type heldCache struct {
	mu      sync.Mutex
	n       int
	entries map[int64]map[int64]heldEntry // by workspace, then resource
}

// heldEntry is a resource's held time over [from, to) at one version. busy is never
// written after it is stored: it is clipped so appending to it copies.
type heldEntry struct {
	version  int64
	from, to time.Time
	busy     []Interval
}

// valid returns, for the resources of workspace ws whose held time over [from, to) the
// cache holds, their ids and versions (the arguments LoadHeld takes) and the entries.
func (h *heldCache) valid(ws int64, from, to time.Time) (ids, versions []int64, entries map[int64]heldEntry) {
	if h == nil {
		return nil, nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for res, e := range h.entries[ws] {
		if e.from.After(from) || e.to.Before(to) {
			continue
		}
		if entries == nil {
			entries = make(map[int64]heldEntry)
		}
		ids, versions = append(ids, res), append(versions, e.version)
		entries[res] = e
	}
	return ids, versions, entries
}

// put stores what was read of a resource at version.
func (h *heldCache) put(ws, resource, version int64, from, to time.Time, busy []Interval) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.entries == nil || h.n >= heldCacheSize {
		h.entries, h.n = make(map[int64]map[int64]heldEntry), 0
	}
	byRes := h.entries[ws]
	if byRes == nil {
		byRes = make(map[int64]heldEntry)
		h.entries[ws] = byRes
	}
	if _, ok := byRes[resource]; !ok {
		h.n++
	}
	byRes[resource] = heldEntry{version: version, from: from, to: to, busy: slices.Clip(busy)}
}
