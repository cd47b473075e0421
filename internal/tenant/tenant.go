// Package tenant carries the workspace a piece of work acts for, so the database can
// hold it to that workspace's rows as a second wall behind every query's own
// workspace filter (PostgreSQL row-level security, migration 00030).
//
// A context with a workspace makes every connection it acquires from the pool see
// only that workspace's rows; a context without one (sign-in, webhook routing,
// periodic jobs that sweep every workspace) sees all rows, as before.
package tenant

import (
	"context"
	"strconv"
)

type ctxKey struct{}

// With returns ctx acting for workspace id.
func With(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the workspace ctx acts for, if any.
func From(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(ctxKey{}).(int64)
	return id, ok && id > 0
}

// setting is the value of the frontdesk.workspace_id setting for ctx: the
// workspace's id, or "" for no wall.
func setting(ctx context.Context) string {
	if id, ok := From(ctx); ok {
		return strconv.FormatInt(id, 10)
	}
	return ""
}
