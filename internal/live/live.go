// Package live carries "something changed" events to every open browser, on every node:
// a Publisher sends them with pg_notify once the change has committed, and each node's
// Hub LISTENs and fans them out to its subscribers.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

const channel = "frontdesk_live"

// Event says what changed; subscribers reload what they show.
type Event struct {
	WorkspaceID    int64  `json:"workspace_id"`
	Kind           string `json:"kind"`
	ConversationID int64  `json:"conversation_id,omitempty"`
	ContactID      int64  `json:"contact_id,omitempty"`
	DraftID        int64  `json:"draft_id,omitempty"`
	DocumentID     int64  `json:"document_id,omitempty"`
}

// Hub listens on one connection and fans events out to local subscribers.
type Hub struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscription receives the events of one workspace.
type Subscription struct {
	WorkspaceID int64
	C           chan Event
}

// NewHub returns a hub; Run starts listening.
func NewHub(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	return &Hub{pool: pool, log: log, subs: map[*Subscription]struct{}{}}
}

// Subscribe returns a subscription to a workspace's events; call Unsubscribe when done.
func (h *Hub) Subscribe(workspaceID int64) *Subscription {
	s := &Subscription{WorkspaceID: workspaceID, C: make(chan Event, 64)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Unsubscribe stops delivery to s.
func (h *Hub) Unsubscribe(s *Subscription) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

func (h *Hub) dispatch(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.WorkspaceID != e.WorkspaceID {
			continue
		}
		select {
		case s.C <- e:
		default: // a slow browser misses an event; it reloads on the next one
		}
	}
}

// Run listens until ctx ends, reconnecting after failures.
func (h *Hub) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := h.listen(ctx); err != nil && ctx.Err() == nil {
			h.log.Warn("live: listener stopped; reconnecting", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (h *Hub) listen(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	defer func() {
		// The connection goes back to the pool: stop listening on it first.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
	}()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			h.log.Warn("live: bad event", "payload", n.Payload, "error", err)
			continue
		}
		h.dispatch(e)
	}
}
