package tenant

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Check reports whether the wall holds on pool's connections: the role they run as
// and how many tables carry the policy. It returns an error saying why not when the
// role is exempt from row-level security (a superuser or BYPASSRLS) or no table has it.
func Check(ctx context.Context, pool *pgxpool.Pool) (role string, walled int, err error) {
	var exempt bool
	err = pool.QueryRow(ctx, `
		SELECT r.rolname, r.rolsuper OR r.rolbypassrls,
		       (SELECT count(*) FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = 'workspace_wall'
		        WHERE c.relrowsecurity AND c.relforcerowsecurity)
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&role, &exempt, &walled)
	switch {
	case err != nil:
		return "", 0, fmt.Errorf("tenant: check: %w", err)
	case walled == 0:
		return role, 0, fmt.Errorf("no table has the workspace wall: run `frontdesk migrate`")
	case exempt:
		return role, walled, fmt.Errorf("connections run as %s, which row-level security never restricts: "+
			"let the login create the role %s (CREATEROLE) and migrate again, or log in as a role that is not a superuser", role, Role)
	}
	return role, walled, nil
}
