package conversation_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

// countingSender records what it was asked to deliver; fail makes it return an error.
type countingSender struct {
	sent atomic.Int64
	fail atomic.Bool
	// after runs once the provider has accepted the message (to simulate a crash).
	after func()
}

func (c *countingSender) Send(_ context.Context, out channels.Outbound) (string, error) {
	if c.fail.Load() {
		return "", errors.New("provider down")
	}
	n := c.sent.Add(1)
	if c.after != nil {
		c.after()
	}
	return "SM" + out.IdempotencyKey + "-" + string(rune('0'+n)), nil
}

type testBundle struct {
	pool   *pgxpool.Pool
	svc    *conversation.Service
	client *river.Client[pgx.Tx]
	ws     conversation.Workspace
	sms    *countingSender
}

func setup(t *testing.T, start bool) *testBundle {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	bk, err := booking.NewStore()
	require.NoError(t, err)
	sms := &countingSender{}
	svc, err := conversation.New(conversation.Options{
		Pool: pool, Log: slog.New(slog.DiscardHandler), Knowledge: kb, Booking: bk,
		Classifier: ai.OfflineClassifier{}, Drafter: ai.OfflineDrafter{},
		Senders: map[channels.Kind]conversation.Sender{channels.SMS: sms},
	})
	require.NoError(t, err)
	workers := river.NewWorkers()
	svc.AddWorkers(workers)
	cfg := &river.Config{Workers: workers, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), TestOnly: true,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	require.NoError(t, err)
	svc.Attach(client)
	if start {
		require.NoError(t, client.Start(ctx))
		t.Cleanup(func() { _ = client.Stop(context.Background()) })
	}
	ws, err := svc.CreateWorkspace(ctx, pool, "bright-smile", "Bright Smile Dental", "Europe/London", "GB")
	require.NoError(t, err)
	require.NoError(t, bk.SetHours(ctx, pool, ws.ID, []booking.Window{
		{Weekday: time.Monday, Opens: "09:00", Closes: "17:00"},
		{Weekday: time.Saturday, Opens: "09:00", Closes: "13:00"},
	}))
	_, err = kb.AddText(ctx, pool, ws.ID, "Prices", "A routine cleaning costs £65 and takes 30 minutes.\n\nWhitening starts at £250.")
	require.NoError(t, err)
	return &testBundle{pool: pool, svc: svc, client: client, ws: ws, sms: sms}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (b *testBundle) draftFor(t *testing.T, messageID int64) conversation.Draft {
	t.Helper()
	var found conversation.Draft
	t.Cleanup(func() {
		if t.Failed() {
			b.logJobErrors(t)
		}
	})
	eventually(t, "a draft", func() bool {
		drafts, err := b.svc.Drafts(context.Background(), b.pool, b.ws.ID, conversation.DraftFilter{})
		require.NoError(t, err)
		for _, d := range drafts {
			if d.MessageID == messageID {
				found = d
				return true
			}
		}
		return false
	})
	return found
}

// logJobErrors shows why jobs failed, when a test did.
func (b *testBundle) logJobErrors(t *testing.T) {
	rows, err := b.pool.Query(context.Background(), "SELECT kind, state, errors::text FROM river_job WHERE errors IS NOT NULL")
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state, errs string
		if rows.Scan(&kind, &state, &errs) == nil {
			t.Logf("job %s (%s): %s", kind, state, errs)
		}
	}
}

func (b *testBundle) countOutbound(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(),
		"SELECT count(*) FROM messages WHERE workspace_id = $1 AND direction = 'outbound'", b.ws.ID).Scan(&n))
	return n
}

func TestIngestRedeliveryIsNoOp(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	in := channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, ExternalID: "SM123", Phone: "+447700900123", Text: "Hello"}
	first, err := b.svc.Ingest(ctx, in)
	require.NoError(t, err)
	require.False(t, first.Duplicate)
	second, err := b.svc.Ingest(ctx, in)
	require.NoError(t, err)
	require.True(t, second.Duplicate)
	require.Equal(t, first.MessageID, second.MessageID)

	var messages, jobs int
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM messages").Scan(&messages))
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'process_message'").Scan(&jobs))
	require.Equal(t, 1, messages)
	require.Equal(t, 1, jobs)
}

