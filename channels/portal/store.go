package portal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

// Errors of the portal.
var (
	ErrBadLink    = errors.New("this chat link is not valid or has expired; ask the business for a new one")
	ErrNoSession  = errors.New("the chat session is not valid or has expired; open your chat link again")
	ErrBadCode    = errors.New("that code is not right or has expired")
	ErrTooManyTry = errors.New("too many wrong codes; ask for a new one")
)

// maxCodeAttempts bounds guesses of a six-digit code.
const maxCodeAttempts = 5

// Store keeps portal links, one-time codes and sessions. Tokens and codes are stored hashed.
type Store struct {
	q queries
	// cache remembers live sessions briefly: every message a customer posts needs its
	// session, and a lookup per post is a round trip on the hottest path. A session
	// ended on another node stays usable here for at most sessionCacheTTL.
	mu    sync.Mutex
	cache map[string]cachedSession
}

type cachedSession struct {
	s     Session
	until time.Time
}

const (
	sessionCacheTTL  = 10 * time.Second
	sessionCacheSize = 10000
)

type queries struct {
	InsertLink, LinkContact, InsertSession, SessionContact, DeleteSession string
	UpsertCode, CountAttempt, DeleteCode                                  string
}

// NewStore loads the store's queries.
func NewStore() (*Store, error) {
	s := &Store{cache: map[string]cachedSession{}}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	return s, nil
}

// Session is a customer signed in to the portal.
type Session struct {
	WorkspaceID   int64
	ContactID     int64
	Slug          string
	BusinessName  string
	AssistantName string
	ContactName   string
	ContactPhone  string
}

// CreateLink makes a link token that signs the contact in to the portal until it expires.
func (s *Store) CreateLink(ctx context.Context, db database.DBTX, ws, contactID int64, ttl time.Duration) (string, error) {
	token := secret.New("pl_")
	if _, err := db.Exec(ctx, s.q.InsertLink, ws, secret.Hash(token), contactID, time.Now().Add(ttl)); err != nil {
		return "", fmt.Errorf("portal: create link: %w", err)
	}
	return token, nil
}

// OpenLink exchanges a link token for a new session token.
func (s *Store) OpenLink(ctx context.Context, db database.DBTX, linkToken string, ttl time.Duration) (string, error) {
	var ws, contactID int64
	err := db.QueryRow(ctx, s.q.LinkContact, secret.Hash(linkToken)).Scan(&ws, &contactID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrBadLink
	}
	if err != nil {
		return "", fmt.Errorf("portal: open link: %w", err)
	}
	return s.CreateSession(ctx, db, ws, contactID, ttl)
}

// CreateSession starts a portal session for a contact.
func (s *Store) CreateSession(ctx context.Context, db database.DBTX, ws, contactID int64, ttl time.Duration) (string, error) {
	token := secret.New("ps_")
	if _, err := db.Exec(ctx, s.q.InsertSession, ws, secret.Hash(token), contactID, time.Now().Add(ttl)); err != nil {
		return "", fmt.Errorf("portal: create session: %w", err)
	}
	return token, nil
}

// Session returns the live session of a token.
func (s *Store) Session(ctx context.Context, db database.DBTX, token string) (Session, error) {
	var ps Session
	if token == "" {
		return ps, ErrNoSession
	}
	key := string(secret.Hash(token))
	now := time.Now()
	s.mu.Lock()
	c, ok := s.cache[key]
	s.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.s, nil
	}
	var expires time.Time
	err := db.QueryRow(ctx, s.q.SessionContact, []byte(key)).Scan(&ps.WorkspaceID, &ps.ContactID, &ps.Slug,
		&ps.BusinessName, &ps.AssistantName, &ps.ContactName, &ps.ContactPhone, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return ps, ErrNoSession
	}
	if err != nil {
		return ps, fmt.Errorf("portal: find session: %w", err)
	}
	until := now.Add(sessionCacheTTL)
	if expires.Before(until) {
		until = expires
	}
	s.mu.Lock()
	if len(s.cache) >= sessionCacheSize {
		clear(s.cache)
	}
	s.cache[key] = cachedSession{s: ps, until: until}
	s.mu.Unlock()
	return ps, nil
}

// EndSession signs the customer out.
func (s *Store) EndSession(ctx context.Context, db database.DBTX, token string) error {
	s.mu.Lock()
	delete(s.cache, string(secret.Hash(token)))
	s.mu.Unlock()
	if _, err := db.Exec(ctx, s.q.DeleteSession, secret.Hash(token)); err != nil {
		return fmt.Errorf("portal: end session: %w", err)
	}
	return nil
}

// codeKey binds a code to its workspace and phone, so a stored hash is useless elsewhere.
func codeKey(ws int64, phone, code string) []byte {
	m := hmac.New(sha256.New, []byte(phone))
	fmt.Fprintf(m, "%d:%s", ws, code)
	return m.Sum(nil)
}

// CreateCode makes a six-digit one-time code for a phone, valid for ten minutes.
func (s *Store) CreateCode(ctx context.Context, db database.DBTX, ws int64, phone string) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("portal: make code: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	if _, err := db.Exec(ctx, s.q.UpsertCode, ws, phone, codeKey(ws, phone, code), time.Now().Add(10*time.Minute)); err != nil {
		return "", fmt.Errorf("portal: store code: %w", err)
	}
	return code, nil
}

// CheckCode verifies a code; a right code is used up, and five wrong ones burn it.
func (s *Store) CheckCode(ctx context.Context, db database.DBTX, ws int64, phone, code string) error {
	var stored []byte
	var attempts int
	err := db.QueryRow(ctx, s.q.CountAttempt, ws, phone).Scan(&stored, &attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrBadCode
	}
	if err != nil {
		return fmt.Errorf("portal: check code: %w", err)
	}
	if attempts > maxCodeAttempts {
		return ErrTooManyTry
	}
	if !hmac.Equal(stored, codeKey(ws, phone, code)) {
		return ErrBadCode
	}
	if _, err := db.Exec(ctx, s.q.DeleteCode, ws, phone); err != nil {
		return fmt.Errorf("portal: use code: %w", err)
	}
	return nil
}
