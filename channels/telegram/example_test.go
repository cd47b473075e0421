package telegram_test

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/telegram"
	"github.com/frontdesk/frontdesk/conversation"
)

// The wiring of a server: the channel is the pipeline's sender and fetcher for
// Telegram, its webhook is on the app, and Poll runs until shutdown.
func Example() {
	var (
		ctx   context.Context
		pool  *pgxpool.Pool
		store *accounts.Store
		log   *slog.Logger
		app   *fiber.App
		opts  conversation.Options
	)
	tg := &telegram.Channel{Accounts: store, Pool: pool, BaseURL: "https://desk.example.com", Log: log}
	opts.Senders = map[channels.Kind]conversation.Sender{channels.Telegram: tg}
	opts.Fetchers = map[channels.Kind]conversation.Fetcher{channels.Telegram: tg}
	conv, _ := conversation.New(opts)
	tg.Conversations = conv
	tg.Register(app)
	go tg.Poll(ctx)
	// After the admin adds a bot: _ = tg.Connect(ctx, workspaceID, accountID)
}