func TestIngestRejectsBadText(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	_, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900123", Text: "  \n "})
	require.ErrorIs(t, err, conversation.ErrEmptyMessage)
	_, err = b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900123", Text: strings.Repeat("a", 1<<20)})
	require.ErrorIs(t, err, conversation.ErrTooLong)
}

func TestPipelineReviewThenSend(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()

	res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, ExternalID: "SM1",
		Phone: "+447700900123", Name: "Jane Doe", Text: "Hi, are you open on Saturday?"})
	require.NoError(t, err)
	d := b.draftFor(t, res.MessageID)
	require.Equal(t, "pending", d.Status)
	require.Equal(t, ai.IntentHours, d.Intent)
	require.Contains(t, d.Content, "open on Saturday from 09:00–13:00")
	require.Contains(t, d.Content, "Jane")
	require.Zero(t, b.countOutbound(t), "review_all must not send before approval")

	edited := "Yes Jane, Saturday 9–1. See you!"
	approved, err := b.svc.Approve(ctx, conversation.Decision{WorkspaceID: b.ws.ID, DraftID: d.ID, Content: &edited, Actor: "test"})
	require.NoError(t, err)
	require.Equal(t, "edited", approved.Status)
	eventually(t, "the reply to be sent", func() bool { return b.countOutbound(t) == 1 })
	got, err := b.svc.Draft(ctx, b.pool, b.ws.ID, d.ID)
	require.NoError(t, err)
	require.Equal(t, "sent", got.Status)
	require.EqualValues(t, 1, b.sms.sent.Load())

	_, err = b.svc.Approve(ctx, conversation.Decision{WorkspaceID: b.ws.ID, DraftID: d.ID, Actor: "test"})
	require.ErrorIs(t, err, conversation.ErrDecided)

	msgs, err := b.svc.Messages(ctx, b.pool, b.ws.ID, res.ConversationID, 0, 50)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	require.Equal(t, edited, msgs[1].Text)
}

func TestDraftFindsTheAddressForWhereAreYou(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	_, err := b.svc.Knowledge.AddText(context.Background(), b.pool, b.ws.ID, "Location", "We are at 12 Harley Row, London W1G 9PF.\n\nOur dentists trained at King's College.")
	require.NoError(t, err)
	res, err := b.svc.Ingest(context.Background(), channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS,
		Phone: "+447700900130", Text: "Where are you?"})
	require.NoError(t, err)
	d := b.draftFor(t, res.MessageID)
	require.Contains(t, d.Content, "12 Harley Row")
	require.False(t, d.NeedsHuman)
}

func TestDraftAnswersFromKnowledge(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	// A second passage on cleaning that the search also finds but the answer does not use.
	_, err := b.svc.Knowledge.AddText(context.Background(), b.pool, b.ws.ID, "Hygiene", "Deep cleaning of the gums is done by our hygienist.")
	require.NoError(t, err)
	res, err := b.svc.Ingest(context.Background(), channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS,
		Phone: "+447700900124", Text: "How much is a cleaning?"})
	require.NoError(t, err)
	d := b.draftFor(t, res.MessageID)
	require.Contains(t, d.Content, "£65")
	require.Len(t, d.Sources, 1, "only the source the reply cites is kept")
	require.Equal(t, "Prices", d.Sources[0].Title)

	res, err = b.svc.Ingest(context.Background(), channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS,
		Phone: "+447700900124", Text: "Do you treat horses?"})
	require.NoError(t, err)
	d = b.draftFor(t, res.MessageID)
	require.True(t, d.NeedsHuman, "a question the documents do not answer is handed to a person")
	require.Contains(t, d.Content, "check with the team")
}

