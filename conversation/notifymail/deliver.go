package notifymail

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/mail"
)

// EmailArgs mails one notification to every user who wants it.
type EmailArgs struct {
	WorkspaceID    int64 `json:"workspace_id"`
	NotificationID int64 `json:"notification_id"`
}

// Kind implements river.JobArgs.
func (EmailArgs) Kind() string { return "notification_email" }

// InsertOpts retries a server that is down or says "try later" for about an hour and a half.
func (EmailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 8} }

// DigestArgs mails a user what waited through their quiet hours, once they end (Due,
// Unix seconds): one e-mail, a digest when several waited. Unique by its arguments, so
// every notification of one quiet night shares one job.
type DigestArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	UserID      int64 `json:"user_id"`
	Due         int64 `json:"due"`
}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "notification_digest" }

// InsertOpts makes one job per user and quiet night.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type note struct {
	id, conversation int64
	kind, title      string
	at               time.Time
}

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	m *Mailer
}

func (w *emailWorker) Timeout(*river.Job[EmailArgs]) time.Duration { return 2 * time.Minute }

func (w *emailWorker) NextRetry(job *river.Job[EmailArgs]) time.Time {
	return nextRetry(w.m, job.Attempt)
}

func nextRetry(m *Mailer, attempt int) time.Time {
	if m.Retry == nil {
		return time.Time{} // River's default backoff
	}
	return time.Now().Add(m.Retry(attempt))
}

type recipient struct {
	id          int64
	email, role string
	choice      *bool
	quiet       *Quiet
}

// Work mails each user who wants this kind. A user already mailed (an earlier attempt
// that failed for someone else) is skipped; one in quiet hours waits for the digest.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	m, a := w.m, job.Args
	if !m.Enabled() {
		return nil
	}
	var n note
	var wsName, tz string
	err := m.Pool.QueryRow(ctx, m.q.Notification, a.WorkspaceID, a.NotificationID).Scan(&n.kind, &n.title, &n.conversation, &n.at, &wsName, &tz)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // deleted with its conversation or contact
	}
	if err != nil {
		return fmt.Errorf("notifymail: notification %d: %w", a.NotificationID, err)
	}
	n.id = a.NotificationID
	kind, ok := kindByKey(n.kind)
	if !ok {
		return nil // never e-mailed
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	rows, err := m.Pool.Query(ctx, m.q.Recipients, a.WorkspaceID, n.kind, n.id)
	if err != nil {
		return fmt.Errorf("notifymail: recipients: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipient, error) {
		var u recipient
		var start, end *int
		err := r.Scan(&u.id, &u.email, &u.role, &u.choice, &start, &end)
		if start != nil && end != nil {
			u.quiet = &Quiet{Start: *start, End: *end}
		}
		return u, err
	})
	if err != nil {
		return fmt.Errorf("notifymail: recipients: %w", err)
	}
	final := job.Attempt >= job.MaxAttempts
	var retry []error
	for _, u := range users {
		if want := kind.byDefault(u.role); u.choice != nil && !*u.choice || u.choice == nil && !want {
			continue
		}
		var status string
		if err := m.Pool.QueryRow(ctx, m.q.Claim, a.WorkspaceID, n.id, u.id).Scan(&status); err != nil {
			return fmt.Errorf("notifymail: claim e-mail: %w", err)
		}
		if status != "pending" {
			continue // sent, failed for good, or waiting for the digest
		}
		if u.quiet != nil {
			if until, quiet := u.quiet.Until(m.Now(), loc); quiet {
				if err := m.wait(ctx, a.WorkspaceID, n.id, u.id, until); err != nil {
					return err
				}
				continue
			}
		}
		msg := m.single(wsName, u.email, n, kind, loc)
		if err := m.deliver(ctx, a.WorkspaceID, u.id, []int64{n.id}, msg, final); err != nil {
			retry = append(retry, err)
		}
	}
	return errors.Join(retry...)
}

// wait holds a user's e-mail until their quiet hours end, with the digest job that
// sends it then, in one transaction.
func (m *Mailer) wait(ctx context.Context, ws, id, user int64, until time.Time) error {
	return pgx.BeginFunc(ctx, m.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, m.q.Wait, ws, id, user, until); err != nil {
			return fmt.Errorf("notifymail: hold e-mail: %w", err)
		}
		// River runs it at until by the wall clock; the worker checks quiet hours again.
		args := DigestArgs{WorkspaceID: ws, UserID: user, Due: until.Unix()}
		if _, err := m.jobs.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: until}); err != nil {
			return fmt.Errorf("notifymail: queue digest: %w", err)
		}
		return nil
	})
}

