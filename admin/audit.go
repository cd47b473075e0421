package admin

import (
	"context"
	"fmt"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// auditUsers bounds the work of UsersWithPassword: each check costs an argon2id hash.
const auditUsers = 500

// UsersWithPassword returns the emails of users whose password is one of weak (the
// demo's, common ones), for the security audit. Only the first few hundred users are
// checked.
func (a *Accounts) UsersWithPassword(ctx context.Context, db database.DBTX, weak []string) ([]string, error) {
	rows, err := db.Query(ctx, a.q.PasswordHashes, auditUsers)
	if err != nil {
		return nil, fmt.Errorf("admin: read password hashes: %w", err)
	}
	type user struct{ email, hash string }
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (user, error) {
		var u user
		return u, r.Scan(&u.email, &u.hash)
	})
	if err != nil {
		return nil, fmt.Errorf("admin: read password hashes: %w", err)
	}
	var found []string
	for _, u := range users {
		for _, pw := range weak {
			if ok, err := argon2id.ComparePasswordAndHash(pw, u.hash); err == nil && ok {
				found = append(found, u.email)
				break
			}
		}
	}
	return found, nil
}