// TestDraftShowsOnlyTheSourcesItStandsOn: a greeting is answered from the persona, not
// the documents, so its draft lists no source even when a document has its words (the
// offline drafter reads sources only for answers, and the search is skipped otherwise).
func TestDraftShowsOnlyTheSourcesItStandsOn(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()
	_, err := b.svc.Knowledge.AddText(ctx, b.pool, b.ws.ID, "Welcome", "Hello and good morning! Welcome to our practice.")
	require.NoError(t, err)
	found, err := b.svc.Knowledge.Sources(ctx, b.pool, b.ws.ID, "Hello, good morning!", 3)
	require.NoError(t, err)
	require.NotEmpty(t, found, "the greeting's words are in a document")

	res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900131", Text: "Hello, good morning!"})
	require.NoError(t, err)
	d := b.draftFor(t, res.MessageID)
	require.Equal(t, ai.IntentGreeting, d.Intent)
	require.Empty(t, d.Sources)

	res, err = b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900131", Text: "How much is a cleaning?"})
	require.NoError(t, err)
	d = b.draftFor(t, res.MessageID)
	require.Len(t, d.Sources, 1)
	require.Equal(t, "Prices", d.Sources[0].Title)
}

func TestAutoSendPolicy(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()
	ws := b.ws
	ws.ApprovalMode, ws.ApprovalThreshold, ws.AutoIntents = "auto_threshold", 0.5, []string{ai.IntentHours}
	require.NoError(t, b.svc.UpdateSettings(ctx, b.pool, ws, "test"))

	res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: ws.ID, Channel: channels.SMS, Phone: "+447700900125", Text: "When are you open on Monday?"})
	require.NoError(t, err)
	eventually(t, "auto-sent reply", func() bool { return b.countOutbound(t) == 1 })
	require.Equal(t, "sent", b.draftFor(t, res.MessageID).Status)

	res, err = b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: ws.ID, Channel: channels.SMS, Phone: "+447700900125", Text: "This is terrible, I want a refund"})
	require.NoError(t, err)
	require.Equal(t, "pending", b.draftFor(t, res.MessageID).Status, "a complaint is never auto-sent under a threshold policy")
}

