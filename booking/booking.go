// Package booking owns when the business is open and, as it grows, services, free
// slots and appointments. This first version holds weekly opening hours.
package booking

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	DeleteHours, InsertHours, ListHours string
}

// Store reads and writes availability; every call is scoped by workspace.
type Store struct{ q queries }

// NewStore loads the store's queries.
func NewStore() (*Store, error) {
	s := &Store{}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("booking: %w", err)
	}
	return s, nil
}

// Window is one opening period of a weekday, in the workspace's local time ("09:00").
type Window struct {
	Weekday time.Weekday
	Opens   string
	Closes  string
}

func (w Window) String() string { return w.Opens + "–" + w.Closes }

// SetHours replaces the workspace's weekly opening hours.
func (s *Store) SetHours(ctx context.Context, db database.DBTX, workspaceID int64, windows []Window) error {
	if _, err := db.Exec(ctx, s.q.DeleteHours, workspaceID); err != nil {
		return fmt.Errorf("booking: clear hours: %w", err)
	}
	for _, w := range windows {
		if _, err := db.Exec(ctx, s.q.InsertHours, workspaceID, int(w.Weekday), w.Opens, w.Closes); err != nil {
			return fmt.Errorf("booking: set hours %s %s: %w", w.Weekday, w, err)
		}
	}
	return nil
}

// Hours returns the workspace's weekly opening hours, by weekday.
func (s *Store) Hours(ctx context.Context, db database.DBTX, workspaceID int64) (map[time.Weekday][]Window, error) {
	rows, err := db.Query(ctx, s.q.ListHours, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("booking: list hours: %w", err)
	}
	defer rows.Close()
	out := map[time.Weekday][]Window{}
	for rows.Next() {
		var w Window
		var day int16
		if err := rows.Scan(&day, &w.Opens, &w.Closes); err != nil {
			return nil, fmt.Errorf("booking: scan hours: %w", err)
		}
		w.Weekday = time.Weekday(day)
		out[w.Weekday] = append(out[w.Weekday], w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("booking: list hours: %w", err)
	}
	return out, nil
}
