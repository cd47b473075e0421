// Package conversation is frontdesk's pipeline: it ingests what customers send from any
// channel into contacts, conversations and messages, drafts replies with the assistant's
// persona, applies the workspace's approval policy, and sends approved replies exactly
// once. Every step after ingest runs as a River job.
package conversation

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/sqlset"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

//go:embed queries.sql
var queriesSQL string

// Errors callers map to responses.
var (
	ErrNotFound     = errors.New("not found")
	ErrEmptyMessage = errors.New("message text is empty")
	ErrTooLong      = errors.New("message text is too long")
	ErrDecided      = errors.New("draft was already decided")
	ErrInvalid      = validation.ErrInvalid
)

// Classifier tells what a customer wants.
type Classifier interface {
	Classify(ctx context.Context, text string) (ai.Classification, error)
}

// Drafter writes a reply.
type Drafter interface {
	Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error)
}

// sourceReader is a Drafter that knows which replies it writes from the documents; the
// knowledge base is searched for the others only when their drafter is not one.
type sourceReader interface {
	ReadsSources(req ai.DraftRequest) bool
}

// Sender delivers a reply on one channel and returns the provider's message id. An
// error wrapped with channels.Permanent is not retried.
type Sender interface {
	Send(ctx context.Context, out channels.Outbound) (externalID string, err error)
}

// Fetcher downloads a file a customer sent from the provider that holds it.
type Fetcher interface {
	Fetch(ctx context.Context, accountID int64, source string) (body io.ReadCloser, contentType string, err error)
}

// RuleFirer queues the evaluation of the workspace's rules for an event, in the
// transaction that records the event.
type RuleFirer interface {
	FireTx(ctx context.Context, tx pgx.Tx, ws, conversationID int64, t rules.Trigger) error
}

// Extractor reads dates, times, a name and contact details from a message; now is in
// the workspace's timezone, region is the country of its local phone numbers.
type Extractor interface {
	Extract(ctx context.Context, text string, now time.Time, region string) (ai.Entities, error)
}

// ContextTracker fills the workspace's context fields from messages (tracking.Store).
type ContextTracker interface {
	Propose(ctx context.Context, db database.DBTX, ws int64, text string, now time.Time, region string) (tracking.Proposal, error)
	Apply(ctx context.Context, tx pgx.Tx, ws, conv int64, by tracking.Setter, values map[string]tracking.Proposed, region string) ([]string, error)
	// Facts are the conversation's filled fields by label, for the drafter.
	Facts(ctx context.Context, db database.DBTX, ws, conv int64) ([]ai.Fact, error)
}

// Transcriber turns a voice note into text.
type Transcriber interface {
	Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error)
}

// NotificationMailer queues the e-mails of a notification in the transaction that
// records it (conversation/notifymail).
type NotificationMailer interface {
	QueueTx(ctx context.Context, tx pgx.Tx, ws, notificationID int64) error
}

// Observer records how long model calls took and how sends ended (internal/metrics).
type Observer interface {
	ObserveModel(capability, provider string, took time.Duration)
	ObserveSend(channel, outcome string)
}

// Options are the Service's dependencies.
type Options struct {
	Pool       *pgxpool.Pool
	Log        *slog.Logger
	Knowledge  *knowledge.Store
	Booking    *booking.Store
	Classifier Classifier
	Drafter    Drafter
	// Extractor reads the dates a booking request asks for; nil uses the offline one.
	Extractor Extractor
	// Senders deliver replies by channel. The portal needs none: its customers read
	// replies from the database, so storing the message is the delivery.
	Senders map[channels.Kind]Sender
	// Fetchers download attachments by channel; Media stores them.
	Fetchers map[channels.Kind]Fetcher
	// SendQueue names the River queue a reply through an account is sent from, when
	// only some nodes can send it (a WhatsApp device runs on one node); "" or nil is
	// River's default queue.
	SendQueue func(ch channels.Kind, accountID int64) string
	Media     *media.Store
	// Rules run the workspace's business rules on events; nil runs none.
	Rules RuleFirer
	// Context extracts context fields from each message; nil extracts none.
	Context ContextTracker
	// Transcriber reads voice notes; nil leaves them untranscribed.
	Transcriber Transcriber
	// SendRetry spaces the retries of a failed delivery; nil uses River's default.
	SendRetry func(attempt int) time.Duration
	// Events tells open browsers what changed; nil publishes nothing.
	Events *live.Publisher
	// Metrics records model latency and send outcomes; nil records nothing.
	Metrics Observer
	// Tracer makes a span per model call and channel send; nil makes none.
	Tracer trace.Tracer
	// Mail e-mails notifications to the users who want them; nil sends none.
	Mail       NotificationMailer
	MaxMessage int
	Now        func() time.Time
}

