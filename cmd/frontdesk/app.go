package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/frontdesk/frontdesk/admin"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/channels/portal"
	"github.com/frontdesk/frontdesk/channels/telegram"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/mail"
	"github.com/frontdesk/frontdesk/internal/metrics"
	"github.com/frontdesk/frontdesk/internal/reqid"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/tracing"
	"github.com/frontdesk/frontdesk/internal/webui"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

// app is everything a running frontdesk holds.
type app struct {
	cfg       config.Config
	log       *slog.Logger
	pool      *pgxpool.Pool
	conv      *conversation.Service
	accounts  *admin.Accounts
	knowledge *knowledge.Store
	booking   *booking.Store
	google    *gcal.Sync
	portal    *portal.Store
	channels  *accounts.Store
	media     *media.Store
	twilio    *twilio.Channel
	telegram  *telegram.Channel
	whatsapp  *whatsapp.Channel
	rules     *rules.Engine
	mail      *notifymail.Mailer
	context   *tracking.Store
	jobs      *river.Client[pgx.Tx]
	hub       *live.Hub
	events    *live.Publisher
	http      *fiber.App
	metrics   *metrics.Metrics
	tracing   *tracing.Tracing
	// workers is whether this process works jobs; without, its River client only inserts.
	workers bool
	// done closes when the server shuts down, ending live streams.
	done chan struct{}
}

// jobFetchCooldown is how soon a worker node fetches again after jobs arrive.
const jobFetchCooldown = 10 * time.Millisecond

type appOptions struct {
	// workers is whether this process works jobs (false: insert only).
	workers bool
}

