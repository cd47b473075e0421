// Package notifymail e-mails the team its notifications: each user's choice per kind,
// quiet hours that hold e-mails back and fold them into one digest, and a River job
// per notification that mails each user at most once.
package notifymail

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/mail"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// ErrNotConfigured is a test e-mail asked for with no SMTP server configured.
var ErrNotConfigured = errors.New("notifymail: no SMTP server is configured (set FRONTDESK_SMTP_URL and FRONTDESK_MAIL_FROM)")

// ErrNotFound is a user that is not in the workspace.
var ErrNotFound = errors.New("notifymail: no such user")

// Options are the Mailer's dependencies.
type Options struct {
	Pool *pgxpool.Pool
	// Sender delivers the e-mails; nil sends none (and queues no jobs).
	Sender mail.Sender
	// BaseURL starts the links in the e-mails.
	BaseURL string
	Log     *slog.Logger
	// Now is the clock quiet hours are read against; nil is time.Now.
	Now func() time.Time
	// Retry spaces the attempts after a temporary failure; nil is River's default.
	Retry func(attempt int) time.Duration
}

// Mailer queues and sends notification e-mails.
type Mailer struct {
	Options
	q    queries
	jobs *river.Client[pgx.Tx]
}

type queries struct {
	Recipients, Notification, User, Choices, SetChoices, SetQuiet, ClearQuiet, FirstOwner string
	Claim, Wait, Sent, Failed, Waiting, Failures                                          string
}

// New loads the queries. Register the workers, then Attach the River client.
func New(opts Options) (*Mailer, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	m := &Mailer{Options: opts}
	if err := sqlset.Load(&m.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("notifymail: %w", err)
	}
	return m, nil
}

// Enabled is whether e-mails go out at all.
func (m *Mailer) Enabled() bool { return m != nil && m.Sender != nil }

// AddWorkers registers the e-mail jobs.
func (m *Mailer) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &emailWorker{m: m})
	river.AddWorker(w, &digestWorker{m: m})
}

// Attach gives the Mailer the River client it queues jobs with.
func (m *Mailer) Attach(c *river.Client[pgx.Tx]) { m.jobs = c }

// QueueTx queues the e-mails of notification id in tx, the transaction that records
// it, so a notification is mailed exactly when it is committed.
func (m *Mailer) QueueTx(ctx context.Context, tx pgx.Tx, ws, id int64) error {
	if !m.Enabled() {
		return nil
	}
	if _, err := m.jobs.InsertTx(ctx, tx, EmailArgs{WorkspaceID: ws, NotificationID: id}, nil); err != nil {
		return fmt.Errorf("notifymail: queue e-mail: %w", err)
	}
	return nil
}

// SendTest mails user a test e-mail now and returns the server's error, if any.
func (m *Mailer) SendTest(ctx context.Context, db DBTX, ws, user int64) (string, error) {
	if !m.Enabled() {
		return "", ErrNotConfigured
	}
	u, err := m.user(ctx, db, ws, user)
	if err != nil {
		return "", err
	}
	msg := mail.Message{
		To:      u.email,
		Subject: "[" + u.workspace + "] Test e-mail from frontdesk",
		Text: "This is the test e-mail you asked for. Notification e-mails will reach you here.\n\n" +
			"Choose which ones you get: " + m.prefsURL() + "\n",
		Unsubscribe: m.prefsURL(),
	}
	return u.email, m.Sender.Send(ctx, msg)
}

func (m *Mailer) prefsURL() string { return m.BaseURL + "/admin/settings/notifications" }

func (m *Mailer) conversationURL(id int64) string {
	if id == 0 {
		return m.BaseURL + "/admin/notifications"
	}
	return fmt.Sprintf("%s/admin/conversations/%d", m.BaseURL, id)
}
