package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

func TestBenchIngest(t *testing.T) {
	for _, via := range []string{"portal", "twilio"} {
		t.Run(via, func(t *testing.T) { testBenchIngest(t, via) })
	}
}

func testBenchIngest(t *testing.T, via string) {
	pool := dbtest.New(t)
	cfg := config.Config{
		DatabaseURL: pool.Config().ConnString(), Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1:0",
		LogFormat: "text", LogLevel: "warn", SecretKey: "test-secret-key-test-secret-key-0123", Workers: 4,
		SessionTTL: time.Hour, PortalLinkTTL: time.Hour, PortalTTL: time.Hour, MaxMessage: 4096, MediaURL: "mem://",
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out bytes.Buffer
	err := benchIngest(ctx, cfg, log, []string{"--via", via, "--messages", "50", "--concurrency", "4", "--contacts", "5", "--warmup", "5"}, &out)
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())
	require.Regexp(t, `frontdesk \(HTTP\)\s+\d+\s+[\d.]+ ms\s+[\d.]+ ms\s+0`, out.String())
	require.Regexp(t, `baseline \(pgx\)\s+\d+\s+[\d.]+ ms\s+[\d.]+ ms\s+0`, out.String())
	require.Regexp(t, `ratio frontdesk/baseline \(throughput\): \d+\.\d\d`, out.String())

	var workspaces, messages, jobs int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM workspaces WHERE slug LIKE 'bench-%'").Scan(&workspaces))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM messages").Scan(&messages))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'process_message'").Scan(&jobs))
	require.Zero(t, workspaces, "bench workspaces left behind")
	require.Zero(t, messages, "bench messages left behind")
	require.Zero(t, jobs, "bench jobs left behind")
}

func TestBenchIngestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--concurrency", "0"}, {"--messages", "-1"}, {"--contacts", "0"}, {"--warmup", "-5"}, {"extra"}, {"--nope"},
		{"--via", "carrier-pigeon"},
	} {
		_, err := parseBenchFlags(args)
		require.Error(t, err, args)
		if strings.HasPrefix(args[0], "--") && args[0] != "--nope" {
			require.ErrorContains(t, err, args[0], args)
		}
	}
	f, err := parseBenchFlags(nil)
	require.NoError(t, err)
	require.Equal(t, benchFlags{concurrency: 32, messages: 5000, contacts: 200, warmup: 200, via: "portal"}, f)
	_, err = parseBenchFlags([]string{"--warmup", "0"})
	require.NoError(t, err)
}

// TestBenchPipeline runs the pipeline benchmark small: every message is drafted by the
// real workers, the table and the ratio are printed, and nothing is left behind.
func TestBenchPipeline(t *testing.T) {
	pool := dbtest.New(t)
	cfg := config.Config{
		DatabaseURL: pool.Config().ConnString(), Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1:0",
		LogFormat: "text", LogLevel: "warn", SecretKey: "test-secret-key-test-secret-key-0123", Workers: 4,
		SessionTTL: time.Hour, PortalLinkTTL: time.Hour, PortalTTL: time.Hour, MaxMessage: 4096, MediaURL: "mem://",
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var out bytes.Buffer
	err := benchPipeline(ctx, cfg, log, []string{"--messages", "60", "--concurrency", "4", "--contacts", "10",
		"--docs", "testdata/retrieval/docs"}, &out)
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())
	require.Regexp(t, `classify \(offline\)\s+[\d.]+ [µm]s\s+[\d.]+ [µm]s`, out.String())
	require.Regexp(t, `ingest to stored draft:\s+\d+ msgs/s`, out.String())
	require.Regexp(t, `ratio pipeline/baseline \(throughput\): \d+\.\d\d`, out.String())

	var workspaces, jobs int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM workspaces WHERE slug LIKE 'bench-%'").Scan(&workspaces))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind IN ('process_message', 'bench_noop')").Scan(&jobs))
	require.Zero(t, workspaces, "bench workspaces left behind")
	require.Zero(t, jobs, "bench jobs left behind")

	require.ErrorIs(t, benchPipeline(ctx, cfg, log, []string{"--messages", "0"}, &out), errUsage)
}