func newApp(cfg config.Config, log *slog.Logger, pool *pgxpool.Pool, opts appOptions) (*app, error) {
	a := &app{cfg: cfg, log: log, pool: pool, done: make(chan struct{}), workers: opts.workers}
	a.events = live.NewPublisher(pool, log)
	a.metrics = metrics.New(pool)
	tr, err := tracing.New(context.Background(), tracing.Options{
		Endpoint: cfg.OTLPEndpoint, TracesEndpoint: cfg.OTLPTracesEndpoint, NodeID: cfg.NodeID,
	})
	if err != nil {
		return nil, err
	}
	a.tracing = tr
	m, err := newModels(cfg.OpenAI, &lazyVoice{log: log.With("component", "voice")}, log)
	if err != nil {
		return nil, err
	}
	if a.knowledge, err = m.knowledgeStore(cfg.KnowledgeEfSearch); err != nil {
		return nil, err
	}
	if a.booking, err = booking.NewStore(); err != nil {
		return nil, err
	}
	if a.portal, err = portal.NewStore(); err != nil {
		return nil, err
	}
	if a.accounts, err = admin.NewAccounts(); err != nil {
		return nil, err
	}
	box, err := secret.NewBox([]byte(cfg.SecretKey))
	if err != nil {
		return nil, err
	}
	if a.channels, err = accounts.NewStore(box); err != nil {
		return nil, err
	}
	if a.google, err = newGoogle(cfg, log, pool, box, a.booking); err != nil {
		return nil, err
	}
	if a.media, err = media.Open(context.Background(), cfg.MediaURL); err != nil {
		return nil, err
	}
	a.twilio = twilio.New(a.channels, pool, nil, cfg.BaseURL, log.With("channel", "twilio"))
	a.telegram = &telegram.Channel{Accounts: a.channels, Pool: pool, BaseURL: cfg.BaseURL, Log: log.With("channel", "telegram")}
	if a.whatsapp, err = whatsapp.New(context.Background(), whatsapp.Options{Pool: pool, Accounts: a.channels, Log: log.With("channel", "whatsapp")}); err != nil {
		return nil, err
	}
	if a.rules, err = rules.New(pool, log.With("component", "rules")); err != nil {
		return nil, err
	}
	if a.mail, err = newMailer(cfg, log, pool); err != nil {
		return nil, err
	}
	a.rules.Mail = a.mail
	a.rules.RunRetention = cfg.RuleRunRetention
	if a.context, err = tracking.New(tracking.Options{Log: log.With("component", "context"), Rules: a.rules, AI: m.fields}); err != nil {
		return nil, err
	}
	a.conv, err = conversation.New(conversation.Options{
		Mail: a.mail,
		Pool: pool, Log: log, Knowledge: a.knowledge, Booking: a.booking, Rules: a.rules, Context: a.context,
		Classifier: m.classifier, Drafter: m.drafter, Extractor: m.extractor,
		Events: a.events, Metrics: a.metrics, Tracer: a.tracing.Tracer(), MaxMessage: cfg.MaxMessage, Media: a.media, Transcriber: m.transcriber,
		Senders: map[channels.Kind]conversation.Sender{
			channels.SMS: a.twilio, channels.TwilioWhats: a.twilio, channels.Telegram: a.telegram, channels.WhatsApp: a.whatsapp,
		},
		Fetchers: map[channels.Kind]conversation.Fetcher{
			channels.SMS: a.twilio, channels.TwilioWhats: a.twilio, channels.Telegram: a.telegram, channels.WhatsApp: a.whatsapp,
		},
		SendQueue: sendQueue,
	})
	if err != nil {
		return nil, err
	}
	a.twilio.Pipeline = a.conv
	a.rules.Replies = a.conv // send_reply actions draft through the approval policy
	a.rules.Fields = a.context
	a.telegram.Conversations = a.conv
	a.whatsapp.Conversations = a.conv
	a.booking.OnChange(a.conv) // reminders
	a.google.Notify = a.conv

	workers := river.NewWorkers()
	a.conv.AddWorkers(workers)
	a.rules.AddWorkers(workers)
	a.knowledge.AddWorkers(workers, pool, a.events, log)
	a.google.AddWorkers(workers)
	a.mail.AddWorkers(workers)
	// River fetches at most every FetchCooldown (100 ms by default), MaxWorkers jobs at a
	// time: 200 jobs/s with 20 workers however fast the jobs are. Messages are short jobs.
	riverCfg := &river.Config{Workers: workers, Logger: log.With("component", "river"), FetchCooldown: jobFetchCooldown,
		Middleware: []rivertype.Middleware{a.metrics.Jobs(), tenant.Jobs()}}
	if a.tracing.Enabled() {
		riverCfg.Middleware = append(riverCfg.Middleware, a.tracing.Jobs())
	}
	if cfg.RescueJobsAfter > 0 {
		// River wants the default job timeout under the rescue delay; jobs that run long
		// set their own Timeout.
		riverCfg.RescueStuckJobsAfter = cfg.RescueJobsAfter
		riverCfg.JobTimeout = min(river.JobTimeoutDefault, cfg.RescueJobsAfter)
	}
	riverCfg.ID = cfg.NodeID // empty: River names the client after the host and the time
	riverCfg.PeriodicJobs = append(riverCfg.PeriodicJobs, a.knowledge.PeriodicJobs()...)
	riverCfg.PeriodicJobs = append(riverCfg.PeriodicJobs, a.rules.PeriodicJobs()...)
	riverCfg.PeriodicJobs = append(riverCfg.PeriodicJobs, a.google.PeriodicJobs()...)
	if opts.workers {
		riverCfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	if a.jobs, err = river.NewClient(riverpgxv5.New(pool), riverCfg); err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	a.conv.Attach(a.jobs)
	if opts.workers {
		a.whatsapp.Queues = a.jobs.Queues() // the node holding a device works its replies
	}
	a.rules.Attach(a.jobs)
	a.knowledge.Attach(a.jobs)
	a.google.Attach(a.jobs)
	a.mail.Attach(a.jobs)
	a.hub = live.NewHub(pool, log)

	secret := []byte(cfg.SecretKey)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret)
		log.Warn("FRONTDESK_SECRET_KEY is not set: using a random key, so open forms break on restart and nodes cannot share sessions' CSRF tokens")
	}
	// Twilio fetches the files of a reply from signed links.
	a.twilio.Media, a.twilio.Links = a.media, media.NewLinks(secret)
	assets, err := webui.NewAssets()
	if err != nil {
		return nil, err
	}
	adminH, err := admin.NewHandler(admin.Options{
		Pool: pool, Accounts: a.accounts, Conversations: a.conv, Portal: a.portal, Knowledge: a.knowledge,
		Booking: a.booking, Google: a.google, Mail: a.mail, InviteMail: inviteMailer(a.mail), Rules: a.rules, Context: a.context, Channels: a.channels, ConnectChannel: a.connectChannel, Pairing: a.whatsapp, Hub: a.hub, Assets: assets, Log: log, BaseURL: cfg.BaseURL, SecretKey: secret,
		SessionTTL: cfg.SessionTTL, PortalLinkTTL: cfg.PortalLinkTTL, SecureCookies: cfg.SecureCookies(), Done: a.done,
	})
	if err != nil {
		return nil, err
	}
	portalH, err := portal.NewHandler(portal.Options{
		Pool: pool, Store: a.portal, Conversations: a.conv, Media: a.media, Hub: a.hub, Assets: assets, Log: log,
		SessionTTL: cfg.PortalTTL, SecureCookies: cfg.SecureCookies(), Done: a.done,
		PostEvery: cfg.PortalEvery, PostBurst: cfg.PortalBurst,
	})
	if err != nil {
		return nil, err
	}

	a.http = fiber.New(fiber.Config{
		AppName:               "frontdesk",
		ErrorHandler:          admin.ErrorHandler(log),
		BodyLimit:             int(max(2<<20, a.knowledge.MaxUpload(), a.media.Limits.Max()) + 1<<20), // uploads, with room for the form
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
	})
	// metrics.HTTP answers errors itself, so accessLog before it sees the status sent.
	a.http.Use(recover.New(), requestContext, reqid.Middleware, a.accessLog)
	if a.tracing.Enabled() {
		a.http.Use(a.tracing.HTTP()) // outside metrics.HTTP, which answers errors: the span sees the status sent
	}
	a.http.Use(a.metrics.HTTP, webui.SecurityHeaders(cfg.SecureCookies()))
	a.http.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	if cfg.MetricsToken != "" {
		a.http.Get("/metrics", a.metrics.Handler(cfg.MetricsToken))
	}
	a.http.Get("/readyz", a.ready)
	a.http.Get("/static/:hash/:name", assets.Serve)
	a.http.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/admin", fiber.StatusSeeOther) })
	adminH.Register(a.http)
	portalH.Register(a.http)
	a.http.Use("/webhooks", webhookLimit(cfg.WebhookEvery, cfg.WebhookBurst))
	a.twilio.Register(a.http)
	a.telegram.Register(a.http)
	a.google.Register(a.http)
	return a, nil
}

