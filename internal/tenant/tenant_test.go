package tenant_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// twoWorkspaces makes workspaces A and B with one contact each.
func twoWorkspaces(t *testing.T, pool *pgxpool.Pool) (a, b, contactB int64) {
	t.Helper()
	ctx := context.Background()
	for i, slug := range []string{"wall-a", "wall-b"} {
		var ws, contact int64
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&ws))
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO contacts (workspace_id, name) VALUES ($1, $2) RETURNING id`,
			ws, "customer of "+slug).Scan(&contact))
		if i == 0 {
			a = ws
		} else {
			b, contactB = ws, contact
		}
	}
	return a, b, contactB
}

func TestTheWallKeepsAWorkspaceToItsOwnRows(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	a, b, contactB := twoWorkspaces(t, pool)
	ctx := context.Background()
	inA := tenant.With(ctx, a)

	var role string
	require.NoError(t, pool.QueryRow(ctx, "SELECT current_user").Scan(&role))
	require.Equal(t, tenant.Role, role, "the application's connections run as the role the wall holds")

	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM contacts").Scan(&n))
	require.Equal(t, 2, n, "without a workspace every row is seen")
	// A query that forgot its workspace filter still sees only A's rows.
	require.NoError(t, pool.QueryRow(inA, "SELECT count(*) FROM contacts").Scan(&n))
	require.Equal(t, 1, n)
	require.NoError(t, pool.QueryRow(inA, "SELECT count(*) FROM workspaces").Scan(&n))
	require.Equal(t, 1, n)

	tag, err := pool.Exec(inA, "UPDATE contacts SET name = 'stolen' WHERE id = $1", contactB)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "B's contact cannot be changed from A")
	tag, err = pool.Exec(inA, "DELETE FROM contacts WHERE workspace_id = $1", b)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected())
	_, err = pool.Exec(inA, "INSERT INTO contacts (workspace_id, name) VALUES ($1, 'planted')", b)
	require.ErrorContains(t, err, "row-level security", "a row cannot be written into B from A")

	// In a transaction too, and the same connection serves B right after.
	tx, err := pool.Begin(inA)
	require.NoError(t, err)
	require.NoError(t, tx.QueryRow(inA, "SELECT count(*) FROM contacts WHERE id = $1", contactB).Scan(&n))
	require.Zero(t, n)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, pool.QueryRow(tenant.With(ctx, b), "SELECT count(*) FROM contacts WHERE id = $1", contactB).Scan(&n))
	require.Equal(t, 1, n)
	var name string
	require.NoError(t, pool.QueryRow(ctx, "SELECT name FROM contacts WHERE id = $1", contactB).Scan(&name))
	require.Equal(t, "customer of wall-b", name)
}

// Every table that holds a workspace's rows must carry the wall: a migration that adds
// one calls frontdesk_wall('<table>'). The search index's tables cannot (see migration
// 00030): a policy would keep PostgreSQL from using their HNSW and GIN indexes.
func TestEveryWorkspaceTableHasTheWall(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	rows, err := pool.Query(context.Background(), `
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner),
		       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'workspace_wall')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		WHERE c.relkind IN ('r', 'p') AND c.relname NOT IN ('kb_chunks', 'kb_reindex') AND (c.relname = 'workspaces' OR EXISTS (
		      SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped))
		ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	tables := 0
	for rows.Next() {
		var name, owner string
		var enabled, forced, policy bool
		require.NoError(t, rows.Scan(&name, &enabled, &forced, &owner, &policy))
		tables++
		require.True(t, enabled && forced && policy, "%s has no forced workspace_wall policy", name)
		require.Equal(t, tenant.Role, owner, "%s", name)
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, tables, 40)
}

type countArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
}

func (countArgs) Kind() string { return "tenant_count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	pool *pgxpool.Pool
	seen chan int
}

func (w *countWorker) Work(ctx context.Context, _ *river.Job[countArgs]) error {
	var n int
	if err := w.pool.QueryRow(ctx, "SELECT count(*) FROM contacts").Scan(&n); err != nil {
		return err
	}
	w.seen <- n
	return nil
}

func TestJobsRunForTheirWorkspace(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	a, _, _ := twoWorkspaces(t, pool)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := &countWorker{pool: pool, seen: make(chan int, 2)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Workers: workers, Logger: slog.New(slog.DiscardHandler), TestOnly: true,
		Queues:     map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Middleware: []rivertype.Middleware{tenant.Jobs()},
	})
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	defer func() { _ = client.Stop(context.Background()) }()

	_, err = client.Insert(ctx, countArgs{WorkspaceID: a}, nil)
	require.NoError(t, err)
	require.Equal(t, 1, <-w.seen, "a job for workspace A sees A's rows only")
	_, err = client.Insert(ctx, countArgs{}, nil)
	require.NoError(t, err)
	require.Equal(t, 2, <-w.seen, "a job for no workspace sees every row")
}

func TestCheckSaysWhenTheWallDoesNotHold(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	role, walled, err := tenant.Check(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, tenant.Role, role)
	require.GreaterOrEqual(t, walled, 40)

	// A pool of the login itself (a superuser here) is not held.
	cfg := pool.Config()
	cfg.AfterConnect, cfg.PrepareConn, cfg.BeforeClose = nil, nil, nil
	login, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer login.Close()
	_, _, err = tenant.Check(ctx, login)
	require.ErrorContains(t, err, "which row-level security never restricts")
}
