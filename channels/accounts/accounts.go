// Package accounts keeps a business's channel accounts (a Twilio number, a Telegram
// bot, a WhatsApp device) with their credentials sealed at rest. Channel packages read
// accounts from here; the admin UI and API create and remove them.
package accounts

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// ErrNotFound is returned for an account that does not exist in the workspace.
var ErrNotFound = errors.New("channel account not found")

// Kind is the provider an account belongs to.
type Kind string

// The providers.
const (
	Twilio   Kind = "twilio"
	Telegram Kind = "telegram"
	WhatsApp Kind = "whatsapp"
)

// Account is one channel account, without its secrets.
type Account struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Kind        Kind      `json:"kind"`
	Name        string    `json:"name"`
	Settings    Settings  `json:"settings"`
	Status      string    `json:"status"`
	LastError   string    `json:"last_error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Settings are what may be shown of an account.
type Settings struct {
	// PhoneNumber is a Twilio number in E.164 (it may send SMS and WhatsApp).
	PhoneNumber string `json:"phone_number,omitempty"`
	// AccountSID is Twilio's account id; it is not a secret.
	AccountSID string `json:"account_sid,omitempty"`
	// APIBaseURL points the provider's client at another host (a self-hosted Telegram
	// Bot API server, a Twilio-compatible gateway, a test fake). Empty: the provider's own.
	APIBaseURL string `json:"api_base_url,omitempty"`
	// TokenHint is the end of the secret token, so an owner can tell accounts apart.
	TokenHint string `json:"token_hint,omitempty"`
	// BotUsername is the Telegram bot's @name, once known.
	BotUsername string `json:"bot_username,omitempty"`
	// JID is the paired WhatsApp device.
	JID string `json:"jid,omitempty"`
}

// Credentials are an account's secrets. They leave this package only to the channel
// that uses them.
type Credentials struct {
	AuthToken string `json:"auth_token,omitempty"`
	BotToken  string `json:"bot_token,omitempty"`
	// WebhookSecret is what Telegram echoes in X-Telegram-Bot-Api-Secret-Token.
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// beginner is a pool or a transaction.
type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Store reads and writes accounts.
type Store struct {
	q     queries
	box   *secret.Box
	cache cache
}

type queries struct {
	Insert, SetCredentials, List, Get, GetAny, ListKind, SetStatus, ReleaseConversations, Delete, SetJID string
}

// NewStore loads the queries; box seals credentials.
func NewStore(box *secret.Box) (*Store, error) {
	s := &Store{box: box}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, err
	}
	return s, nil
}

// sealContext binds sealed credentials to their row.
func sealContext(id int64) []byte { return []byte("channel_account:" + strconv.FormatInt(id, 10)) }

// Create stores a checked account with its credentials sealed, in one transaction.
func (s *Store) Create(ctx context.Context, db beginner, ws int64, a Account, c Credentials) (Account, error) {
	a.WorkspaceID = ws
	if a.Status == "" {
		a.Status = "active"
	}
	settings, err := json.Marshal(a.Settings)
	if err != nil {
		return a, err
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return a, err
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, s.q.Insert, ws, a.Kind, a.Name, settings, a.Status).Scan(&a.ID, &a.CreatedAt); err != nil {
			return fmt.Errorf("accounts: insert: %w", err)
		}
		sealed, err := s.box.Seal(plain, sealContext(a.ID))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, s.q.SetCredentials, ws, a.ID, sealed)
		return err
	})
	return a, err
}

// List returns the workspace's accounts, oldest first.
func (s *Store) List(ctx context.Context, db database.DBTX, ws int64) ([]Account, error) {
	rows, err := db.Query(ctx, s.q.List, ws)
	if err != nil {
		return nil, fmt.Errorf("accounts: list: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Account, error) {
		var a Account
		err := r.Scan(&a.ID, &a.WorkspaceID, &a.Kind, &a.Name, &a.Settings, &a.Status, &a.LastError, &a.CreatedAt)
		return a, err
	})
}

// Get returns one of the workspace's accounts with its credentials.
func (s *Store) Get(ctx context.Context, db database.DBTX, ws, id int64) (Account, Credentials, error) {
	return s.scanOne(db.QueryRow(ctx, s.q.Get, ws, id))
}

// Lookup returns an account by id alone, for a webhook that must then prove it is
// the provider (by signature or secret token) with the credentials returned.
func (s *Store) Lookup(ctx context.Context, db database.DBTX, id int64) (Account, Credentials, error) {
	return s.scanOne(db.QueryRow(ctx, s.q.GetAny, id))
}

// OfKind returns every workspace's accounts of one kind, for the workers that keep
// connections open (Telegram polling, WhatsApp devices).
func (s *Store) OfKind(ctx context.Context, db database.DBTX, k Kind) ([]Account, []Credentials, error) {
	rows, err := db.Query(ctx, s.q.ListKind, k)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: list %s: %w", k, err)
	}
	defer rows.Close()
	var as []Account
	var cs []Credentials
	for rows.Next() {
		a, c, err := s.scanOne(rows)
		if err != nil {
			return nil, nil, err
		}
		as, cs = append(as, a), append(cs, c)
	}
	return as, cs, rows.Err()
}

func (s *Store) scanOne(row pgx.Row) (Account, Credentials, error) {
	var a Account
	var c Credentials
	var sealed []byte
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.Kind, &a.Name, &a.Settings, &a.Status, &a.LastError, &a.CreatedAt, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, c, ErrNotFound
	}
	if err != nil {
		return a, c, fmt.Errorf("accounts: read: %w", err)
	}
	plain, err := s.box.Open(sealed, sealContext(a.ID))
	if err != nil {
		return a, c, fmt.Errorf("accounts: credentials of account %d: %w", a.ID, err)
	}
	if err := json.Unmarshal(plain, &c); err != nil {
		return a, c, fmt.Errorf("accounts: credentials of account %d: %w", a.ID, err)
	}
	return a, c, nil
}

// SetStatus records whether an account works, and why not.
func (s *Store) SetStatus(ctx context.Context, db database.DBTX, ws, id int64, status, lastError string) error {
	_, err := db.Exec(ctx, s.q.SetStatus, ws, id, status, lastError)
	s.forget(id)
	return err
}

// Delete removes an account. Its conversations stay; their replies have no route until
// the customer writes again through another account.
//
// Its conversations are let go of first: the pipeline locks a conversation before the
// account it refers to, and deleting in the other order deadlocks with a reply in flight.
func (s *Store) Delete(ctx context.Context, pool *pgxpool.Pool, ws, id int64) error {
	defer s.forget(id)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.q.ReleaseConversations, ws, id); err != nil {
			return fmt.Errorf("accounts: delete: %w", err)
		}
		tag, err := tx.Exec(ctx, s.q.Delete, ws, id)
		if err != nil {
			return fmt.Errorf("accounts: delete: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// SetJID records the WhatsApp device paired for an account ("" forgets it).
func (s *Store) SetJID(ctx context.Context, db database.DBTX, ws, id int64, jid string) error {
	tag, err := db.Exec(ctx, s.q.SetJID, ws, id, jid)
	s.forget(id)
	if err != nil {
		return fmt.Errorf("accounts: set device: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
