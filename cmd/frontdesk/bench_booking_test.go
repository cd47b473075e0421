package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

// bench booking runs on a database of its own, records its figures for the summary of
// `frontdesk bench`, finds no double booking and leaves nothing behind.
func TestBenchBooking(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	cfg := config.Config{
		DatabaseURL: pool.Config().ConnString(), Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1:0",
		LogFormat: "text", LogLevel: "warn", SecretKey: "test-secret-key-test-secret-key-0123", Workers: 4,
		SessionTTL: time.Hour, PortalLinkTTL: time.Hour, PortalTTL: time.Hour, MaxMessage: 4096, MediaURL: "mem://",
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var buf bytes.Buffer
	out := &benchTable{Writer: &buf}
	require.NoError(t, benchBooking(ctx, cfg, log, []string{"--searches", "5", "--racers", "6", "--slots", "3"}, out), buf.String())
	t.Log("\n" + buf.String())
	require.Contains(t, buf.String(), "(12 won of 18 tried)", "three starts, four staff each")
	require.Contains(t, buf.String(), "double bookings: 0")
	require.Len(t, out.rows, 4)
	require.Equal(t, "booking: double bookings", out.rows[3].name)
	require.Zero(t, out.rows[3].figure)
	require.Positive(t, out.rows[0].figure)
	require.Positive(t, out.rows[1].figure, "the search with nothing cached")

	var workspaces int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM workspaces WHERE slug LIKE 'bench-%'").Scan(&workspaces))
	require.Zero(t, workspaces, "bench workspaces left behind")
	require.ErrorIs(t, benchBooking(ctx, cfg, log, []string{"--racers", "0"}, out), errUsage)
}

func TestVmHWM(t *testing.T) {
	t.Parallel()
	mb, err := vmHWM("/proc/self/status")
	require.NoError(t, err)
	require.Greater(t, mb, 1.0)
	_, err = vmHWM("/proc/self/cmdline")
	require.Error(t, err)
}
