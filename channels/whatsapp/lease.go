package whatsapp

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// upgradeKey is the advisory lock that serialises nodes upgrading whatsmeow's tables.
const upgradeKey int64 = 0x77686174736d656f // "whatsmeo"

// leaseKey is the advisory lock of an account's device. Hashing a prefixed name keeps
// it apart from other users of advisory locks in the database.
func leaseKey(accountID int64) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("frontdesk/whatsapp/" + strconv.FormatInt(accountID, 10)))
	return int64(h.Sum64())
}

// leases are the devices this node may run: one session advisory lock per account,
// all held on one connection taken out of the pool. When the node dies, PostgreSQL
// drops the connection and its locks, and another node's Run takes the devices.
type leases struct {
	pool *pgxpool.Pool
	q    queries

	mu   sync.Mutex
	conn *pgx.Conn
	held map[int64]bool
	// lost is closed when conn is found dead: every lease on it is gone.
	lost chan struct{}
}

// acquire tries to take account id's lease. ok is false when another node, or another
// part of this one, holds it. lost closes if the lease is lost later.
func (l *leases) acquire(ctx context.Context, id int64) (lost <-chan struct{}, ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[id] {
		return nil, false, nil
	}
	if l.conn == nil {
		pc, err := l.pool.Acquire(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("whatsapp: connect for device locks: %w", err)
		}
		// Out of the pool: a connection holding locks must never serve anyone else.
		l.conn, l.lost = pc.Hijack(), make(chan struct{})
	}
	// Not the caller's context alone: a query cut short by it would kill the connection,
	// and with it every other device's lock.
	qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var got bool
	if err := l.conn.QueryRow(qctx, l.q.TryLock, leaseKey(id)).Scan(&got); err != nil {
		l.dropLocked()
		return nil, false, fmt.Errorf("whatsapp: lock the device of account %d: %w", id, err)
	}
	if got {
		l.held[id] = true
	}
	return l.lost, got, nil
}

// release lets go of account id's lease. Call it only once the device is disconnected.
// The connection stays open for the next lease: closing it would free the lock only
// once the server notices, too late for a Pair that follows at once.
func (l *leases) release(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held[id] {
		return
	}
	delete(l.held, id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, l.q.Unlock, leaseKey(id)); err != nil {
		// A lock that cannot be released must not outlive this: give up all of them.
		l.dropLocked()
	}
}

// check makes sure the connection holding the leases still lives. When it does not,
// PostgreSQL has already given the locks up, so every device on them must stop.
func (l *leases) check() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return
	}
	// Not the caller's context: a ping cut short by shutdown would kill the connection.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.conn.Ping(ctx); err != nil {
		l.dropLocked()
	}
}

func (l *leases) dropLocked() {
	close(l.lost)
	_ = l.conn.Close(context.Background())
	l.conn, l.lost = nil, nil
	l.held = map[int64]bool{}
}
