// Package gcal keeps a workspace's calendar and its Google Calendar in step: the owner
// connects a calendar with OAuth (the token sealed at rest), its busy times are cached
// from freeBusy and never offered as slots, appointments are pushed as events
// (insert, patch, delete) by River jobs queued in the transaction that changed them,
// and events changed in Google are pulled back by incremental sync.
package gcal

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"golang.org/x/oauth2"
	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/option"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	GetConnection, HasConnection, ListConnections, UpsertConnection, SetCalendar, SaveToken string
	DeleteConnection, ForgetEvents, ClearBusy, ClearBusyWindow, InsertBusy, BusyRefreshed   string
	Failed, Synced, ListBusy, SetEventID, Timezone, ListResourceCalendars                   string
	GetChannel, SetChannel, ChannelWorkspace, ChannelsToRenew                               string
	ResourceCalendarFailed, ClearResourceErrors, ListUnreadableCalendars                    string
}

// Google's endpoints, used unless Config overrides them.
const (
	GoogleAuthURL  = "https://accounts.google.com/o/oauth2/auth"
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
	// Scope lets frontdesk read free/busy and write the events it creates.
	Scope = "https://www.googleapis.com/auth/calendar"
)

// ErrNotConfigured means GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set.
var ErrNotConfigured = errors.New("google calendar is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET")

// ErrNotConnected means the workspace has not connected a Google Calendar.
var ErrNotConnected = errors.New("no google calendar is connected")

// Config is the OAuth client and where Google is.
type Config struct {
	ClientID, ClientSecret string
	// RedirectURL is FRONTDESK_BASE_URL + /admin/calendar/google/callback.
	RedirectURL string
	// AuthURL, TokenURL and APIEndpoint default to Google's (tests point them at fakes).
	AuthURL, TokenURL, APIEndpoint string
	// BusyTTL is how old cached busy times may be before a slot search refreshes them.
	BusyTTL time.Duration
	// WebhookURL is where Google sends push notifications of changes
	// (FRONTDESK_BASE_URL + WebhookPath); "" watches nothing and relies on periodic sync.
	WebhookURL string
}

// Configured reports whether an OAuth client is set.
func (c Config) Configured() bool { return c.ClientID != "" && c.ClientSecret != "" }

// Notifier tells the team about a change made in Google.
type Notifier interface {
	Notify(ctx context.Context, ws int64, kind, title string, convID int64) error
}

// Options are the Sync's dependencies.
type Options struct {
	Pool    *pgxpool.Pool
	Box     *secret.Box
	Booking *booking.Store
	Config  Config
	// Notify receives changes pulled from Google; nil records none.
	Notify Notifier
	Log    *slog.Logger
	// HTTP carries the token endpoint's and the Calendar API's requests; nil: the default.
	HTTP *http.Client
	Now  func() time.Time
}

// Sync connects workspaces to Google Calendar and keeps them in step.
type Sync struct {
	Options
	oauth oauth2.Config
	q     queries
	jobs  *river.Client[pgx.Tx]
}

// New returns a Sync; register its workers, build the River client, then Attach it.
func New(opts Options) (*Sync, error) {
	if opts.Pool == nil || opts.Box == nil || opts.Booking == nil {
		return nil, errors.New("gcal: pool, box and booking are required")
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	c := &opts.Config
	if c.AuthURL == "" {
		c.AuthURL = GoogleAuthURL
	}
	if c.TokenURL == "" {
		c.TokenURL = GoogleTokenURL
	}
	if c.BusyTTL == 0 {
		c.BusyTTL = 2 * time.Minute
	}
	g := &Sync{Options: opts, oauth: oauth2.Config{
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL, Scopes: []string{Scope},
		Endpoint: oauth2.Endpoint{AuthURL: c.AuthURL, TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}}
	if err := sqlset.Load(&g.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("gcal: %w", err)
	}
	return g, nil
}

// Configured reports whether an OAuth client is set.
func (g *Sync) Configured() bool { return g.Config.Configured() }

// Ready says why owners cannot connect a calendar yet, or nil when they can.
func (g *Sync) Ready() error {
	if !g.Configured() {
		return ErrNotConfigured
	}
	if !g.Box.Ready() {
		return secret.ErrNoKey
	}
	return nil
}

// RedirectURL is the callback address to register with Google.
func (g *Sync) RedirectURL() string { return g.Config.RedirectURL }

// Attach gives the Sync the River client it queues jobs with.
func (g *Sync) Attach(c *river.Client[pgx.Tx]) { g.jobs = c }

// AddWorkers registers the push and sync jobs.
func (g *Sync) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &pushWorker{g: g})
	river.AddWorker(w, &syncWorker{g: g})
	river.AddWorker(w, &watchWorker{g: g})
}

// SyncEvery is how often every connected calendar is pulled and its busy times refreshed.
const SyncEvery = 5 * time.Minute