func TestSendIsAtMostOnceAcrossCrash(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900126", Text: "hello"})
	require.NoError(t, err)

	// Work the process job by hand: a real worker run against the real database.
	workJobs(t, b, "process_message")
	d := b.draftFor(t, res.MessageID)
	_, err = b.svc.Approve(ctx, conversation.Decision{WorkspaceID: b.ws.ID, DraftID: d.ID, Actor: "test"})
	require.NoError(t, err)

	// The provider accepts the message, then the node dies before recording it: the
	// worker stops dead (a panic, which River recovers) and its completion never commits.
	b.sms.after = func() { panic("node killed after the provider accepted the reply") }
	workJobs(t, b, "send_reply")
	require.EqualValues(t, 1, b.sms.sent.Load())

	// After the restart the job runs again: it must not hand the reply over a second time.
	b.sms.after = nil
	workJobs(t, b, "send_reply")
	require.EqualValues(t, 1, b.sms.sent.Load(), "a reply must never be sent twice")
	got, err := b.svc.Draft(ctx, b.pool, b.ws.ID, d.ID)
	require.NoError(t, err)
	require.Equal(t, "failed", got.Status, "an unconfirmed delivery is left for a person to check")
	require.Contains(t, got.Error, "unconfirmed")
	require.Zero(t, b.countOutbound(t))
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	other, err := b.svc.CreateWorkspace(ctx, b.pool, "other-biz", "Other", "UTC", "US")
	require.NoError(t, err)
	res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900127", Text: "hello"})
	require.NoError(t, err)
	workJobs(t, b, "process_message")
	d := b.draftFor(t, res.MessageID)

	_, err = b.svc.Conversation(ctx, b.pool, other.ID, res.ConversationID)
	require.ErrorIs(t, err, conversation.ErrNotFound)
	_, err = b.svc.Messages(ctx, b.pool, other.ID, res.ConversationID, 0, 10)
	require.ErrorIs(t, err, conversation.ErrNotFound)
	_, err = b.svc.Approve(ctx, conversation.Decision{WorkspaceID: other.ID, DraftID: d.ID, Actor: "x"})
	require.ErrorIs(t, err, conversation.ErrNotFound)
	list, err := b.svc.Conversations(ctx, b.pool, other.ID, 10)
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestNewestMessageSupersedesOlderDrafts(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	in := channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900128"}
	in.Text = "hello"
	first, err := b.svc.Ingest(ctx, in)
	require.NoError(t, err)
	in.Text = "are you open on Monday?"
	second, err := b.svc.Ingest(ctx, in)
	require.NoError(t, err)
	require.Equal(t, first.ConversationID, second.ConversationID)

	// Both jobs run at once; whichever order they commit in, only the newest draft waits.
	workJobs(t, b, "process_message")
	require.Equal(t, "superseded", b.draftFor(t, first.MessageID).Status)
	require.Equal(t, "pending", b.draftFor(t, second.MessageID).Status)
}

func TestBookingRequestIsOfferedRealFreeSlots(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()
	bk, err := booking.NewStore()
	require.NoError(t, err)
	for _, sv := range []booking.Service{
		{Name: "Cleaning", DurationMinutes: 30, Active: true},
		{Name: "Whitening", DurationMinutes: 60, Active: true},
	} {
		_, err := bk.CreateService(ctx, b.pool, b.ws.ID, sv)
		require.NoError(t, err)
	}
	ask := func(text string) conversation.Draft {
		res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900129", Text: text})
		require.NoError(t, err)
		return b.draftFor(t, res.MessageID)
	}

	t.Run("SlotsInTheAskedSpan", func(t *testing.T) {
		d := ask("Can I book a cleaning next Monday afternoon?")
		require.Equal(t, ai.IntentBook, d.Intent)
		require.False(t, d.NeedsHuman)
		// Monday opens 09:00–17:00; the afternoon is 12:00–17:00, offered an hour apart.
		require.Regexp(t, `1\) Mon \d+ \w+ 12:00, 2\) 13:00, 3\) 14:00, 4\) 15:00, 5\) 16:00\.`, d.Content)
		require.NotContains(t, d.Content, "Anything else", "a reply that asks ends with the question")
		require.Contains(t, d.Content, "for cleaning next monday afternoon")
	})
	t.Run("ClosedDayOffersTheNextFreeTimes", func(t *testing.T) {
		d := ask("I'd like to book a whitening on Sunday")
		require.Contains(t, d.Content, "nothing free for whitening")
		require.Regexp(t, `1\) Mon \d+ \w+ 09:00`, d.Content, "Monday is the next open day")
	})
	t.Run("AsksWhichServiceWhenSeveral", func(t *testing.T) {
		d := ask("Can I book an appointment for Saturday?")
		require.Contains(t, d.Content, "Which would you like: Cleaning or Whitening?")
	})
}

func TestPickingAnOfferedTimeBooksIt(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	ctx := context.Background()
	bk, err := booking.NewStore()
	require.NoError(t, err)
	_, err = bk.CreateService(ctx, b.pool, b.ws.ID, booking.Service{Name: "Cleaning", DurationMinutes: 30, Active: true})
	require.NoError(t, err)

	// say sends a customer's message and returns the draft answering it, approved and sent.
	say := func(phone, text string) conversation.Draft {
		t.Helper()
		res, err := b.svc.Ingest(ctx, channels.Inbound{WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: phone, Text: text})
		require.NoError(t, err)
		d := b.draftFor(t, res.MessageID)
		_, err = b.svc.Approve(ctx, conversation.Decision{WorkspaceID: b.ws.ID, DraftID: d.ID, Actor: "test"})
		require.NoError(t, err)
		eventually(t, "the reply to be sent", func() bool {
			got, err := b.svc.Draft(ctx, b.pool, b.ws.ID, d.ID)
			require.NoError(t, err)
			return got.Status == "sent"
		})
		return d
	}
	appointments := func() int {
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM appointments WHERE workspace_id = $1 AND status = 'booked'", b.ws.ID).Scan(&n))
		return n
	}

	// Two customers are offered the same afternoon.
	offerA := say("+447700900131", "Can I book a cleaning next Monday afternoon?")
	require.Contains(t, offerA.Content, "2) 13:00")
	offerB := say("+447700900132", "Can I book a cleaning next Monday afternoon?")
	require.Contains(t, offerB.Content, "2) 13:00")

	booked := say("+447700900131", "2 please")
	require.Regexp(t, `You're booked for cleaning on Monday \d+ \w+ at 13:00`, booked.Content)
	require.Equal(t, 1, appointments())

	// River completes a draft job after its transaction: a node that dies in between
	// leaves the job to run again. The rerun books, drafts and notifies nothing more.
	count := func(sql string, args ...any) int {
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	notes := count("SELECT count(*) FROM notifications WHERE workspace_id = $1", b.ws.ID)
	var job int64
	require.NoError(t, b.pool.QueryRow(ctx, `UPDATE river_job SET state = 'available', finalized_at = NULL, scheduled_at = now()
		WHERE kind = 'process_message' AND (args->>'message_id')::bigint = $1 RETURNING id`, booked.MessageID).Scan(&job))
	eventually(t, "the job to run again", func() bool {
		return count("SELECT count(*) FROM river_job WHERE id = $1 AND state = 'completed'", job) == 1
	})
	require.Equal(t, 1, appointments())
	require.Equal(t, 1, count("SELECT count(*) FROM drafts WHERE workspace_id = $1 AND message_id = $2", b.ws.ID, booked.MessageID))
	require.Equal(t, notes, count("SELECT count(*) FROM notifications WHERE workspace_id = $1", b.ws.ID))

	// Saying "2" again is no longer a pick: the offer was used up.
	again := say("+447700900131", "2")
	require.NotContains(t, again.Content, "booked")
	require.Equal(t, 1, appointments())

	// B picks the time A just took: told so, and offered the next free times instead.
	taken := say("+447700900132", "the 13:00 one")
	require.Contains(t, taken.Content, "that time was just taken")
	// A 30-minute cleaning at 13:00 holds the time until 13:30, the next free start.
	require.Regexp(t, `1\) Mon \d+ \w+ 13:30, 2\) 14:30`, taken.Content)
	require.Equal(t, 1, appointments())
	late := say("+447700900132", "1")
	require.Regexp(t, `booked for cleaning on Monday \d+ \w+ at 13:30`, late.Content)
	require.Equal(t, 2, appointments())

	// B cancels: asked to confirm first, then cancelled on yes.
	question := say("+447700900132", "Something came up, please cancel my appointment")
	require.Regexp(t, `Would you like me to cancel your cleaning on Monday \d+ \w+ at 13:30\? Reply yes`, question.Content)
	require.Equal(t, 2, appointments(), "nothing is cancelled before the customer confirms")
	done := say("+447700900132", "yes")
	require.Contains(t, done.Content, "is cancelled")
	require.Equal(t, 1, appointments())

	// A moves it: offered times on the day asked for, and the pick moves the appointment.
	move := say("+447700900131", "I need to reschedule my appointment to next Saturday morning")
	require.Regexp(t, `I can move your cleaning from Monday \d+ \w+ at 13:00 to one of these times: 1\) Sat \d+ \w+ 09:00, 2\) 10:00`, move.Content)
	moved := say("+447700900131", "2")
	require.Regexp(t, `your cleaning is moved to Saturday \d+ \w+ at 10:00`, moved.Content)
	require.Equal(t, 1, appointments(), "moved, not booked twice")
	var hour int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT extract(hour FROM lower(during) AT TIME ZONE 'Europe/London')::int
		FROM appointments WHERE workspace_id = $1 AND status = 'booked'`, b.ws.ID).Scan(&hour))
	require.Equal(t, 10, hour)

	// Someone with no appointment is handed to a person.
	none := say("+447700900133", "cancel my appointment please")
	require.True(t, none.NeedsHuman)
	require.Contains(t, none.Content, "can't find an upcoming appointment")
	require.Equal(t, 1, appointments())
}
