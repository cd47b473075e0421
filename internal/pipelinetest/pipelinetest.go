// Package pipelinetest builds the real conversation pipeline for a channel's tests: a
// fresh PostgreSQL database, the conversation service with its River workers running,
// a media store in a temporary directory, and an account store.
package pipelinetest

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

// Pipeline is a running pipeline and what a test needs to drive it.
type Pipeline struct {
	Pool      *pgxpool.Pool
	Conv      *conversation.Service
	Accounts  *accounts.Store
	Media     *media.Store
	Rules     *rules.Engine
	Context   *tracking.Store
	Jobs      *river.Client[pgx.Tx]
	Workspace conversation.Workspace
}

// Options are set before the workers start.
type Options struct {
	Senders     map[channels.Kind]conversation.Sender
	Fetchers    map[channels.Kind]conversation.Fetcher
	Transcriber conversation.Transcriber
	// SendQueue routes replies to per-account River queues (conversation.Options).
	SendQueue func(channels.Kind, int64) string
	// Classifier, Drafter and Extractor replace the offline models when set.
	Classifier conversation.Classifier
	Drafter    conversation.Drafter
	Extractor  conversation.Extractor
	// FieldAI extracts context fields with a model when set.
	FieldAI tracking.FieldExtractor
	// Embedder replaces the knowledge base's offline embedder when set.
	Embedder knowledge.Embedder
	// Mail e-mails notifications when set (its workers run with the pipeline's).
	Mail *notifymail.Mailer
}

// Key is the FRONTDESK_SECRET_KEY the tests seal credentials with.
const Key = "pipelinetest-secret-key-0123456789abcdef"

// New builds the pipeline in a new database with one workspace ("acme", auto_all:
// every draft is sent without review, so a test sees replies go out). configure runs
// before the workers start, with the pipeline's stores ready, to fill in opts.
func New(t testing.TB, configure func(p *Pipeline, opts *Options)) *Pipeline {
	t.Helper()
	ctx := context.Background()
	p := &Pipeline{Pool: dbtest.New(t)}
	box, err := secret.NewBox([]byte(Key))
	require.NoError(t, err)
	p.Accounts, err = accounts.NewStore(box)
	require.NoError(t, err)
	p.Media, err = media.Open(ctx, "file://"+t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Media.Close() })
	var opts Options
	if configure != nil {
		configure(p, &opts)
	}
	if opts.Classifier == nil {
		opts.Classifier = ai.OfflineClassifier{}
	}
	if opts.Drafter == nil {
		opts.Drafter = ai.OfflineDrafter{}
	}
	kb, err := knowledge.New(knowledge.Options{Embedder: opts.Embedder})
	require.NoError(t, err)
	bk, err := booking.NewStore()
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p.Rules, err = rules.New(p.Pool, log)
	require.NoError(t, err)
	p.Context, err = tracking.New(tracking.Options{Log: log, Rules: p.Rules, AI: opts.FieldAI})
	require.NoError(t, err)
	p.Conv, err = conversation.New(conversation.Options{
		Rules: p.Rules, Context: p.Context,
		Pool: p.Pool, Log: log, Knowledge: kb, Booking: bk,
		Classifier: opts.Classifier, Drafter: opts.Drafter, Extractor: opts.Extractor,
		Senders: opts.Senders, Fetchers: opts.Fetchers, Media: p.Media, Transcriber: opts.Transcriber,
		SendQueue: opts.SendQueue,
		SendRetry: func(int) time.Duration { return 50 * time.Millisecond },
	})
	if opts.Mail != nil {
		p.Conv.Mail, p.Rules.Mail = opts.Mail, opts.Mail
	}
	require.NoError(t, err)
	workers := river.NewWorkers()
	p.Conv.AddWorkers(workers)
	p.Rules.AddWorkers(workers)
	if opts.Mail != nil {
		opts.Mail.AddWorkers(workers)
	}
	p.Rules.Replies = p.Conv
	bk.OnChange(p.Conv) // reminders and appointment rules, as in the app
	p.Rules.Fields = p.Context
	p.Jobs, err = river.NewClient(riverpgxv5.New(p.Pool), &river.Config{
		Workers: workers, Logger: log, TestOnly: true,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues:     map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Middleware: []rivertype.Middleware{tenant.Jobs()},
	})
	require.NoError(t, err)
	p.Conv.Attach(p.Jobs)
	p.Rules.Attach(p.Jobs)
	if opts.Mail != nil {
		opts.Mail.Attach(p.Jobs)
	}
	p.Workspace, err = p.Conv.CreateWorkspace(ctx, p.Pool, "acme", "Acme Dental", "Europe/London", "GB")
	require.NoError(t, err)
	_, err = p.Pool.Exec(ctx, `UPDATE workspaces SET approval_mode = 'auto_all' WHERE id = $1`, p.Workspace.ID)
	require.NoError(t, err)
	require.NoError(t, p.Jobs.Start(ctx))
	t.Cleanup(func() { _ = p.Jobs.Stop(context.Background()) })
	return p
}

// Eventually polls cond until it holds or ten seconds pass.
func Eventually(t testing.TB, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, 25*time.Millisecond, msg)
}

// Count runs a count(*) query.
func (p *Pipeline) Count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, p.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// Idle waits until no job is waiting or running.
func (p *Pipeline) Idle(t testing.TB) {
	t.Helper()
	Eventually(t, func() bool {
		return p.Count(t, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`) == 0
	}, "the jobs finish")
}

// Background runs loop (a channel's Poll or Run) until the returned stop is called or
// the test ends; stop waits for loop to return, and fails the test if it does not.
func Background(t testing.TB, name string, loop func(ctx context.Context)) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		loop(ctx)
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal(name + " did not return after its context ended")
		}
	}
	t.Cleanup(stop)
	return stop
}
