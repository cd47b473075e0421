package notifymail_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/internal/mail"
	"github.com/frontdesk/frontdesk/internal/mail/mailtest"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

const baseURL = "https://desk.example.com"

// testClock is the clock quiet hours are read against.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type testBundle struct {
	p      *pipelinetest.Pipeline
	mailer *notifymail.Mailer
	smtp   *mailtest.Server
	clock  *testClock
	owner  int64
	staff  int64
}

// setup runs the pipeline with e-mails through a test SMTP server, at noon in the
// workspace (Europe/London), with an owner and a staff member.
func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{smtp: mailtest.Start(t), clock: &testClock{}}
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	b.clock.Set(time.Date(2026, 6, 1, 12, 0, 0, 0, loc))
	sender, err := mail.New(b.smtp.URL(), "Front Desk <desk@example.com>")
	require.NoError(t, err)
	b.p = pipelinetest.New(t, func(p *pipelinetest.Pipeline, opts *pipelinetest.Options) {
		b.mailer, err = notifymail.New(notifymail.Options{Pool: p.Pool, Sender: sender, BaseURL: baseURL, Now: b.clock.Now,
			Retry: func(int) time.Duration { return 50 * time.Millisecond }})
		require.NoError(t, err)
		opts.Mail = b.mailer
	})
	b.owner = b.user(t, "owner@example.com", "owner")
	b.staff = b.user(t, "staff@example.com", "staff")
	return b
}

func (b *testBundle) user(t *testing.T, email, role string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, b.p.Pool.QueryRow(context.Background(), `INSERT INTO users (workspace_id, email, role, password_hash)
		VALUES ($1, $2, $3, 'x') RETURNING id`, b.p.Workspace.ID, email, role).Scan(&id))
	return id
}

func (b *testBundle) notify(t *testing.T, kind, title string, conv int64) {
	t.Helper()
	require.NoError(t, b.p.Conv.Notify(context.Background(), b.p.Workspace.ID, kind, title, conv))
}

func TestEmailsFollowDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now()
	b.notify(t, "complaint", "Kim Park complained", 42)
	pipelinetest.Eventually(t, func() bool { return len(b.smtp.To("owner@example.com")) == 1 }, "the complaint is mailed")
	t.Logf("notification to e-mail received: %s", time.Since(start).Round(time.Millisecond))
	b.p.Idle(t)
	got := b.smtp.To("owner@example.com")
	require.Len(t, got, 1)
	require.Equal(t, "[Acme Dental] Kim Park complained", got[0].Subject)
	require.Equal(t, "desk@example.com", got[0].From)
	require.Contains(t, got[0].Text, baseURL+"/admin/conversations/42")
	require.Contains(t, got[0].HTML, `href="`+baseURL+`/admin/conversations/42"`)
	require.Equal(t, "<"+baseURL+"/admin/settings/notifications>", got[0].Header.Get("List-Unsubscribe"))
	require.Len(t, b.smtp.To("staff@example.com"), 1, "staff hear of complaints by default")

	// Bookings reach owners only; a sign-in code never leaves the bell.
	b.notify(t, "booking", "Kim Park booked an appointment", 42)
	b.notify(t, "sign_in_code", "Chat sign-in code for +44: 123456", 0)
	b.p.Idle(t)
	require.Len(t, b.smtp.To("owner@example.com"), 2)
	require.Len(t, b.smtp.To("staff@example.com"), 1)
	require.Equal(t, 3, b.p.Count(t, `SELECT count(*) FROM notification_emails WHERE status = 'sent'`))
}

