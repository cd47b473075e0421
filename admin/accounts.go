package admin

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

// Errors of the accounts store.
var (
	ErrBadCredentials = errors.New("wrong email or password")
	ErrUnauthorized   = errors.New("not signed in or the token is not valid")
	ErrInvalidInput   = errors.New("invalid input")
)

// User is a person who signs in to the admin UI.
type User struct {
	WorkspaceID int64
	ID          int64
	Email       string
	Name        string
	Role        string
	hash        string
}

// Accounts stores users, their sessions and API tokens. Secrets are stored hashed.
type Accounts struct {
	q accountQueries
	// dummyHash is checked against when an email is unknown, so the time a login
	// takes does not tell which emails exist.
	dummyHash string
}

type accountQueries struct {
	InsertUser, UserByEmail, InsertSession, SessionUser, DeleteSession, InsertToken, TokenWorkspace string
	LoginLockedFor, RecordLoginFailure, LockLogin, ClearLoginFailures, PasswordHashes               string
	team                                                                                            teamQueries
}

// passwordParams are OWASP's argon2id setting of 19 MiB, 2 passes, 1 lane. The library's
// default (64 MiB, 1 pass) costs the same time but 64 MiB per sign-in, which a few
// concurrent ones turn into most of a node's memory. Hashes keep their parameters, so
// older ones still verify.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32} //nolint:gochecknoglobals // constant settings

// NewAccounts loads the store's queries.
func NewAccounts() (*Accounts, error) {
	a := &Accounts{}
	if err := sqlset.Load(&a.q, accountsSQL); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	if err := sqlset.Load(&a.q.team, teamSQL); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	var err error
	if a.dummyHash, err = argon2id.CreateHash(secret.New(""), passwordParams); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return a, nil
}

// CreateUser adds a user with an argon2id password hash.
func (a *Accounts) CreateUser(ctx context.Context, db database.DBTX, ws int64, email, name, role, password string) (User, error) {
	email = strings.TrimSpace(email)
	if _, err := mail.ParseAddress(email); err != nil || strings.ContainsAny(email, "<> ") {
		return User{}, fmt.Errorf("%w: %q is not an email address", ErrInvalidInput, email)
	}
	if len(password) < 8 {
		return User{}, fmt.Errorf("%w: the password needs at least 8 characters", ErrInvalidInput)
	}
	if role == "" {
		role = RoleOwner
	}
	if role != RoleOwner && role != RoleStaff {
		return User{}, fmt.Errorf("%w: role must be owner or staff", ErrInvalidInput)
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return User{}, fmt.Errorf("admin: hash password: %w", err)
	}
	u := User{WorkspaceID: ws, Email: strings.ToLower(email), Name: name, Role: role}
	if err := db.QueryRow(ctx, a.q.InsertUser, ws, email, name, role, hash).Scan(&u.ID); err != nil {
		if strings.Contains(err.Error(), "users_email_key") {
			return User{}, fmt.Errorf("%w: a user with email %s already exists", ErrInvalidInput, email)
		}
		return User{}, fmt.Errorf("admin: create user: %w", err)
	}
	return u, nil
}

// Authenticate checks an email and password.
func (a *Accounts) Authenticate(ctx context.Context, db database.DBTX, email, password string) (User, error) {
	var u User
	err := db.QueryRow(ctx, a.q.UserByEmail, strings.TrimSpace(email)).Scan(&u.WorkspaceID, &u.ID, &u.Email, &u.Name, &u.Role, &u.hash)
	if errors.Is(err, pgx.ErrNoRows) {
		_, _ = argon2id.ComparePasswordAndHash(password, a.dummyHash)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("admin: find user: %w", err)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, u.hash)
	if err != nil {
		return User{}, fmt.Errorf("admin: check password: %w", err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// CreateSession starts a server-side session and returns its token (for the cookie).
func (a *Accounts) CreateSession(ctx context.Context, db database.DBTX, u User, ttl time.Duration) (string, error) {
	token := secret.New("fds_")
	if _, err := db.Exec(ctx, a.q.InsertSession, u.WorkspaceID, secret.Hash(token), u.ID, time.Now().Add(ttl)); err != nil {
		return "", fmt.Errorf("admin: create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the user of a live session.
func (a *Accounts) SessionUser(ctx context.Context, db database.DBTX, token string) (User, error) {
	var u User
	err := db.QueryRow(ctx, a.q.SessionUser, secret.Hash(token)).Scan(&u.WorkspaceID, &u.ID, &u.Email, &u.Name, &u.Role, &u.hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrUnauthorized
	}
	if err != nil {
		return User{}, fmt.Errorf("admin: find session: %w", err)
	}
	if _, err := db.Exec(ctx, a.q.team.TouchUser, u.WorkspaceID, u.ID); err != nil {
		return User{}, fmt.Errorf("admin: touch user: %w", err)
	}
	return u, nil
}

// EndSession deletes a session.
func (a *Accounts) EndSession(ctx context.Context, db database.DBTX, token string) error {
	if _, err := db.Exec(ctx, a.q.DeleteSession, secret.Hash(token)); err != nil {
		return fmt.Errorf("admin: end session: %w", err)
	}
	return nil
}

// CreateToken makes an owner's API token for a workspace and returns it; only its hash is kept.
func (a *Accounts) CreateToken(ctx context.Context, db database.DBTX, ws int64, name string) (string, error) {
	return a.CreateRoleToken(ctx, db, ws, name, RoleOwner)
}

// CreateRoleToken makes an API token that acts with role (owner or staff).
func (a *Accounts) CreateRoleToken(ctx context.Context, db database.DBTX, ws int64, name, role string) (string, error) {
	if role != RoleOwner && role != RoleStaff {
		return "", fmt.Errorf("%w: role must be owner or staff", ErrInvalidInput)
	}
	token := secret.New("fdt_")
	var id int64
	if err := db.QueryRow(ctx, a.q.InsertToken, ws, secret.Hash(token), name, role).Scan(&id); err != nil {
		return "", fmt.Errorf("admin: create token: %w", err)
	}
	return token, nil
}

// TokenWorkspace returns the workspace an API token belongs to and the role it acts with.
func (a *Accounts) TokenWorkspace(ctx context.Context, db database.DBTX, token string) (ws int64, role string, err error) {
	err = db.QueryRow(ctx, a.q.TokenWorkspace, secret.Hash(token)).Scan(&ws, &role)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", ErrUnauthorized
	}
	if err != nil {
		return 0, "", fmt.Errorf("admin: find token: %w", err)
	}
	return ws, role, nil
}
