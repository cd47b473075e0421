package conversation_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

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

// reminderBundle is a pipeline whose booking store schedules reminders, at a fixed
// time: Monday 7 December 2026, 08:00 in London (UTC in winter).
type reminderBundle struct {
	*testBundle
	bk        *booking.Store
	serviceID int64
	contactID int64
	convID    int64
}

var reminderNow = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // a test's fixed clock

func setupReminders(t *testing.T) *reminderBundle {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	bk, err := booking.NewStore()
	require.NoError(t, err)
	clock := func() time.Time { return reminderNow }
	bk = bk.WithClock(clock)
	sms := &countingSender{}
	svc, err := conversation.New(conversation.Options{
		Pool: pool, Log: slog.New(slog.DiscardHandler), Knowledge: kb, Booking: bk, Now: clock,
		Classifier: ai.OfflineClassifier{}, Drafter: ai.OfflineDrafter{},
		Senders: map[channels.Kind]conversation.Sender{channels.SMS: sms},
	})
	require.NoError(t, err)
	bk.OnChange(svc)
	workers := river.NewWorkers()
	svc.AddWorkers(workers)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Workers: workers, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), TestOnly: true,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
	})
	require.NoError(t, err)
	svc.Attach(client)
	ws, err := svc.CreateWorkspace(ctx, pool, "reminders", "Bright Smile Dental", "Europe/London", "GB")
	require.NoError(t, err)
	require.NoError(t, bk.SetHours(ctx, pool, ws.ID, []booking.Window{{Weekday: time.Monday, Opens: "09:00", Closes: "17:00"}}))
	sv, err := bk.CreateService(ctx, pool, ws.ID, booking.Service{Name: "Check-up", DurationMinutes: 30})
	require.NoError(t, err)
	b := &reminderBundle{testBundle: &testBundle{pool: pool, svc: svc, client: client, ws: ws, sms: sms}, bk: bk, serviceID: sv.ID}
	in, err := svc.Ingest(ctx, channels.Inbound{WorkspaceID: ws.ID, Channel: channels.SMS, Phone: "+447700900123", Name: "Jane Doe", Text: "hello"})
	require.NoError(t, err)
	b.contactID, b.convID = in.ContactID, in.ConversationID
	workJobs(t, b.testBundle, "process_message")
	return b
}

func (b *reminderBundle) book(t *testing.T, start time.Time) booking.Appointment {
	t.Helper()
	a, err := b.bk.Book(context.Background(), b.pool, booking.BookRequest{
		WorkspaceID: b.ws.ID, ServiceID: b.serviceID, ContactID: b.contactID, Start: start,
		Location: b.ws.Location(), ConversationID: b.convID,
	})
	require.NoError(t, err)
	return a
}

// reminders returns the reminder jobs waiting, by when they are due.
func (b *reminderBundle) reminders(t *testing.T) []time.Time {
	t.Helper()
	rows, err := b.pool.Query(context.Background(),
		`SELECT scheduled_at FROM river_job WHERE kind = 'appointment_reminder' AND state = 'scheduled' ORDER BY scheduled_at`)
	require.NoError(t, err)
	var out []time.Time
	for rows.Next() {
		var at time.Time
		require.NoError(t, rows.Scan(&at))
		out = append(out, at.UTC())
	}
	require.NoError(t, rows.Err())
	return out
}