func TestPreferencesTurnEmailsOff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ws := b.p.Workspace.ID
	prefs, err := b.mailer.Get(ctx, b.p.Pool, ws, b.owner)
	require.NoError(t, err)
	require.True(t, prefs.Kinds["complaint"])
	require.False(t, prefs.Kinds["rule"])
	require.NoError(t, b.mailer.Save(ctx, b.p.Pool, ws, b.owner, notifymail.Preferences{Kinds: map[string]bool{"complaint": false, "rule": true}}))
	prefs, err = b.mailer.Get(ctx, b.p.Pool, ws, b.owner)
	require.NoError(t, err)
	require.False(t, prefs.Kinds["complaint"])
	require.True(t, prefs.Kinds["handoff"], "kinds not named keep their choice")

	b.notify(t, "complaint", "Kim Park complained", 42)
	b.notify(t, "rule", "A customer asks for a refund", 42)
	b.p.Idle(t)
	got := b.smtp.To("owner@example.com")
	require.Len(t, got, 1, "the complaint is not mailed to the owner who turned it off")
	require.Equal(t, "[Acme Dental] A customer asks for a refund", got[0].Subject)
	require.Len(t, b.smtp.To("staff@example.com"), 1, "the staff member's own choice stands")
	require.Equal(t, 2, b.p.Count(t, `SELECT count(*) FROM notifications`), "every notification is in the bell")

	var bad validation.Error
	err = b.mailer.Save(ctx, b.p.Pool, ws, b.owner, notifymail.Preferences{Kinds: map[string]bool{"teleport": true}, QuietStart: "25:00", QuietEnd: ""})
	require.ErrorAs(t, err, &bad)
	require.Contains(t, bad, "email.teleport")
	require.Contains(t, bad, "quiet_start")
	require.Contains(t, bad, "quiet_end")
	err = b.mailer.Save(ctx, b.p.Pool, ws, b.owner, notifymail.Preferences{QuietStart: "07:00", QuietEnd: "07:00"})
	require.ErrorAs(t, err, &bad)
	require.Equal(t, "must differ from the start", bad["quiet_end"])
	require.ErrorIs(t, b.mailer.Save(ctx, b.p.Pool, ws, 999999, notifymail.Preferences{}), notifymail.ErrNotFound)
}

func TestQuietHoursHoldThenDigest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ws := b.p.Workspace.ID
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	require.NoError(t, b.mailer.Save(ctx, b.p.Pool, ws, b.owner, notifymail.Preferences{QuietStart: "22:00", QuietEnd: "07:00"}))
	prefs, err := b.mailer.Get(ctx, b.p.Pool, ws, b.owner)
	require.NoError(t, err)
	require.Equal(t, "22:00", prefs.QuietStart)

	b.clock.Set(time.Date(2026, 6, 1, 23, 30, 0, 0, loc))
	b.notify(t, "complaint", "Kim Park complained", 42)
	b.notify(t, "handoff", "Lee asked for a person", 43)
	pipelinetest.Eventually(t, func() bool {
		return b.p.Count(t, `SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'waiting'`, b.owner) == 2
	}, "both e-mails wait for the morning")
	// The staff member's e-mails are sent by jobs of their own, which may still be running.
	pipelinetest.Eventually(t, func() bool { return len(b.smtp.To("staff@example.com")) == 2 }, "the staff member has no quiet hours")
	require.Empty(t, b.smtp.To("owner@example.com"))
	var due time.Time
	require.NoError(t, b.p.Pool.QueryRow(ctx, `SELECT max(due_at) FROM notification_emails WHERE user_id = $1`, b.owner).Scan(&due))
	require.True(t, due.Equal(time.Date(2026, 6, 2, 7, 0, 0, 0, loc)), "due at the end of quiet hours, not %s", due)
	pipelinetest.Eventually(t, func() bool {
		return b.p.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'notification_digest' AND state = 'scheduled'`) == 1
	}, "one digest job for the night, put off while quiet hours hold")
	require.Empty(t, b.smtp.To("owner@example.com"))

	// Morning: the digest job's time comes.
	b.clock.Set(time.Date(2026, 6, 2, 7, 0, 30, 0, loc))
	_, err = b.p.Pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = 'notification_digest'`)
	require.NoError(t, err)
	pipelinetest.Eventually(t, func() bool { return len(b.smtp.To("owner@example.com")) == 1 }, "the digest arrives")
	b.p.Idle(t)
	got := b.smtp.To("owner@example.com")
	require.Len(t, got, 1, "one digest, not two e-mails")
	require.Equal(t, "[Acme Dental] 2 notifications while you were away", got[0].Subject)
	require.Contains(t, got[0].Text, "Kim Park complained")
	require.Contains(t, got[0].Text, "Lee asked for a person")
	require.Contains(t, got[0].Text, baseURL+"/admin/conversations/43")
	require.Equal(t, 2, b.p.Count(t, `SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'sent'`, b.owner))
}

