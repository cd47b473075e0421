package admin

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// The two roles. Owners change settings; staff work the inbox (see roles.go).
const (
	RoleOwner = "owner"
	RoleStaff = "staff"
)

// InviteTTL is how long an invitation link works.
const InviteTTL = 7 * 24 * time.Hour

// Errors of the team.
var (
	ErrNotFound  = errors.New("not found")
	ErrLastOwner = errors.New("a workspace needs at least one owner: make someone else an owner first")
	// ErrInviteUnknown, ErrInviteExpired and ErrInviteUsed say why a link does not work.
	ErrInviteUnknown = errors.New("this invitation link is not valid: it may have been revoked or mistyped")
	ErrInviteExpired = errors.New("this invitation has expired: ask an owner to invite you again")
	ErrInviteUsed    = errors.New("this invitation has already been accepted: sign in instead")
)

type teamQueries struct {
	TouchUser, Members, LockOwners, SetRole, DeleteUser, UnassignUser                    string
	DeleteOpenInvite, InsertInvite, OpenInvites, RevokeInvite, InviteByToken, LockInvite string
	AcceptInvite, UserEmailTaken, InsertAdminAudit, AuditEntries, AuditFacets            string
}

// Member is a user of the workspace as the team page shows them.
type Member struct {
	ID        int64      `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	LastSeen  *time.Time `json:"last_seen_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Invite is an invitation not yet accepted.
type Invite struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Workspace   string    `json:"-"`
	Email       string    `json:"email"`
	Role        string    `json:"role"`
	InvitedBy   string    `json:"invited_by,omitempty"`
	ExpiresAt   time.Time `json:"expires_at"`
	CreatedAt   time.Time `json:"created_at"`
	accepted    bool
}

// Expired says whether the link no longer works.
func (i Invite) Expired() bool { return time.Now().After(i.ExpiresAt) }

// beginner starts a transaction: a pool or a connection.
type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Members lists the workspace's users.
func (a *Accounts) Members(ctx context.Context, db database.DBTX, ws int64) ([]Member, error) {
	rows, err := db.Query(ctx, a.q.team.Members, ws)
	if err != nil {
		return nil, fmt.Errorf("admin: list members: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Member, error) {
		var m Member
		return m, r.Scan(&m.ID, &m.Email, &m.Name, &m.Role, &m.LastSeen, &m.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("admin: list members: %w", err)
	}
	return out, nil
}

// Invites lists the invitations not yet accepted, expired ones included.
func (a *Accounts) Invites(ctx context.Context, db database.DBTX, ws int64) ([]Invite, error) {
	rows, err := db.Query(ctx, a.q.team.OpenInvites, ws)
	if err != nil {
		return nil, fmt.Errorf("admin: list invites: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Invite, error) {
		i := Invite{WorkspaceID: ws}
		return i, r.Scan(&i.ID, &i.Email, &i.Role, &i.InvitedBy, &i.ExpiresAt, &i.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("admin: list invites: %w", err)
	}
	return out, nil
}

// CreateInvite invites email to the workspace with role and returns the invitation and
// its token (for the link; only its hash is kept). Inviting an address again replaces
// its open invitation, so the newest link is the one that works.
func (a *Accounts) CreateInvite(ctx context.Context, db beginner, ws, invitedBy int64, email, role string) (Invite, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := mail.ParseAddress(email); err != nil || strings.ContainsAny(email, "<> ") {
		return Invite{}, "", fieldError("email", fmt.Sprintf("%q is not an email address", email))
	}
	if role != RoleOwner && role != RoleStaff {
		return Invite{}, "", fieldError("role", "role must be owner or staff")
	}
	token := secret.New("fdi_")
	inv := Invite{WorkspaceID: ws, Email: email, Role: role, ExpiresAt: time.Now().Add(InviteTTL)}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var taken bool
		if err := tx.QueryRow(ctx, a.q.team.UserEmailTaken, email).Scan(&taken); err != nil {
			return fmt.Errorf("admin: check email: %w", err)
		}
		if taken {
			return fieldError("email", email+" already has an account")
		}
		if _, err := tx.Exec(ctx, a.q.team.DeleteOpenInvite, ws, email); err != nil {
			return fmt.Errorf("admin: replace invite: %w", err)
		}
		if err := tx.QueryRow(ctx, a.q.team.InsertInvite, ws, email, role, secret.Hash(token), invitedBy, inv.ExpiresAt).
			Scan(&inv.ID, &inv.CreatedAt); err != nil {
			return fmt.Errorf("admin: create invite: %w", err)
		}
		return a.Audit(ctx, tx, ws, actorOf(ctx), "invite.created", "invite", inv.ID, map[string]any{"email": email, "role": role})
	})
	if err != nil {
		return Invite{}, "", err
	}
	return inv, token, nil
}

// RevokeInvite deletes an open invitation: its link stops working.
func (a *Accounts) RevokeInvite(ctx context.Context, db beginner, ws, id int64) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var email string
		err := tx.QueryRow(ctx, a.q.team.RevokeInvite, ws, id).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: invitation %d", ErrNotFound, id)
		}
		if err != nil {
			return fmt.Errorf("admin: revoke invite: %w", err)
		}
		return a.Audit(ctx, tx, ws, actorOf(ctx), "invite.revoked", "invite", id, map[string]any{"email": email})
	})
}