// PeriodicJobs pulls every connected calendar every SyncEvery and renews push channels
// that are about to stop every RenewEvery.
func (g *Sync) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(SyncEvery),
			func() (river.JobArgs, *river.InsertOpts) { return SyncArgs{}, nil }, nil),
		river.NewPeriodicJob(river.PeriodicInterval(RenewEvery),
			func() (river.JobArgs, *river.InsertOpts) { return WatchArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// Connection is a workspace's link to Google Calendar as the owner sees it.
type Connection struct {
	CalendarID      string     `json:"calendar_id"`
	Status          string     `json:"status"`
	LastError       string     `json:"last_error,omitempty"`
	BusyRefreshedAt *time.Time `json:"busy_refreshed_at"`
	SyncedAt        *time.Time `json:"synced_at"`
	ConnectedAt     time.Time  `json:"connected_at"`
	// PushUntil is when Google stops notifying of changes unless renewed (nil: no
	// channel; changes are read by the periodic sync).
	PushUntil *time.Time `json:"push_until"`
	token     []byte
	syncToken string
}

// Connection returns the workspace's connection, or ErrNotConnected.
func (g *Sync) Connection(ctx context.Context, ws int64) (Connection, error) {
	var c Connection
	err := g.Pool.QueryRow(ctx, g.q.GetConnection, ws).Scan(&c.CalendarID, &c.token, &c.syncToken, &c.Status,
		&c.LastError, &c.BusyRefreshedAt, &c.SyncedAt, &c.ConnectedAt, &c.PushUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotConnected
	}
	if err != nil {
		return c, fmt.Errorf("gcal: connection of workspace %d: %w", ws, err)
	}
	return c, nil
}

func tokenContext(ws int64) []byte { return []byte("google-calendar:" + strconv.FormatInt(ws, 10)) }

// service is a Calendar API client for the workspace, with a token source that
// refreshes the access token when it expires and stores the refreshed one sealed.
func (g *Sync) service(ctx context.Context, ws int64, c Connection) (*calendar.Service, error) {
	plain, err := g.Box.Open(c.token, tokenContext(ws))
	if err != nil {
		return nil, fmt.Errorf("gcal: open token of workspace %d: %w", ws, err)
	}
	var tok oauth2.Token
	if err := json.Unmarshal(plain, &tok); err != nil {
		return nil, fmt.Errorf("gcal: read token of workspace %d: %w", ws, err)
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, g.HTTP)
	ts := &savingSource{g: g, ws: ws, last: tok.AccessToken, base: g.oauth.TokenSource(ctx, &tok)}
	opts := []option.ClientOption{option.WithHTTPClient(oauth2.NewClient(ctx, ts))}
	if g.Config.APIEndpoint != "" {
		opts = append(opts, option.WithEndpoint(g.Config.APIEndpoint))
	}
	svc, err := calendar.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("gcal: calendar client: %w", err)
	}
	return svc, nil
}

// savingSource stores each new access token, so a refresh is not repeated by every job.
type savingSource struct {
	g    *Sync
	ws   int64
	last string
	base oauth2.TokenSource
}

func (s *savingSource) Token() (*oauth2.Token, error) {
	t, err := s.base.Token()
	if err != nil {
		return nil, fmt.Errorf("gcal: refresh google token: %w", err)
	}
	if t.AccessToken != s.last {
		if err := s.g.saveToken(context.Background(), s.ws, t); err != nil {
			s.g.Log.Warn("refreshed google token not stored", "workspace_id", s.ws, "error", err)
		} else {
			s.last = t.AccessToken
		}
	}
	return t, nil
}

func (g *Sync) sealToken(ws int64, t *oauth2.Token) ([]byte, error) {
	plain, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return g.Box.Seal(plain, tokenContext(ws))
}

func (g *Sync) saveToken(ctx context.Context, ws int64, t *oauth2.Token) error {
	sealed, err := g.sealToken(ws, t)
	if err != nil {
		return err
	}
	_, err = g.Pool.Exec(ctx, g.q.SaveToken, ws, sealed)
	return err
}

func (g *Sync) failed(ctx context.Context, ws int64, err error) {
	if _, e := g.Pool.Exec(context.WithoutCancel(ctx), g.q.Failed, ws, err.Error()); e != nil {
		g.Log.Warn("gcal: record failure", "workspace_id", ws, "error", e)
	}
}

func (g *Sync) location(ctx context.Context, ws int64) (*time.Location, string, error) {
	var tz string
	if err := g.Pool.QueryRow(ctx, g.q.Timezone, ws).Scan(&tz); err != nil {
		return nil, "", fmt.Errorf("gcal: timezone of workspace %d: %w", ws, err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC, "UTC", nil //nolint:nilerr // a zone the system lacks: UTC, as the rest of frontdesk does
	}
	return loc, tz, nil
}
