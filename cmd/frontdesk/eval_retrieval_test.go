package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

var lastLine = regexp.MustCompile(`\nmrr@10: ([0-9.]+) recall@5: ([0-9.]+)\n$`)

// TestEvalRetrieval runs the evaluation on the set in testdata: a guard against search
// getting worse, and proof that it leaves nothing behind.
func TestEvalRetrieval(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	a, err := newApp(config.Config{SecretKey: "test-secret-key-test-secret-key-0123", MediaURL: "mem://"}, slog.New(slog.DiscardHandler), pool, appOptions{})
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, runRetrievalEval(context.Background(), a, "testdata/retrieval/docs", "testdata/retrieval/questions.jsonl", &out))
	t.Log("\n" + out.String())
	m := lastLine.FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	mrr, _ := strconv.ParseFloat(m[1], 64)
	recall5, _ := strconv.ParseFloat(m[2], 64)
	require.GreaterOrEqual(t, mrr, 0.6)
	require.GreaterOrEqual(t, recall5, 0.8)
	require.Contains(t, out.String(), "6 documents")

	var n int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM kb_documents").Scan(&n))
	require.Zero(t, n, "the evaluation's workspace was rolled back")

	_, err = readQuestions("testdata/retrieval/README.md")
	require.Error(t, err)
}

// TestReadQuestionsNames reads the field names and the short ones, with the
// answering phrase optional, and names the line that lacks a document.
func TestReadQuestionsNames(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "q.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(`{"question": "price?", "answer_doc": "prices.md", "answer_text": "£55"}
{"question": "where?", "doc": "location.txt"}
`), 0o600))
	qs, err := readQuestions(path)
	require.NoError(t, err)
	require.Equal(t, []retrievalQuestion{
		{Question: "price?", Doc: "prices.md", Answer: "£55", AnswerDoc: "prices.md", AnswerText: "£55"},
		{Question: "where?", Doc: "location.txt"},
	}, qs)
	require.True(t, qs[1].relevant("location.txt", "anything at all"))
	require.False(t, qs[0].relevant("prices.md", "a check-up costs £60"))

	require.NoError(t, os.WriteFile(path, []byte(`{"question": "price?"}`+"\n"), 0o600))
	_, err = readQuestions(path)
	require.ErrorContains(t, err, "line 1")
}