// Service is the pipeline.
type Service struct {
	Options
	q    queries
	cq   contactQueries
	aq   assignQueries
	jobs *river.Client[pgx.Tx]
}

type queries struct {
	InsertWorkspace, GetWorkspace, GetWorkspaceBySlug, UpdateSettings                                          string
	UpsertContactByPhone, UpsertContactWithAddress, ContactByAddress, InsertContact, InsertAddress, GetMessage string
	InsertInbound, MessageByExternalID, MessageForDrafting                                                     string
	InsertDraft, FlagConversation, LockDraft, DecideDraft                                                      string
	SetDraftStatus, InsertOutbound, MarkSent, TouchConversation, ContactAddress                                string
	InsertAudit, ListConversations, GetConversation, ListMessages, ContactMessages                             string
	ListDrafts, GetDraft, LinkAddress, LockConversation, NewerDraftExists, SetFlow, FlowFromSentDraft,
	InsertNotification, ListNotifications, UnreadNotifications, MarkNotificationsRead string
	MarkNotificationRead                                                                                      string
	InsertAttachment, PendingAttachments, StoreAttachment, FailAttachment, MessageAttachments, AttachmentFile string
	UpdateDelivery                                                                                            string
	LatestConversation, InsertReminder                                                                        string
	InsertDraftAttachment, DraftAttachments, AttachDraftFiles, DraftFiles                                     string
	LockDelivery, KeepEarlyDelivery, TakeEarlyDeliveries, OutboundExists, DraftRoute                          string
	InsertRuleReply                                                                                           string
}

// New returns a Service. Register its workers, build the River client, then Attach it.
func New(opts Options) (*Service, error) {
	if opts.Pool == nil || opts.Knowledge == nil || opts.Booking == nil || opts.Classifier == nil || opts.Drafter == nil {
		return nil, errors.New("conversation: pool, knowledge, booking, classifier and drafter are required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Extractor == nil {
		opts.Extractor = ai.OfflineExtractor{}
	}
	if opts.MaxMessage == 0 {
		opts.MaxMessage = 16384
	}
	if opts.Tracer == nil {
		opts.Tracer = noop.NewTracerProvider().Tracer("")
	}
	s := &Service{Options: opts}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	var err error
	if s.aq, err = loadAssignQueries(); err != nil {
		return nil, err
	}
	if s.cq, err = loadContactQueries(); err != nil {
		return nil, err
	}
	return s, nil
}

// AddWorkers registers the pipeline's job workers.
func (s *Service) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &processWorker{s: s})
	river.AddWorker(w, &sendWorker{s: s})
	river.AddWorker(w, &fetchWorker{s: s})
	river.AddWorker(w, &reminderWorker{s: s})
}

// Attach gives the service the River client it enqueues jobs with.
func (s *Service) Attach(c *river.Client[pgx.Tx]) { s.jobs = c }

// SQL returns one of the package's named queries, so a benchmark can run the very
// statements the pipeline runs.
func SQL(name string) (string, error) {
	blocks, err := sqlset.Parse(queriesSQL)
	if err != nil {
		return "", err
	}
	q, ok := blocks[name]
	if !ok {
		return "", fmt.Errorf("conversation: no query %s", name)
	}
	return q, nil
}

func notFound(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("conversation: %s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("conversation: %s: %w", what, err)
}

// fire queues the rules for an event on a conversation, when rules are configured.
func (s *Service) fire(ctx context.Context, tx pgx.Tx, ws, conversationID int64, t rules.Trigger) error {
	if s.Rules == nil {
		return nil
	}
	return s.Rules.FireTx(ctx, tx, ws, conversationID, t)
}