// sentReminders lists the reminder texts stored as sent in the customer's conversation.
func (b *reminderBundle) sentReminders(t *testing.T) []string {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `
		SELECT m.text FROM messages m JOIN drafts d ON d.workspace_id = m.workspace_id AND d.id = m.draft_id
		WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction = 'outbound' AND d.reminder_key IS NOT NULL
		ORDER BY m.id`, b.ws.ID, b.convID)
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestReminders(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 14, 10, 0, 0, 0, time.UTC)

	t.Run("FireExactlyOnce", func(t *testing.T) {
		t.Parallel()
		b := setupReminders(t)
		b.book(t, start)
		require.Equal(t, []time.Time{start.Add(-24 * time.Hour), start.Add(-time.Hour)}, b.reminders(t),
			"a day and an hour before, by default")

		workJobs(t, b.testBundle, "appointment_reminder")
		b.sendPending(t)
		require.EqualValues(t, 2, b.sms.sent.Load(), "each reminder is handed to the channel once")
		sent := b.sentReminders(t)
		require.Len(t, sent, 2)
		require.Contains(t, sent[0], "Check-up on Monday 14 December at 10:00")
		require.Contains(t, sent[0], "Hi Jane")

		// A reminder run again (a retry after a crash) finds its message already there.
		_, err := b.pool.Exec(context.Background(),
			`UPDATE river_job SET state = 'available', finalized_at = NULL, scheduled_at = now() WHERE kind = 'appointment_reminder'`)
		require.NoError(t, err)
		workJobs(t, b.testBundle, "appointment_reminder")
		require.Zero(t, b.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_reply' AND state <> 'completed'`))
		require.Len(t, b.sentReminders(t), 2, "no second message")
		require.EqualValues(t, 2, b.sms.sent.Load(), "nothing sent twice")
	})

	t.Run("RescheduledOldOnesDoNotFire", func(t *testing.T) {
		t.Parallel()
		b := setupReminders(t)
		a := b.book(t, start)
		later := start.Add(3 * time.Hour)
		_, err := b.bk.Reschedule(context.Background(), b.pool, b.ws.ID, a.ID, b.ws.Location(), later)
		require.NoError(t, err)
		require.Len(t, b.reminders(t), 4, "the new time's reminders are scheduled beside the old ones")

		workJobs(t, b.testBundle, "appointment_reminder")
		b.sendPending(t)
		sent := b.sentReminders(t)
		require.Len(t, sent, 2, "only the new time's reminders go out")
		for _, s := range sent {
			require.Contains(t, s, "at 13:00")
		}
		require.EqualValues(t, 2, b.sms.sent.Load())
	})

	t.Run("CancelledDoNotFire", func(t *testing.T) {
		t.Parallel()
		b := setupReminders(t)
		a := b.book(t, start)
		_, err := b.bk.Cancel(context.Background(), b.pool, b.ws.ID, a.ID)
		require.NoError(t, err)
		workJobs(t, b.testBundle, "appointment_reminder")
		require.Empty(t, b.sentReminders(t))
		require.Zero(t, b.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_reply'`))
		require.Zero(t, b.sms.sent.Load())
	})

	t.Run("ReplyContinuesTheConversation", func(t *testing.T) {
		t.Parallel()
		b := setupReminders(t)
		b.book(t, start)
		workJobs(t, b.testBundle, "appointment_reminder")
		in, err := b.svc.Ingest(context.Background(), channels.Inbound{
			WorkspaceID: b.ws.ID, Channel: channels.SMS, Phone: "+447700900123", Text: "Sorry, I can't make it",
		})
		require.NoError(t, err)
		require.Equal(t, b.convID, in.ConversationID, "the answer lands in the conversation the reminder went to")
	})

	t.Run("SettingsChooseTheTimes", func(t *testing.T) {
		t.Parallel()
		b := setupReminders(t)
		require.NoError(t, b.bk.SetReminders(context.Background(), b.pool, b.ws.ID, []int{120}))
		b.book(t, start)
		require.Equal(t, []time.Time{start.Add(-2 * time.Hour)}, b.reminders(t))
		require.Error(t, b.bk.SetReminders(context.Background(), b.pool, b.ws.ID, []int{1}))
	})
}

// Count runs a count(*) query.
func (b *testBundle) Count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// sendPending works the send jobs the reminders queued, unless the run that worked the
// reminders already did.
func (b *reminderBundle) sendPending(t *testing.T) {
	t.Helper()
	if b.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'send_reply' AND state <> 'completed'`) > 0 {
		workJobs(t, b.testBundle, "send_reply")
	}
}
