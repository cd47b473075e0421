// Package whatsapp is the WhatsApp channel through whatsmeow: the business links
// frontdesk to its WhatsApp as a companion device by scanning a QR code, and customers'
// messages to that number reach the pipeline; replies leave from it.
//
// whatsmeow keeps each device's keys in its own tables (whatsmeow_*) in frontdesk's
// database. An account names its device by JID (the account's settings.jid). A device
// may be connected from one place only, so each runs on exactly one frontdesk node: the
// one holding the account's PostgreSQL advisory lock (see leases).
package whatsapp

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// Client is what the channel uses of *whatsmeow.Client, so tests can run it against a
// fake WhatsApp.
type Client interface {
	ConnectContext(ctx context.Context) error
	Disconnect()
	IsConnected() bool
	GetQRChannel(ctx context.Context) (<-chan whatsmeow.QRChannelItem, error)
	AddEventHandlerWithSuccessStatus(handler whatsmeow.EventHandlerWithSuccessStatus) uint32
	SendMessage(ctx context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	DownloadToFile(ctx context.Context, msg whatsmeow.DownloadableMessage, file whatsmeow.File) error
	Upload(ctx context.Context, plaintext []byte, mediaType whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	Logout(ctx context.Context) error
	MarkRead(ctx context.Context, ids []types.MessageID, at time.Time, chat, sender types.JID, receiptType ...types.ReceiptType) error
}

var _ Client = (*whatsmeow.Client)(nil)

// AccountStore is what the channel needs of accounts.Store.
type AccountStore interface {
	Get(ctx context.Context, db database.DBTX, ws, id int64) (accounts.Account, accounts.Credentials, error)
	Lookup(ctx context.Context, db database.DBTX, id int64) (accounts.Account, accounts.Credentials, error)
	OfKind(ctx context.Context, db database.DBTX, k accounts.Kind) ([]accounts.Account, []accounts.Credentials, error)
	SetStatus(ctx context.Context, db database.DBTX, ws, id int64, status, lastError string) error
	// SetJID records the device paired to an account in its settings.jid; "" forgets
	// it once the phone has unlinked the device.
	SetJID(ctx context.Context, db database.DBTX, ws, id int64, jid string) error
}

// Ingester stores what customers send, and what their phones report on replies
// (conversation.Service).
type Ingester interface {
	Ingest(ctx context.Context, in channels.Inbound) (conversation.IngestResult, error)
	UpdateDelivery(ctx context.Context, ws int64, ch channels.Kind, externalID, status, reason string) (bool, error)
}

// DefaultRefresh is Options.Refresh's default: two cheap queries per node every 5 s buy a
// device that moves within seconds of its node dying.
const DefaultRefresh = 5 * time.Second

// Options configure New.
type Options struct {
	Pool     *pgxpool.Pool
	Accounts AccountStore
	Log      *slog.Logger
	// Refresh is how often Run re-reads the accounts, checks that its locks still hold,
	// and tries to take devices no node runs (DefaultRefresh): the longest a device
	// waits for another node when its node dies.
	Refresh time.Duration
	// NewClient makes the client of a device; nil makes whatsmeow's.
	NewClient func(dev *store.Device, log waLog.Logger) Client
}

// Channel pairs, runs and speaks through every workspace's WhatsApp devices.
type Channel struct {
	// Conversations stores incoming messages. It is set after New, since the pipeline
	// is built with the channel as its sender.
	Conversations Ingester
	// Queues, when set, lets the node holding a device work the River queue of its
	// replies (SendQueue). It is set after New, since the River client comes later.
	Queues Queues

	pool      *pgxpool.Pool
	accounts  AccountStore
	log       *slog.Logger
	refresh   time.Duration
	newClient func(dev *store.Device, log waLog.Logger) Client
	q         queries
	db        *sql.DB
	devices   *sqlstore.Container
	leases    *leases
	wakeup    chan struct{}

	// stop ends pairing sessions (Close); pairings counts them.
	base     context.Context
	stop     context.CancelFunc
	pairings sync.WaitGroup

	mu      sync.Mutex
	running map[int64]*device
	pairing map[int64]*pairing
}

type queries struct {
	TryLock, Unlock, UpgradeLock string
}

// New opens the device store in the pool's database and brings its tables up to date.
func New(ctx context.Context, o Options) (*Channel, error) {
	if o.Pool == nil || o.Accounts == nil {
		return nil, errors.New("whatsapp: a pool and an account store are required")
	}
	ch := &Channel{
		pool: o.Pool, accounts: o.Accounts, log: o.Log, refresh: o.Refresh, newClient: o.NewClient,
		wakeup: make(chan struct{}, 1), running: map[int64]*device{}, pairing: map[int64]*pairing{},
	}
	if ch.log == nil {
		ch.log = slog.Default()
	}
	if ch.refresh <= 0 {
		ch.refresh = DefaultRefresh
	}
	if ch.newClient == nil {
		ch.newClient = newWhatsmeowClient
	}
	if err := sqlset.Load(&ch.q, queriesSQL); err != nil {
		return nil, err
	}
	ch.leases = &leases{pool: o.Pool, q: ch.q, held: map[int64]bool{}}
	ch.db = stdlib.OpenDBFromPool(o.Pool)
	ch.devices = sqlstore.NewWithDB(ch.db, "postgres", waLogger{ch.log.With("component", "whatsmeow")})
	// Nodes starting together would otherwise both create whatsmeow's tables; the
	// transaction's lock makes the second wait and find them made.
	err := pgx.BeginFunc(ctx, o.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, ch.q.UpgradeLock, upgradeKey); err != nil {
			return err
		}
		return ch.devices.Upgrade(ctx)
	})
	if err != nil {
		_ = ch.db.Close()
		return nil, fmt.Errorf("whatsapp: set up the device store: %w", err)
	}
	ch.base, ch.stop = context.WithCancel(context.Background())
	return ch, nil
}

