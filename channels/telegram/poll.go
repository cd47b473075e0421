package telegram

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
)

// Poll keeps every workspace's bots receiving until ctx ends. When BaseURL is public
// https it points each bot's webhook at Register's route; otherwise it long-polls each
// bot. It re-reads the list of bots every Refresh, and at once after Connect.
func (ch *Channel) Poll(ctx context.Context) {
	ch.init()
	webhook := ch.usesWebhook()
	pollers := map[int64]*poller{}
	defer func() {
		for _, p := range pollers {
			p.stop()
		}
	}()
	tick := time.NewTicker(ch.Refresh)
	defer tick.Stop()
	for {
		list, creds, err := ch.Accounts.OfKind(ctx, ch.Pool, accounts.Telegram)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			ch.Log.Error("telegram: list bots", "error", err)
		case webhook:
			for i, a := range list {
				if ch.webhookSet(a, creds[i]) {
					continue
				}
				// Failures are recorded on the account and retried on the next refresh.
				_ = ch.connect(ctx, a, creds[i])
			}
		default:
			ch.syncPollers(ctx, pollers, list, creds)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-ch.wakeup:
		}
	}
}

// poller is the long-polling loop of one bot.
type poller struct {
	key    string
	cancel context.CancelFunc
	done   chan struct{}
}

func (p *poller) stop() {
	p.cancel()
	<-p.done
}

// syncPollers starts a loop for each new bot, restarts the loop of a bot whose token or
// server changed, and stops those of removed bots.
func (ch *Channel) syncPollers(ctx context.Context, pollers map[int64]*poller, list []accounts.Account, creds []accounts.Credentials) {
	seen := make(map[int64]bool, len(list))
	for i, a := range list {
		seen[a.ID] = true
		key := botKey(a, creds[i])
		if p, ok := pollers[a.ID]; ok {
			if p.key == key {
				continue
			}
			// Telegram allows one getUpdates at a time per bot.
			p.stop()
		}
		pctx, cancel := context.WithCancel(ctx)
		p := &poller{key: key, cancel: cancel, done: make(chan struct{})}
		pollers[a.ID] = p
		go func() {
			defer close(p.done)
			ch.pollBot(pctx, a, creds[i])
		}()
	}
	for id, p := range pollers {
		if !seen[id] {
			p.stop()
			delete(pollers, id)
		}
	}
}

// pollBot long-polls one bot until ctx ends. The offset sent with getUpdates confirms
// every update before it, and moves past an update only once it is stored: a crash in
// between makes Telegram send the update again, and its id stores it once.
func (ch *Channel) pollBot(ctx context.Context, a accounts.Account, c accounts.Credentials) {
	log := ch.Log.With("account_id", a.ID)
	// An empty status makes the first outcome be recorded, whatever an earlier run left.
	a.Status, a.LastError = "", ""
	b, err := ch.client(a, c)
	if err != nil {
		ch.record(ctx, &a, err)
		return
	}
	var offset int64
	var wait time.Duration
	webhookRemoved := false
	for ctx.Err() == nil {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		if !webhookRemoved {
			// Telegram refuses getUpdates while a webhook is set, as one may be from a
			// time frontdesk had a public address.
			if _, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
				wait = ch.pollFailed(ctx, &a, classify(err, "remove the webhook"), wait)
				continue
			}
			webhookRemoved = true
			ch.record(ctx, &a, nil)
		}
		updates, err := ch.getUpdates(ctx, a, c, offset)
		if err != nil {
			if errors.Is(err, bot.ErrorConflict) {
				webhookRemoved = false
			}
			wait = ch.pollFailed(ctx, &a, err, wait)
			continue
		}
		wait = 0
		ch.record(ctx, &a, nil)
		for _, u := range updates {
			if err := ch.ingest(ctx, a, &u); err != nil {
				// Not stored: ask again from this update after a pause.
				log.Error("telegram: store polled update", "update_id", u.ID, "error", err)
				wait = backoff(wait, err)
				break
			}
			offset = u.ID + 1
		}
	}
}

// pollFailed logs a failed call, records it on the account when the owner must act
// (a revoked token, another program reading the bot's updates), and says how long to
// wait before the next.
func (ch *Channel) pollFailed(ctx context.Context, a *accounts.Account, err error, wait time.Duration) time.Duration {
	if ctx.Err() != nil {
		return 0
	}
	ch.Log.Warn("telegram: poll", "account_id", a.ID, "error", err)
	if channels.IsPermanent(err) || errors.Is(err, bot.ErrorConflict) {
		ch.record(ctx, a, err)
	}
	return backoff(wait, err)
}

// backoff doubles the pause after each failure, from a second to a minute, unless
// Telegram said how long to wait.
func backoff(prev time.Duration, err error) time.Duration {
	if ra, ok := errors.AsType[*channels.RetryAfterError](err); ok && ra.After > 0 {
		return ra.After
	}
	return min(max(2*prev, time.Second), time.Minute)
}

// getUpdates asks for the updates from offset on, waiting up to pollSeconds for one.
// The client library's own polling loop confirms updates to Telegram before its
// handler has stored them, which loses them in a crash; so this call is made here.
func (ch *Channel) getUpdates(ctx context.Context, a accounts.Account, c accounts.Credentials, offset int64) ([]models.Update, error) {
	body, err := json.Marshal(map[string]any{
		"offset": offset, "timeout": pollSeconds, "allowed_updates": []string{models.AllowedUpdateMessage},
	})
	if err != nil {
		return nil, err
	}
	u := cmp.Or(a.Settings.APIBaseURL, "https://api.telegram.org") + "/bot" + c.BotToken + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegram: get updates: %w", hideToken(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := ch.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: get updates: %w", hideToken(err))
	}
	defer func() { _ = resp.Body.Close() }()
	var r struct {
		OK          bool            `json:"ok"`
		Result      []models.Update `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("telegram: get updates: Telegram answered %s with a body that is not the Bot API's: %w", resp.Status, err)
	}
	if !r.OK {
		return nil, classify(apiError(r.ErrorCode, r.Description, r.Parameters.RetryAfter), "get updates")
	}
	return r.Result, nil
}

// apiError is the error the client library returns for a failed call, so that one
// classify reads both.
func apiError(code int, desc string, retryAfter int) error {
	var kind error
	switch code {
	case http.StatusTooManyRequests:
		return &bot.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", bot.ErrorTooManyRequests, desc), RetryAfter: retryAfter}
	case http.StatusForbidden:
		kind = bot.ErrorForbidden
	case http.StatusBadRequest:
		kind = bot.ErrorBadRequest
	case http.StatusUnauthorized:
		kind = bot.ErrorUnauthorized
	case http.StatusNotFound:
		kind = bot.ErrorNotFound
	case http.StatusConflict:
		kind = bot.ErrorConflict
	default:
		return fmt.Errorf("error response from telegram, %d %s", code, desc)
	}
	return fmt.Errorf("%w, %s", kind, desc)
}

// botKey changes when an account's token or server does.
func botKey(a accounts.Account, c accounts.Credentials) string {
	return c.BotToken + "\x00" + a.Settings.APIBaseURL
}

// webhookSet reports whether a's webhook was set with its current token and server.
func (ch *Channel) webhookSet(a accounts.Account, c accounts.Credentials) bool {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.webhooks[a.ID] == botKey(a, c)
}
