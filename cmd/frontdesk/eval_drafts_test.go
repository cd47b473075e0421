package main

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

var draftsLastLine = regexp.MustCompile(`\nanswered: (\d+) handed_off: (\d+)\n$`)
var draftsRate = regexp.MustCompile(`(?m)^(answerable questions answered|unanswerable questions handed off): +\d+/\d+ = ([0-9.]+)$`)

// TestEvalDrafts runs the drafting evaluation through real River jobs: every question
// gets a draft, answerable ones are mostly answered, the rest mostly handed off, and
// the scratch workspace is gone afterwards.
func TestEvalDrafts(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	a, err := newApp(config.Config{SecretKey: "test-secret-key-test-secret-key-0123", MediaURL: "mem://", Workers: 4},
		slog.New(slog.DiscardHandler), pool, appOptions{workers: true})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, runDraftsEval(context.Background(), a, "testdata/retrieval/docs", "testdata/drafts/questions.jsonl", &out))
	t.Log("\n" + out.String())

	m := draftsLastLine.FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	answered, _ := strconv.Atoi(m[1])
	handedOff, _ := strconv.Atoi(m[2])
	require.Equal(t, 63, answered+handedOff, "one draft per question")
	rates := draftsRate.FindAllStringSubmatch(out.String(), -1)
	require.Len(t, rates, 2)
	for _, r := range rates {
		v, _ := strconv.ParseFloat(r[2], 64)
		require.GreaterOrEqual(t, v, 0.8, r[0])
	}

	var left int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM workspaces WHERE slug LIKE 'eval-drafts-%'").Scan(&left))
	require.Zero(t, left)
}