// newWhatsmeowClient makes a real client, set up for how the channel runs it.
func newWhatsmeowClient(dev *store.Device, log waLog.Logger) Client {
	c := whatsmeow.NewClient(dev, log)
	// Run reconnects, with backoff, and only while it holds the device's lock.
	c.EnableAutoReconnect = false
	// After pairing, the device is handed to Run rather than logged in here.
	c.DisableLoginAutoReconnect = true
	// A message is acknowledged only once stored; one that is not is sent again by
	// WhatsApp on the next connection, and the buffer keeps its plaintext, since its
	// keys cannot decrypt it twice.
	c.SynchronousAck = true
	c.EnableDecryptedEventBuffer = true
	return c
}

// Close ends pairing sessions and closes the device store. Stop Run first.
func (ch *Channel) Close() error {
	ch.stop()
	ch.pairings.Wait()
	return ch.db.Close()
}

// wake makes Run look at the accounts now rather than at its next refresh.
func (ch *Channel) wake() {
	select {
	case ch.wakeup <- struct{}{}:
	default: // Run is already due to look
	}
}

// account reads a WhatsApp account by id. A missing one, or one of another kind, is a
// permanent error: retrying cannot bring it back.
func (ch *Channel) account(ctx context.Context, id int64) (accounts.Account, error) {
	if id == 0 {
		return accounts.Account{}, channels.Permanent(errors.New("whatsapp: no WhatsApp account is linked to this conversation"))
	}
	a, _, err := ch.accounts.Lookup(ctx, ch.pool, id)
	if errors.Is(err, accounts.ErrNotFound) || (err == nil && a.Kind != accounts.WhatsApp) {
		return a, channels.Permanent(errors.New("whatsapp: the WhatsApp account this conversation came through was removed"))
	}
	return a, err
}

// record saves whether a works, and why not, when that changed since a was read.
func (ch *Channel) record(ctx context.Context, a *accounts.Account, status, lastError string) {
	if a.Status == status && a.LastError == lastError {
		return
	}
	if err := ch.accounts.SetStatus(context.WithoutCancel(ctx), ch.pool, a.WorkspaceID, a.ID, status, lastError); err != nil {
		ch.log.Error("whatsapp: record account status", "account_id", a.ID, "error", err)
		return
	}
	a.Status, a.LastError = status, lastError
}

// waLogger passes whatsmeow's log to slog. Its debug lines (every frame, with message
// contents) are dropped, and its info lines are debug here: they narrate routine work.
type waLogger struct{ log *slog.Logger }

func (l waLogger) Errorf(msg string, args ...any) { l.log.Error(fmt.Sprintf(msg, args...)) }
func (l waLogger) Warnf(msg string, args ...any)  { l.log.Warn(fmt.Sprintf(msg, args...)) }
func (l waLogger) Infof(msg string, args ...any)  { l.log.Debug(fmt.Sprintf(msg, args...)) }
func (l waLogger) Debugf(string, ...any)          {}
func (l waLogger) Sub(module string) waLog.Logger {
	return waLogger{l.log.With("module", module)}
}