// deliver sends msg and records the outcome for the notifications it carries. It
// returns an error only when another attempt may succeed.
func (m *Mailer) deliver(ctx context.Context, ws, user int64, ids []int64, msg mail.Message, final bool) error {
	err := m.Sender.Send(ctx, msg)
	if err == nil {
		if _, err := m.Pool.Exec(ctx, m.q.Sent, ws, user, ids); err != nil {
			return fmt.Errorf("notifymail: record sent: %w", err)
		}
		return nil
	}
	permanent := mail.Permanent(err) || final
	if _, uerr := m.Pool.Exec(ctx, m.q.Failed, ws, user, ids, mail.Describe(err), permanent); uerr != nil {
		return fmt.Errorf("notifymail: record failure: %w", uerr)
	}
	m.Log.WarnContext(ctx, "notification e-mail failed", "workspace_id", ws, "user_id", user, "final", permanent, "error", err)
	if permanent {
		return nil
	}
	return err
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	m *Mailer
}

func (w *digestWorker) Timeout(*river.Job[DigestArgs]) time.Duration { return 2 * time.Minute }

func (w *digestWorker) NextRetry(job *river.Job[DigestArgs]) time.Time {
	return nextRetry(w.m, job.Attempt)
}

// Work sends what waited for a user: the one e-mail as it was, or a digest of several.
// Quiet hours that still hold (the user moved them) put it off again.
func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	m, a := w.m, job.Args
	if !m.Enabled() {
		return nil
	}
	u, err := m.user(ctx, m.Pool, a.WorkspaceID, a.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	loc := u.location()
	if u.quiet != nil {
		if until, quiet := u.quiet.Until(m.Now(), loc); quiet {
			return river.JobSnooze(until.Sub(m.Now()))
		}
	}
	rows, err := m.Pool.Query(ctx, m.q.Waiting, a.WorkspaceID, a.UserID)
	if err != nil {
		return fmt.Errorf("notifymail: waiting e-mails: %w", err)
	}
	notes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (note, error) {
		var n note
		return n, r.Scan(&n.id, &n.kind, &n.title, &n.conversation, &n.at)
	})
	if err != nil {
		return fmt.Errorf("notifymail: waiting e-mails: %w", err)
	}
	if len(notes) == 0 {
		return nil
	}
	ids := make([]int64, len(notes))
	for i, n := range notes {
		ids[i] = n.id
	}
	var msg mail.Message
	if len(notes) == 1 {
		k, _ := kindByKey(notes[0].kind)
		msg = m.single(u.workspace, u.email, notes[0], k, loc)
	} else {
		msg = m.digest(u.workspace, u.email, notes, loc)
	}
	return m.deliver(ctx, a.WorkspaceID, a.UserID, ids, msg, job.Attempt >= job.MaxAttempts)
}

// single is the e-mail of one notification: a short subject, the text, a link.
func (m *Mailer) single(workspace, to string, n note, k Kind, loc *time.Location) mail.Message {
	link := m.conversationURL(n.conversation)
	when := n.at.In(loc).Format("Mon 2 Jan 15:04")
	text := fmt.Sprintf("%s\n\n%s, %s\nOpen it: %s\n\n-- \nChoose which notifications reach you by e-mail: %s\n",
		n.title, k.Label, when, link, m.prefsURL())
	body := fmt.Sprintf(`<p>%s</p><p>%s, %s<br><a href="%s">Open it in frontdesk</a></p><p style="color:#666;font-size:small">`+
		`<a href="%s">Choose which notifications reach you by e-mail</a></p>`,
		html.EscapeString(n.title), html.EscapeString(k.Label), when, html.EscapeString(link), html.EscapeString(m.prefsURL()))
	return mail.Message{To: to, Subject: subject(workspace, n.title), Text: text, HTML: body, Unsubscribe: m.prefsURL()}
}

// digest folds several notifications into one e-mail.
func (m *Mailer) digest(workspace, to string, notes []note, loc *time.Location) mail.Message {
	var text, body strings.Builder
	fmt.Fprintf(&text, "%d notifications arrived during your quiet hours:\n\n", len(notes))
	fmt.Fprintf(&body, "<p>%d notifications arrived during your quiet hours:</p><ul>", len(notes))
	for _, n := range notes {
		link := m.conversationURL(n.conversation)
		when := n.at.In(loc).Format("15:04")
		fmt.Fprintf(&text, "- %s %s\n  %s\n", when, n.title, link)
		fmt.Fprintf(&body, `<li>%s <a href="%s">%s</a></li>`, when, html.EscapeString(link), html.EscapeString(n.title))
	}
	fmt.Fprintf(&text, "\n-- \nChoose which notifications reach you by e-mail: %s\n", m.prefsURL())
	fmt.Fprintf(&body, `</ul><p style="color:#666;font-size:small"><a href="%s">Choose which notifications reach you by e-mail</a></p>`,
		html.EscapeString(m.prefsURL()))
	return mail.Message{To: to, Subject: subject(workspace, fmt.Sprintf("%d notifications while you were away", len(notes))),
		Text: text.String(), HTML: body.String(), Unsubscribe: m.prefsURL()}
}

// subject is short: the workspace and the first line of the title, cut at 90 runes.
func subject(workspace, title string) string {
	title, _, _ = strings.Cut(title, "\n")
	if r := []rune(title); len(r) > 90 {
		title = string(r[:89]) + "…"
	}
	return "[" + workspace + "] " + title
}
