package tenant

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Role is the database role the application's connections switch to, when it exists
// and the login may use it. It owns the tables with the wall forced on them, so even a
// superuser login (which row-level security never restricts) is held to it.
const Role = "frontdesk_app"

// Guard sets cfg's hooks so each connection runs as Role and, on every acquire,
// carries the acquiring context's workspace in the frontdesk.workspace_id setting.
// The setting is only sent when it differs from what the connection already has.
func Guard(cfg *pgxpool.Config) {
	g := &guard{current: map[*pgx.Conn]string{}}
	afterConnect := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if afterConnect != nil {
			if err := afterConnect(ctx, conn); err != nil {
				return err
			}
		}
		return g.connect(ctx, conn)
	}
	beforeClose := cfg.BeforeClose
	cfg.BeforeClose = func(conn *pgx.Conn) {
		g.forget(conn)
		if beforeClose != nil {
			beforeClose(conn)
		}
	}
	cfg.PrepareConn = func(ctx context.Context, conn *pgx.Conn) (bool, error) {
		return g.prepare(ctx, conn)
	}
}

type guard struct {
	mu      sync.Mutex
	current map[*pgx.Conn]string
}

func (g *guard) connect(ctx context.Context, conn *pgx.Conn) error {
	// One round trip: switch to Role only where it exists and the login is a member.
	_, err := conn.Exec(ctx, `SELECT set_config('role', rolname, false) FROM pg_roles
		WHERE rolname = $1 AND pg_has_role(session_user, oid, 'MEMBER')`, Role)
	if err != nil {
		return fmt.Errorf("tenant: set role %s: %w", Role, err)
	}
	g.mu.Lock()
	g.current[conn] = ""
	g.mu.Unlock()
	return nil
}

func (g *guard) forget(conn *pgx.Conn) {
	g.mu.Lock()
	delete(g.current, conn)
	g.mu.Unlock()
}

func (g *guard) prepare(ctx context.Context, conn *pgx.Conn) (bool, error) {
	want := setting(ctx)
	g.mu.Lock()
	have, known := g.current[conn]
	g.mu.Unlock()
	if known && have == want {
		return true, nil
	}
	if _, err := conn.Exec(ctx, "SELECT set_config('frontdesk.workspace_id', $1, false)", want); err != nil {
		// The connection's setting is unknown now: drop it rather than risk a stale wall.
		return false, fmt.Errorf("tenant: set workspace: %w", err)
	}
	g.mu.Lock()
	g.current[conn] = want
	g.mu.Unlock()
	return true, nil
}
