package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"

	"github.com/frontdesk/frontdesk/channels"
)

// Send delivers a reply through the bot the customer wrote to and returns Telegram's
// message id. A refusal that retrying cannot fix (the customer blocked the bot, the
// chat is gone, the token was revoked) is marked channels.Permanent; a 429 becomes a
// channels.RetryAfterError.
func (ch *Channel) Send(ctx context.Context, out channels.Outbound) (string, error) {
	a, c, err := ch.account(ctx, out.AccountID)
	if err != nil {
		return "", err
	}
	if a.WorkspaceID != out.WorkspaceID {
		return "", channels.Permanent(fmt.Errorf("telegram: bot %d belongs to another workspace", a.ID))
	}
	chatID, err := strconv.ParseInt(out.Address, 10, 64)
	if err != nil {
		return "", channels.Permanent(fmt.Errorf("telegram: %q is not a Telegram chat id", out.Address))
	}
	b, err := ch.client(a, c)
	if err != nil {
		return "", err
	}
	for _, key := range []string{itoa(a.ID), itoa(a.ID) + ":" + out.Address} {
		lim := ch.perBot
		if strings.Contains(key, ":") {
			lim = ch.perChat
		}
		if ok, wait := lim.Allow(key); !ok {
			return "", &channels.RetryAfterError{After: wait, Err: errors.New("telegram: sending faster than Telegram allows")}
		}
	}
	if len(out.Files) > 0 {
		return ch.sendWithFiles(ctx, b, chatID, out)
	}
	// Plain text: a reply is never parsed as Markdown or HTML, so no character breaks it.
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: out.Text})
	if err != nil {
		return "", classify(err, "send the reply")
	}
	return strconv.Itoa(msg.ID), nil
}

// classify turns a Bot API error into the pipeline's vocabulary: permanent, retry
// after a while, or (5xx, network) plain and retried.
func classify(err error, doing string) error {
	if tm, ok := errors.AsType[*bot.TooManyRequestsError](err); ok {
		return &channels.RetryAfterError{
			After: time.Duration(tm.RetryAfter) * time.Second,
			Err:   fmt.Errorf("telegram: %s: Telegram asks to slow down (%w)", doing, err),
		}
	}
	desc := strings.ToLower(err.Error())
	var why string
	switch {
	case errors.Is(err, bot.ErrorForbidden) && strings.Contains(desc, "blocked"):
		why = "the customer has blocked the bot"
	case errors.Is(err, bot.ErrorForbidden) && strings.Contains(desc, "deactivated"):
		why = "the customer deleted their Telegram account"
	case errors.Is(err, bot.ErrorForbidden):
		why = "Telegram does not let the bot write to this chat"
	case errors.Is(err, bot.ErrorBadRequest) && strings.Contains(desc, "chat not found"):
		why = "Telegram does not know this chat (chat not found)"
	case errors.Is(err, bot.ErrorBadRequest):
		why = "Telegram refused the request"
	case isBadToken(err):
		why = "Telegram rejected the bot token; it was revoked or changed in @BotFather, so add the bot again"
	default:
		return fmt.Errorf("telegram: %s: %w", doing, err)
	}
	return channels.Permanent(fmt.Errorf("telegram: %s: %s (%w)", doing, why, err))
}

// isBadToken reports whether Telegram does not know the bot: 401, or 404 for a token
// that does not even name a bot.
func isBadToken(err error) bool {
	return errors.Is(err, bot.ErrorUnauthorized) || errors.Is(err, bot.ErrorNotFound)
}
