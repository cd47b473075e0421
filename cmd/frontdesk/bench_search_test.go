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

func TestBenchSearch(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	cfg := config.Config{DatabaseURL: pool.Config().ConnString(), LogFormat: "text", LogLevel: "warn"}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out bytes.Buffer
	err := benchSearch(ctx, cfg, log, []string{"--chunks", "1500", "--queries", "5", "--per-doc", "20", "--sweep", "40,100"}, &out)
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())
	require.Regexp(t, `ingestion \(embed \+ COPY.*\): 1500 chunks in .*: \d+ chunks/s`, out.String())
	require.Regexp(t, `exact \(no index, baseline\)\s+[\d.]+ ms\s+[\d.]+ ms\s+1\.000\s+1\.000`, out.String())
	require.Regexp(t, `HNSW, ef_search 100\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+\s+[01]\.\d{3}`, out.String())
	require.Regexp(t, `HNSW, ef_search 100, re-rank 40\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+\s+[01]\.\d{3}`, out.String())
	require.Regexp(t, `hybrid, snippets \(knowledge.Search\)\s+[\d.]+ ms`, out.String())
	require.Regexp(t, `hybrid \(knowledge.Sources, drafting\)\s+[\d.]+ ms`, out.String())

	var chunks, indexes int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM kb_chunks").Scan(&chunks))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM pg_indexes WHERE indexname = $1", benchIndex).Scan(&indexes))
	require.Zero(t, chunks, "bench chunks left behind")
	require.Zero(t, indexes, "bench index left behind")
}

func TestBenchSearchFlags(t *testing.T) {
	for _, args := range [][]string{{"--chunks", "0"}, {"--queries", "-1"}, {"--sweep", "40,x"}, {"--m", "0"}, {"--rerank", "5"}, {"--rerank", "0,x"}, {"extra"}} {
		_, err := parseBenchSearchFlags(args)
		require.Error(t, err, args)
	}
	f, err := parseBenchSearchFlags(nil)
	require.NoError(t, err)
	require.Equal(t, 100_000, f.chunks)
	require.Equal(t, []int{40, 100, 200, 400}, f.sweep)
	require.Equal(t, []int{0, 40}, f.rerank)
}

func TestMeanRecallCountsTiesAsFound(t *testing.T) {
	exact := [][]float64{{0.1, 0.2, 0.3}, {0.1, 0.2, 0.2}}
	got := [][]float64{{0.1, 0.3, 0.5}, {0.1, 0.2, 0.2}}
	require.InDelta(t, (2.0/3+1)/2, meanRecall(got, exact), 1e-9)
}
