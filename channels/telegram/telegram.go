// Package telegram is the Telegram channel: customers write to a business's bot, and
// replies go back through it. Updates arrive by webhook when frontdesk is reachable
// over public https, and by long polling otherwise; both paths store an update under
// its update id, so a redelivery never makes a second message.
package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
)

// Ingester stores what customers send (conversation.Service).
type Ingester interface {
	Ingest(ctx context.Context, in channels.Inbound) (conversation.IngestResult, error)
}

// Channel receives and sends Telegram messages for every workspace's bots.
type Channel struct {
	Accounts      *accounts.Store
	Pool          *pgxpool.Pool
	Conversations Ingester
	// BaseURL is where frontdesk is reached from outside. A public https URL means
	// Telegram pushes updates to our webhook; anything else means we poll.
	BaseURL string
	Log     *slog.Logger
	// HTTP talks to Telegram; nil uses a client with a timeout longer than a long poll.
	HTTP *http.Client
	// Refresh is how often Poll re-reads the list of bots (default 30 s).
	Refresh time.Duration

	initOne sync.Once
	// perBot and perChat keep replies inside Telegram's limits: about 30 messages a
	// second per bot, and one a second to the same chat.
	perBot, perChat *ratelimit.Limiter
	wakeup          chan struct{}
	mu              sync.Mutex
	bots            map[int64]cachedBot
	// webhooks holds the botKey each webhook was set with.
	webhooks map[int64]string
}

type cachedBot struct {
	key string
	bot *bot.Bot
}

// pollSeconds is how long Telegram holds a getUpdates call open when nothing is new.
const pollSeconds = 50

func (ch *Channel) init() {
	ch.initOne.Do(func() {
		ch.bots = map[int64]cachedBot{}
		ch.webhooks = map[int64]string{}
		ch.wakeup = make(chan struct{}, 1)
		ch.perBot = ratelimit.New(time.Second/30, 30)
		ch.perChat = ratelimit.New(time.Second, 5)
		if ch.Log == nil {
			ch.Log = slog.Default()
		}
		if ch.HTTP == nil {
			ch.HTTP = &http.Client{Timeout: 2 * pollSeconds * time.Second}
		}
		if ch.Refresh == 0 {
			ch.Refresh = 30 * time.Second
		}
	})
}

// client returns the bot client of account a, reusing one while its token and server
// stay the same.
func (ch *Channel) client(a accounts.Account, c accounts.Credentials) (*bot.Bot, error) {
	ch.init()
	key := botKey(a, c)
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if cb, ok := ch.bots[a.ID]; ok && cb.key == key {
		return cb.bot, nil
	}
	log := ch.Log.With("account_id", a.ID)
	opts := []bot.Option{
		// getMe on every construction would make each send two calls.
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(pollSeconds*time.Second, ch.HTTP),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram client", "error", err) }),
	}
	if a.Settings.APIBaseURL != "" {
		opts = append(opts, bot.WithServerURL(a.Settings.APIBaseURL))
	}
	b, err := bot.New(c.BotToken, opts...)
	if err != nil {
		return nil, channels.Permanent(errors.New("telegram: the account has no bot token; add the bot again"))
	}
	ch.bots[a.ID] = cachedBot{key: key, bot: b}
	return b, nil
}

// account reads a Telegram account by id. A missing one, or one of another kind, is a
// permanent error: retrying cannot bring it back.
func (ch *Channel) account(ctx context.Context, id int64) (accounts.Account, accounts.Credentials, error) {
	if id == 0 {
		return accounts.Account{}, accounts.Credentials{}, channels.Permanent(errors.New("telegram: no bot is linked to this conversation"))
	}
	a, c, err := ch.Accounts.Lookup(ctx, ch.Pool, id)
	if errors.Is(err, accounts.ErrNotFound) || (err == nil && a.Kind != accounts.Telegram) {
		return a, c, channels.Permanent(errors.New("telegram: the bot this conversation came through was removed"))
	}
	return a, c, err
}

// usesWebhook reports whether Telegram can reach BaseURL: it must be https on a host
// that is not loopback, private or a local name.
func (ch *Channel) usesWebhook() bool {
	u, err := url.Parse(ch.BaseURL)
	if err != nil || u.Scheme != "https" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "", host == "localhost", strings.HasSuffix(host, ".localhost"),
		strings.HasSuffix(host, ".local"), strings.HasSuffix(host, ".internal"):
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsGlobalUnicast() && !ip.IsPrivate()
	}
	// A bare name (a container's, a LAN host's) is not on the internet.
	return strings.Contains(host, ".")
}

// webhookURL is where Telegram posts account id's updates.
func (ch *Channel) webhookURL(id int64) string {
	return strings.TrimRight(ch.BaseURL, "/") + "/webhooks/telegram/" + itoa(id)
}
