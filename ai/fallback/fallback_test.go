package fallback_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/ai/fallback"
	"github.com/frontdesk/frontdesk/ai/openaicompat"
	"github.com/frontdesk/frontdesk/ai/openaicompat/openaitest"
)

// logBuffer collects log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type testBundle struct {
	fake   *openaitest.Fake
	client *openaicompat.Client
	logs   *logBuffer
	log    *slog.Logger
}

func setup(t *testing.T, timeout time.Duration) testBundle {
	t.Helper()
	fake := openaitest.New(t)
	logs := &logBuffer{}
	return testBundle{
		fake: fake, logs: logs, log: slog.New(slog.NewTextHandler(logs, nil)),
		client: openaicompat.New(openaicompat.Options{APIKey: openaitest.Key, BaseURL: fake.BaseURL(),
			Timeout: timeout, Retries: 2, Backoff: time.Millisecond}),
	}
}

func draftRequest() ai.DraftRequest {
	return ai.DraftRequest{
		Persona: ai.Persona{BusinessName: "Acme Dental", AssistantName: "Sunny", Personality: "friendly"},
		Message: "How much is a check-up?",
		Intent:  ai.Classification{Intent: ai.IntentPricing, Confidence: 0.8},
		Sources: []ai.Source{{Title: "Prices", Content: "A check-up costs £45."}},
		Now:     time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
	}
}

func TestDrafterFallsBack(t *testing.T) {
	t.Parallel()
	t.Run("ModelAnswers", func(t *testing.T) {
		t.Parallel()
		b := setup(t, 5*time.Second)
		b.fake.Reply("draft", `{"reply": "A check-up costs £45.", "needs_human": false, "cited_sources": [1]}`)
		d, err := fallback.Drafter{Primary: b.client.Drafter("gpt-test"), Backup: ai.OfflineDrafter{}, Log: b.log}.Draft(context.Background(), draftRequest())
		require.NoError(t, err)
		require.Equal(t, "openai:gpt-test", d.Provider)
		require.Empty(t, b.logs.String())
	})
	cases := map[string]struct {
		timeout  time.Duration
		prepare  func(f *openaitest.Fake)
		requests int
		logged   string
	}{
		"OnTimeout": {timeout: time.Second, prepare: func(f *openaitest.Fake) { f.Hang() }, requests: 1, logged: "no answer within"},
		"OnServerErrorAfterRetries": {timeout: 5 * time.Second, requests: 3, logged: "500",
			prepare: func(f *openaitest.Fake) { f.FailNext(500, 500, 500) }},
		"OnMalformedJSON": {timeout: 5 * time.Second, requests: 1, logged: "not the JSON asked for",
			prepare: func(f *openaitest.Fake) { f.Reply("draft", `{"reply": "A check-up`) }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.timeout)
			tc.prepare(b.fake)
			d, err := fallback.Drafter{Primary: b.client.Drafter("gpt-test"), Backup: ai.OfflineDrafter{}, Log: b.log}.Draft(context.Background(), draftRequest())
			require.NoError(t, err)
			require.Equal(t, ai.OfflineProviderID, d.Provider, "the draft says offline made it")
			require.Contains(t, d.Text, "£45", "the offline drafter answers from the source")
			require.Len(t, b.fake.Requests("/v1/chat/completions"), tc.requests)
			require.Contains(t, b.logs.String(), "capability=draft")
			require.Contains(t, b.logs.String(), tc.logged)
		})
	}
}

func TestClassifierFallsBack(t *testing.T) {
	t.Parallel()
	b := setup(t, 5*time.Second)
	b.fake.FailNext(503, 503, 503)
	c, err := fallback.Classifier{Primary: b.client.Classifier("gpt-test"), Backup: ai.OfflineClassifier{}, Log: b.log}.Classify(context.Background(), "what time do you open on saturday?")
	require.NoError(t, err)
	require.Equal(t, ai.OfflineProviderID, c.Provider)
	require.Equal(t, ai.IntentHours, c.Intent)
	require.Contains(t, b.logs.String(), "capability=classify")
}

func TestExtractorFallsBack(t *testing.T) {
	t.Parallel()
	b := setup(t, 5*time.Second)
	b.fake.Reply("extract", `not json`)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e, err := fallback.Extractor{Primary: b.client.Extractor("gpt-test"), Backup: ai.OfflineExtractor{}, Log: b.log}.Extract(context.Background(), "can I come tomorrow at 3pm?", now, "GB")
	require.NoError(t, err)
	require.Len(t, e.Dates, 1)
	require.Equal(t, time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC), e.Dates[0].Start)
	require.Contains(t, b.logs.String(), "capability=extract")
}

// recorder is a backup transcriber that keeps what it was given.
type recorder struct{ got []byte }

func (r *recorder) Transcribe(_ context.Context, audio io.Reader, _ string) (string, error) {
	var err error
	r.got, err = io.ReadAll(audio)
	return "offline transcript", err
}

func TestTranscriberFallsBack(t *testing.T) {
	t.Parallel()
	b := setup(t, 5*time.Second)
	b.fake.FailNext(http.StatusTooManyRequests, http.StatusTooManyRequests, http.StatusTooManyRequests)
	backup := &recorder{}
	audio := "OggS voice note bytes"
	text, err := fallback.Transcriber{Primary: b.client.Transcriber("whisper-1"), Backup: backup, Log: b.log}.Transcribe(context.Background(), strings.NewReader(audio), "audio/ogg")
	require.NoError(t, err)
	require.Equal(t, "offline transcript", text)
	require.Equal(t, []byte(audio), backup.got, "the backup reads the whole voice note the primary read")
	reqs := b.fake.Requests("/v1/audio/transcriptions")
	require.Len(t, reqs, 3)
	require.Equal(t, []byte(audio), reqs[2].File)
	require.Contains(t, b.logs.String(), "capability=transcribe")
}