// InviteByToken finds the invitation behind a link, or says why it does not work.
func (a *Accounts) InviteByToken(ctx context.Context, db database.DBTX, token string) (Invite, error) {
	var i Invite
	err := db.QueryRow(ctx, a.q.team.InviteByToken, secret.Hash(token)).
		Scan(&i.WorkspaceID, &i.ID, &i.Email, &i.Role, &i.Workspace, &i.ExpiresAt, &i.accepted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return Invite{}, ErrInviteUnknown
	case err != nil:
		return Invite{}, fmt.Errorf("admin: find invite: %w", err)
	case i.accepted:
		return i, ErrInviteUsed
	case i.Expired():
		return i, ErrInviteExpired
	}
	return i, nil
}

// AcceptInvite makes the invitee a user with the invited role; the invitation is used up
// in the same transaction, so a link makes one account however often it is posted.
func (a *Accounts) AcceptInvite(ctx context.Context, db beginner, token, name, password string) (User, error) {
	var u User
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		inv, err := a.InviteByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, a.q.team.LockInvite, secret.Hash(token)).Scan(&id); errors.Is(err, pgx.ErrNoRows) {
			return ErrInviteUsed
		} else if err != nil {
			return fmt.Errorf("admin: lock invite: %w", err)
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return fieldError("name", "your name is required")
		}
		if len(password) < 8 {
			return fieldError("password", "the password needs at least 8 characters")
		}
		if u, err = a.CreateUser(ctx, tx, inv.WorkspaceID, inv.Email, name, inv.Role, password); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, a.q.team.AcceptInvite, inv.WorkspaceID, inv.ID, u.ID); err != nil {
			return fmt.Errorf("admin: accept invite: %w", err)
		}
		return a.Audit(ctx, tx, inv.WorkspaceID, u.Email, "invite.accepted", "user", u.ID, map[string]any{"role": inv.Role})
	})
	return u, err
}

// SetRole changes a member's role; the last owner cannot stop being one.
func (a *Accounts) SetRole(ctx context.Context, db beginner, ws, userID int64, role string) error {
	if role != RoleOwner && role != RoleStaff {
		return fieldError("role", "role must be owner or staff")
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if role == RoleStaff {
			if err := a.keepAnOwner(ctx, tx, ws, userID); err != nil {
				return err
			}
		}
		var email string
		err := tx.QueryRow(ctx, a.q.team.SetRole, ws, userID, role).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: member %d", ErrNotFound, userID)
		}
		if err != nil {
			return fmt.Errorf("admin: set role: %w", err)
		}
		return a.Audit(ctx, tx, ws, actorOf(ctx), "user.role_changed", "user", userID, map[string]any{"email": email, "role": role})
	})
}

// RemoveMember deletes a user: their sessions end with them (the foreign key cascades)
// and their conversations become unassigned. The last owner cannot be removed.
func (a *Accounts) RemoveMember(ctx context.Context, db beginner, ws, userID int64) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := a.keepAnOwner(ctx, tx, ws, userID); err != nil {
			return err
		}
		var email string
		err := tx.QueryRow(ctx, a.q.team.DeleteUser, ws, userID).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: member %d", ErrNotFound, userID)
		}
		if err != nil {
			return fmt.Errorf("admin: remove member: %w", err)
		}
		if _, err := tx.Exec(ctx, a.q.team.UnassignUser, ws, userID); err != nil {
			return fmt.Errorf("admin: unassign member: %w", err)
		}
		return a.Audit(ctx, tx, ws, actorOf(ctx), "user.removed", "user", userID, map[string]any{"email": email})
	})
}

// keepAnOwner refuses when userID is the workspace's only owner. The owners' rows stay
// locked until tx ends, so two owners demoting each other at once cannot both succeed.
func (a *Accounts) keepAnOwner(ctx context.Context, tx pgx.Tx, ws, userID int64) error {
	rows, err := tx.Query(ctx, a.q.team.LockOwners, ws)
	if err != nil {
		return fmt.Errorf("admin: lock owners: %w", err)
	}
	owners, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("admin: lock owners: %w", err)
	}
	if len(owners) == 1 && owners[0] == userID {
		return ErrLastOwner
	}
	return nil
}

// Audit records who did what to which object.
func (a *Accounts) Audit(ctx context.Context, db database.DBTX, ws int64, actor, action, objType string, objID int64, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	var obj *int64
	if objID != 0 {
		obj = &objID
	}
	if _, err := db.Exec(ctx, a.q.team.InsertAdminAudit, ws, actor, action, objType, obj, detail); err != nil {
		return fmt.Errorf("admin: audit %s: %w", action, err)
	}
	return nil
}

// actorKey carries who is acting into the stores, for their audit entries.
type actorKey struct{}

// withActor names the person (or "api") acting in ctx.
func withActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}

// fieldError is a validation error on one form field.
func fieldError(field, msg string) error {
	return validation.Error{field: msg}
}
