package whatsapp_test

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/conversation"
)

// The wiring of a server: the channel is the pipeline's sender and fetcher for
// WhatsApp, Run keeps the devices connected in the process that works jobs, and the
// admin starts a pairing when an owner adds an account, then polls QR for the code.
func Example() {
	var (
		ctx      context.Context
		pool     *pgxpool.Pool
		accounts whatsapp.AccountStore // *accounts.Store
		log      *slog.Logger
		opts     conversation.Options
	)
	wa, err := whatsapp.New(ctx, whatsapp.Options{Pool: pool, Accounts: accounts, Log: log})
	if err != nil {
		return
	}
	defer func() { _ = wa.Close() }()
	opts.Senders = map[channels.Kind]conversation.Sender{channels.WhatsApp: wa}
	opts.Fetchers = map[channels.Kind]conversation.Fetcher{channels.WhatsApp: wa}
	conv, _ := conversation.New(opts)
	wa.Conversations = conv
	go wa.Run(ctx)
	// After the owner adds an account: _ = wa.Pair(ctx, workspaceID, accountID)
	// Then, every second or two: code, status, err := wa.QR(workspaceID, accountID)
}