func TestRetryDoesNotMailTwice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The owner's address is refused for now (4xx); the staff member's goes through.
	b.smtp.FailNext(451, 1)
	b.notify(t, "complaint", "Kim Park complained", 42)
	pipelinetest.Eventually(t, func() bool { return len(b.smtp.To("owner@example.com")) == 1 }, "the retry reaches the owner")
	b.p.Idle(t)
	require.Len(t, b.smtp.To("owner@example.com"), 1)
	require.Len(t, b.smtp.To("staff@example.com"), 1, "the retry does not mail the staff member again")
	require.Equal(t, 2, b.p.Count(t, `SELECT attempts FROM notification_emails WHERE user_id = $1`, b.owner))

	// A refusal (5xx) is final and recorded.
	b.smtp.FailNext(550, 1)
	b.notify(t, "handoff", "Lee asked for a person", 43)
	b.p.Idle(t)
	require.Len(t, b.smtp.To("owner@example.com"), 1)
	require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM notification_emails WHERE user_id = $1 AND status = 'failed' AND error LIKE '%550%'`, b.owner))
	failures, err := b.mailer.Failures(context.Background(), b.p.Pool, b.p.Workspace.ID, b.owner, 5)
	require.NoError(t, err)
	require.Len(t, failures, 1)
	require.Equal(t, "Lee asked for a person", failures[0].Title)
	require.Contains(t, failures[0].Error, "550")
	require.Len(t, b.smtp.To("staff@example.com"), 2)
}

func TestSendTest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	to, err := b.mailer.SendTest(ctx, b.p.Pool, b.p.Workspace.ID, b.staff)
	require.NoError(t, err)
	require.Equal(t, "staff@example.com", to)
	require.Len(t, b.smtp.To("staff@example.com"), 1)
	b.smtp.FailNext(550, 1)
	_, err = b.mailer.SendTest(ctx, b.p.Pool, b.p.Workspace.ID, b.staff)
	require.ErrorContains(t, err, "550")

	off, err := notifymail.New(notifymail.Options{Pool: b.p.Pool})
	require.NoError(t, err)
	_, err = off.SendTest(ctx, b.p.Pool, b.p.Workspace.ID, b.staff)
	require.ErrorIs(t, err, notifymail.ErrNotConfigured)
}

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, loc) }
	night := notifymail.Quiet{Start: 22 * 60, End: 7 * 60}
	lunch := notifymail.Quiet{Start: 12 * 60, End: 13 * 60}
	for _, tc := range []struct {
		name  string
		q     notifymail.Quiet
		now   time.Time
		until time.Time
	}{
		{"BeforeMidnight", night, at(10, 23, 15), at(11, 7, 0)},
		{"AfterMidnight", night, at(11, 3, 0), at(11, 7, 0)},
		{"AtStart", night, at(10, 22, 0), at(11, 7, 0)},
		{"AtEndIsOver", night, at(11, 7, 0), time.Time{}},
		{"Daytime", night, at(11, 12, 0), time.Time{}},
		{"SameDay", lunch, at(11, 12, 30), at(11, 13, 0)},
		{"SameDayOutside", lunch, at(11, 11, 59), time.Time{}},
		{"UTCInstantReadLocally", night, time.Date(2026, 3, 10, 21, 30, 0, 0, time.UTC), at(11, 7, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			until, quiet := tc.q.Until(tc.now, loc)
			require.Equal(t, !tc.until.IsZero(), quiet)
			require.True(t, until.Equal(tc.until), "until %s, want %s", until, tc.until)
		})
	}
}

func TestRuleNotificationIsMailed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ws := b.p.Workspace.ID
	require.NoError(t, b.mailer.Save(ctx, b.p.Pool, ws, b.owner, notifymail.Preferences{Kinds: map[string]bool{"rule": true}}))
	r, err := rules.Parse([]byte(`{"name": "Refunds", "trigger": "new_message",
		"conditions": {"any": [{"field": "message.text", "op": "contains", "value": "refund"}]},
		"actions": [{"type": "notify", "message": "A customer asks for a refund"}]}`))
	require.NoError(t, err)
	_, err = b.p.Rules.Create(ctx, b.p.Pool, ws, r)
	require.NoError(t, err)
	res, err := b.p.Conv.Ingest(ctx, channels.Inbound{WorkspaceID: ws, Channel: channels.SMS, Phone: "+447700900601", Text: "I want a refund for my crown"})
	require.NoError(t, err)
	subject := "[Acme Dental] A customer asks for a refund"
	withSubject := func(addr string) []mailtest.Mail {
		var out []mailtest.Mail
		for _, m := range b.smtp.To(addr) {
			if m.Subject == subject {
				out = append(out, m)
			}
		}
		return out
	}
	pipelinetest.Eventually(t, func() bool { return len(withSubject("owner@example.com")) == 1 }, "the rule's notification is mailed")
	b.p.Idle(t)
	got := withSubject("owner@example.com")
	require.Len(t, got, 1)
	require.Contains(t, got[0].Text, fmt.Sprintf("%s/admin/conversations/%d", baseURL, res.ConversationID))
	require.Empty(t, withSubject("staff@example.com"), "rule notifications are off for staff by default")
}
