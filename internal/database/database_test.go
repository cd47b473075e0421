package database_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

// emptyDatabase creates a database with nothing in it, dropped when the test ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dbtest.URL())
	require.NoError(t, err)
	defer admin.Close(ctx)
	name := fmt.Sprintf("fdtest_empty_%d", time.Now().UnixNano())
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dbtest.URL())
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	cfg, err := pgx.ParseConfig(dbtest.URL())
	require.NoError(t, err)
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := database.Open(ctx, emptyDatabase(t))
	require.NoError(t, err)
	defer pool.Close()
	log := slog.New(slog.DiscardHandler)

	require.ErrorIs(t, database.CheckSchema(ctx, pool), database.ErrSchemaBehind, "a new database is behind")
	require.NoError(t, database.Migrate(ctx, pool, log))
	require.NoError(t, database.CheckSchema(ctx, pool))
	require.NoError(t, database.Migrate(ctx, pool, log), "migrating again is a no-op")

	var tables int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('workspaces', 'messages', 'drafts', 'river_job')`).Scan(&tables))
	require.Equal(t, 4, tables)
}

func TestOpenFailsClearly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := database.Open(ctx, "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2")
	require.ErrorContains(t, err, "database:")
}
