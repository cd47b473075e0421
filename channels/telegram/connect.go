package telegram

import (
	"context"
	"fmt"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// Connect makes a bot just added to workspace ws start receiving. It checks the token
// with getMe; then, when BaseURL is public https, it points the bot's webhook at
// Register's route, and otherwise wakes Poll to start polling the bot now rather than
// at its next refresh. The outcome is recorded as the account's status and returned.
func (ch *Channel) Connect(ctx context.Context, ws, id int64) error {
	ch.init()
	a, c, err := ch.Accounts.Get(ctx, ch.Pool, ws, id)
	if err != nil {
		return err
	}
	if a.Kind != accounts.Telegram {
		return fmt.Errorf("telegram: account %d is a %s account", id, a.Kind)
	}
	err = ch.connect(ctx, a, c)
	select {
	case ch.wakeup <- struct{}{}:
	default: // Poll is already due to refresh
	}
	return err
}

// connect checks a's token and, in webhook mode, sets its webhook, recording the
// outcome on the account.
func (ch *Channel) connect(ctx context.Context, a accounts.Account, c accounts.Credentials) error {
	err := ch.setUp(ctx, a, c)
	if ctx.Err() != nil {
		return err // shutting down: nothing was learnt about the bot
	}
	if err != nil {
		ch.Log.Warn("telegram: connect bot", "account_id", a.ID, "error", err)
	}
	ch.record(ctx, &a, err)
	return err
}

func (ch *Channel) setUp(ctx context.Context, a accounts.Account, c accounts.Credentials) error {
	b, err := ch.client(a, c)
	if err != nil {
		return err
	}
	if _, err := b.GetMe(ctx); err != nil {
		return classify(err, "check the bot")
	}
	if !ch.usesWebhook() {
		return nil
	}
	_, err = b.SetWebhook(ctx, &bot.SetWebhookParams{
		URL:            ch.webhookURL(a.ID),
		SecretToken:    c.WebhookSecret,
		AllowedUpdates: []string{models.AllowedUpdateMessage},
	})
	if err != nil {
		return classify(err, "set the webhook")
	}
	ch.mu.Lock()
	ch.webhooks[a.ID] = botKey(a, c)
	ch.mu.Unlock()
	return nil
}

// record saves whether a works, and why not, when that changed since a was read.
func (ch *Channel) record(ctx context.Context, a *accounts.Account, err error) {
	status, lastError := "active", ""
	if err != nil {
		status, lastError = "error", err.Error()
	}
	if a.Status == status && a.LastError == lastError {
		return
	}
	if serr := ch.Accounts.SetStatus(context.WithoutCancel(ctx), ch.Pool, a.WorkspaceID, a.ID, status, lastError); serr != nil {
		ch.Log.Error("telegram: record bot status", "account_id", a.ID, "error", serr)
		return
	}
	a.Status, a.LastError = status, lastError
}