// requestTimeout bounds the database work of one request (uploads and live streams
// excepted: a stream's work happens in its writer, after the handler returned).
const requestTimeout = time.Minute

// requestContext gives each request a context of its own for the database calls it
// makes. fasthttp's request context is shared with the server's shutdown machinery and
// is not safe to hand to pgx while the server stops.
func requestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

func (a *app) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := a.pool.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
	}
	return c.SendString("ready")
}

// accessLog logs each request with its id, except the noisy health checks and assets.
func (a *app) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	p := c.Path()
	if p == "/healthz" || p == "/readyz" || len(p) > 8 && p[:8] == "/static/" {
		return err
	}
	status := c.Response().StatusCode()
	if err != nil {
		status = 0 // the error handler sets it after us
	}
	a.log.DebugContext(c.UserContext(), "http", "method", c.Method(), "path", p, "status", status,
		"duration_ms", time.Since(start).Milliseconds())
	return err
}

// connectChannel lets a just-added account start receiving: a Telegram bot's token is
// checked and its webhook set (or its polling started).
func (a *app) connectChannel(ctx context.Context, acc accounts.Account) error {
	switch acc.Kind {
	case accounts.Telegram:
		return a.telegram.Connect(ctx, acc.WorkspaceID, acc.ID)
	case accounts.WhatsApp:
		return a.whatsapp.Pair(ctx, acc.WorkspaceID, acc.ID)
	}
	return nil
}

// newMailer e-mails notifications through FRONTDESK_SMTP_URL, or sends none without it.
func newMailer(cfg config.Config, log *slog.Logger, pool *pgxpool.Pool) (*notifymail.Mailer, error) {
	opts := notifymail.Options{Pool: pool, BaseURL: cfg.BaseURL, Log: log.With("component", "mail")}
	if cfg.SMTPURL != "" {
		s, err := mail.New(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, err
		}
		opts.Sender = s
		log.Info("notification e-mails on", "smtp", s.String())
	}
	return notifymail.New(opts)
}

// inviteMailer e-mails team invitations through the notification mailer's SMTP server,
// or is nil without one (the owner then sends the link shown on the team page).
func inviteMailer(m *notifymail.Mailer) admin.InviteMailer {
	if !m.Enabled() {
		return nil
	}
	return func(ctx context.Context, to, subject, text string) error {
		return m.Sender.Send(ctx, mail.Message{To: to, Subject: subject, Text: text})
	}
}

// sendQueue puts a WhatsApp reply in its device's River queue, which only the node
// holding the device works; other replies go to the default queue.
func sendQueue(k channels.Kind, accountID int64) string {
	if k == channels.WhatsApp && accountID != 0 {
		return whatsapp.SendQueue(accountID)
	}
	return ""
}
