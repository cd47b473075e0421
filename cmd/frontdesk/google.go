package main

import (
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/secret"
)

// newGoogle builds the Google Calendar sync and hooks it into the booking store: busy
// times are refreshed before slot searches, and appointment changes are pushed. Without
// GOOGLE_CLIENT_ID it stays idle and the calendar page says what to set.
func newGoogle(cfg config.Config, log *slog.Logger, pool *pgxpool.Pool, box *secret.Box, bk *booking.Store) (*gcal.Sync, error) {
	log = log.With("component", "gcal")
	g, err := gcal.New(gcal.Options{Pool: pool, Box: box, Booking: bk, Log: log, Config: gcal.Config{
		ClientID: cfg.GoogleClientID, ClientSecret: cfg.GoogleClientSecret, RedirectURL: cfg.GoogleRedirectURL(),
		AuthURL: cfg.GoogleAuthURL, TokenURL: cfg.GoogleTokenURL, APIEndpoint: cfg.GoogleCalendarEndpoint,
		WebhookURL: googleWebhookURL(cfg.BaseURL),
	}})
	if err != nil {
		return nil, err
	}
	bk.UseBusy(g, log)
	bk.OnChange(g)
	return g, nil
}

// googleWebhookURL is where Google is asked to push calendar changes: Google sends them
// only to HTTPS addresses, so a plain-HTTP base URL watches nothing (periodic sync
// still runs), except on a loopback address, where tests run a fake Google.
func googleWebhookURL(base string) string {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" {
		return ""
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme != "https" && (ip == nil || !ip.IsLoopback()) {
		return ""
	}
	return u.String() + gcal.WebhookPath
}
