// Package dbtest gives tests their own real PostgreSQL database, migrated once per run
// and cloned from a template per test, so tests may commit, LISTEN, and run River
// clients in parallel without seeing each other.
package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/migrations"
)

// DefaultURL is used when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/frontdesk_test?sslmode=disable"

var counter atomic.Int64 //nolint:gochecknoglobals // unique names within one test binary

// URL is the test server's URL.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

func withDB(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// templateName names the migrated template after the migrations' content, so a change
// of migrations makes a new template.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return "fdtmpl_" + hex.EncodeToString(h.Sum(nil))[:16], err
}

// ensureTemplate creates and migrates the template database once, across concurrent
// test binaries (an advisory lock serialises them).
func ensureTemplate(ctx context.Context, admin *pgx.Conn, name string) error {
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(424242)"); err != nil {
		return err
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(424242)") //nolint:errcheck // released with the connection anyway
	dropStale(ctx, admin)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	building := name + "_build"
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+building)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return err
	}
	pool, err := database.Open(ctx, withDB(URL(), building))
	if err != nil {
		return err
	}
	err = database.Migrate(ctx, pool, slog.New(slog.DiscardHandler))
	pool.Close()
	if err != nil {
		return err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name))
	return err
}

// dropStale removes what killed test runs left behind: databases of processes that are
// gone. Templates stay: another test binary, built from other migrations, may be
// cloning its own at this moment.
func dropStale(ctx context.Context, admin *pgx.Conn) {
	rows, err := admin.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'fdtest\\_%'")
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		stale := false
		var pid int
		if _, err := fmt.Sscanf(n, "fdtest_%d_", &pid); err == nil {
			_, statErr := os.Stat(fmt.Sprintf("/proc/%d", pid))
			stale = os.IsNotExist(statErr)
		}
		if stale {
			_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+n+" WITH (FORCE)")
		}
	}
}

// New returns a pool on a fresh, migrated database that is dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, URL())
	if err != nil {
		t.Fatalf("dbtest: connect to %s (run scripts/setup.sh): %v", URL(), err)
	}
	defer admin.Close(ctx)
	tmpl, err := templateName()
	if err != nil {
		t.Fatal(err)
	}
	if err := ensureTemplate(ctx, admin, tmpl); err != nil {
		t.Fatalf("dbtest: template: %v", err)
	}
	name := fmt.Sprintf("fdtest_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, counter.Add(1))
	// CREATE DATABASE ... TEMPLATE fails while another session copies the same template.
	for attempt := 0; ; attempt++ {
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl))
		if err == nil || attempt > 50 {
			break
		}
		time.Sleep(time.Duration(50+attempt*20) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	pool, err := database.Open(ctx, withDB(URL(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, URL())
		if err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return pool
}
