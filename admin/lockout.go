package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Lockout of an email address after wrong passwords, kept in PostgreSQL so that every
// node sees it: freeLoginFailures in a row are allowed, then each further one locks the
// address for twice as long as the one before, from firstLockout up to maxLockout.
const (
	freeLoginFailures = 5
	firstLockout      = 30 * time.Second
	maxLockout        = time.Hour
)

// lockoutFor is how long the nth wrong password in a row locks the address.
func lockoutFor(failures int) time.Duration {
	if failures < freeLoginFailures {
		return 0
	}
	doublings := min(failures-freeLoginFailures, 20) // past 20 it is maxLockout anyway; no overflow
	return min(firstLockout<<doublings, maxLockout)
}

// LoginLockedFor is how long sign-in stays locked for email (0: not locked).
func (a *Accounts) LoginLockedFor(ctx context.Context, db database.DBTX, email string) (time.Duration, error) {
	var secs float64
	err := db.QueryRow(ctx, a.q.LoginLockedFor, email).Scan(&secs)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("admin: check sign-in lockout: %w", err)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// RecordLoginFailure counts a wrong password for email and returns how long the
// address is now locked (0: not yet).
func (a *Accounts) RecordLoginFailure(ctx context.Context, db database.DBTX, email string) (time.Duration, error) {
	var failures int
	if err := db.QueryRow(ctx, a.q.RecordLoginFailure, email).Scan(&failures); err != nil {
		return 0, fmt.Errorf("admin: record failed sign-in: %w", err)
	}
	lock := lockoutFor(failures)
	if lock == 0 {
		return 0, nil
	}
	if _, err := db.Exec(ctx, a.q.LockLogin, email, lock.Seconds()); err != nil {
		return 0, fmt.Errorf("admin: lock sign-in: %w", err)
	}
	return lock, nil
}

// ClearLoginFailures forgets email's wrong passwords after a good one (and any count
// left untouched for a day).
func (a *Accounts) ClearLoginFailures(ctx context.Context, db database.DBTX, email string) error {
	if _, err := db.Exec(ctx, a.q.ClearLoginFailures, email); err != nil {
		return fmt.Errorf("admin: clear failed sign-ins: %w", err)
	}
	return nil
}
