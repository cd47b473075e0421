package gcal

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

// AuthCodeURL is where the owner's browser goes to grant access; state must come back
// unchanged to the callback. Offline access with a forced consent screen gets a
// refresh token, so sync keeps working after the hour an access token lasts.
func (g *Sync) AuthCodeURL(state string) string {
	return g.oauth.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
}

// Connect exchanges the callback's code for a token, stores it sealed, and queues the
// first sync. calendarID "" is the owner's primary calendar.
func (g *Sync) Connect(ctx context.Context, ws int64, code, calendarID string) error {
	if !g.Configured() {
		return ErrNotConfigured
	}
	tok, err := g.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, g.HTTP), code)
	if err != nil {
		return fmt.Errorf("gcal: google refused the sign-in: %w", err)
	}
	sealed, err := g.sealToken(ws, tok)
	if err != nil {
		return fmt.Errorf("gcal: store token: %w", err)
	}
	return pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, g.q.ClearBusy, ws); err != nil {
			return fmt.Errorf("gcal: clear busy times: %w", err)
		}
		if _, err := tx.Exec(ctx, g.q.UpsertConnection, ws, calendarOrPrimary(calendarID), sealed); err != nil {
			return fmt.Errorf("gcal: save connection: %w", err)
		}
		return g.queueSync(ctx, tx, ws)
	})
}

// SetCalendar chooses which of the owner's calendars to use ("" or "primary": theirs).
func (g *Sync) SetCalendar(ctx context.Context, ws int64, calendarID string) error {
	return pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, g.q.SetCalendar, ws, calendarOrPrimary(calendarID))
		if err != nil {
			return fmt.Errorf("gcal: choose calendar: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotConnected
		}
		if _, err := tx.Exec(ctx, g.q.ClearBusy, ws); err != nil {
			return fmt.Errorf("gcal: clear busy times: %w", err)
		}
		if _, err := tx.Exec(ctx, g.q.ForgetEvents, ws); err != nil {
			return fmt.Errorf("gcal: forget events: %w", err)
		}
		return g.queueSync(ctx, tx, ws)
	})
}

// Disconnect stops the push channel, and forgets the token, the busy times, which
// events were ours and which staff calendars could not be read. Events already in
// Google stay there.
func (g *Sync) Disconnect(ctx context.Context, ws int64) error {
	g.stopWatching(ctx, ws)
	return pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		for _, q := range []string{g.q.DeleteConnection, g.q.ClearBusy, g.q.ForgetEvents} {
			if _, err := tx.Exec(ctx, q, ws); err != nil {
				return fmt.Errorf("gcal: disconnect: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, g.q.ClearResourceErrors, ws, []int64{}); err != nil {
			return fmt.Errorf("gcal: disconnect: %w", err)
		}
		return nil
	})
}

func calendarOrPrimary(id string) string {
	if id = strings.TrimSpace(id); id == "" {
		return "primary"
	}
	return id
}

func (g *Sync) queueSync(ctx context.Context, tx pgx.Tx, ws int64) error {
	if g.jobs == nil {
		return nil
	}
	if _, err := g.jobs.InsertTx(ctx, tx, SyncArgs{WorkspaceID: ws}, nil); err != nil {
		return fmt.Errorf("gcal: queue sync: %w", err)
	}
	if g.Config.WebhookURL == "" {
		return nil
	}
	// A new connection or calendar gets a channel of its own.
	if _, err := g.jobs.InsertTx(ctx, tx, WatchArgs{WorkspaceID: ws}, nil); err != nil {
		return fmt.Errorf("gcal: queue watch: %w", err)
	}
	return nil
}
