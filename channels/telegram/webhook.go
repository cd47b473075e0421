package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/go-telegram/bot/models"
	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// SecretHeader carries the secret token Telegram was given with setWebhook.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Register adds the webhook Telegram posts each bot's updates to.
func (ch *Channel) Register(app *fiber.App) {
	app.Post("/webhooks/telegram/:id", ch.webhook)
}

// webhook stores one update and answers 200 only once it is durable; any other answer
// makes Telegram send the update again.
func (ch *Channel) webhook(c *fiber.Ctx) error {
	ch.init()
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.NewError(fiber.StatusNotFound, "no such Telegram bot")
	}
	a, cred, err := ch.Accounts.Cached(ctx, ch.Pool, id)
	if errors.Is(err, accounts.ErrNotFound) || err == nil && a.Kind != accounts.Telegram {
		return fiber.NewError(fiber.StatusNotFound, "no such Telegram bot")
	}
	if err != nil {
		return err
	}
	// Only Telegram knows the secret; constant time, so it cannot be guessed byte by byte.
	got := []byte(c.Get(SecretHeader))
	if cred.WebhookSecret == "" || subtle.ConstantTimeCompare(got, []byte(cred.WebhookSecret)) != 1 {
		return fiber.NewError(fiber.StatusUnauthorized, "the "+SecretHeader+" header is missing or wrong")
	}
	var u models.Update
	if err := json.Unmarshal(c.Body(), &u); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body is not a Telegram update in JSON: "+err.Error())
	}
	if err := ch.ingest(ctx, a, &u); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}
