// Package booking owns the calendar of a business: its resources (staff or rooms),
// services, weekly opening hours and exceptions, booking settings, the free slots they
// leave, and appointments, which PostgreSQL guarantees never overlap on one resource.
//
// Local times of day are in the workspace's time zone, which callers pass as a
// *time.Location; instants are time.Time. FreeSlots is the pure slot computation, and
// the Store loads what it needs and writes appointments.
package booking

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed queries.sql
var queriesSQL string

type queries struct {
	DeleteHours, InsertHours, ListHours, LoadCalendar                                          string
	DeleteExceptions, InsertException, ListExceptions                                          string
	GetSettings, UpsertSettings                                                                string
	ListResources, DefaultResource                                                             string
	InsertService, LinkServiceResources, ListServices, GetService                              string
	LockResource, LoadHeld, InsertAppointment, MoveAppointment, CancelAppointment              string
	GetAppointment, ListAppointments, NextAppointment                                          string
	MoveAppointmentTo, ListExternalBusy, GetReminders, UpsertReminders                         string
	InsertResource, GetResource, UpdateResource                                                string
	UnlinkResourceServices, LinkResourceServices, ServicesWithoutResource                      string
	AddException, DeleteException, ListExceptionRows, SetResourceCalendar, GetResourceCalendar string
}

// Store reads and writes the calendar; every call is scoped by workspace.
type Store struct {
	q     queries
	now   func() time.Time
	hooks []ChangeHook
	busy  BusyRefresher
	log   *slog.Logger
	held  *heldCache // nil: every search reads all held time
}

// NewStore loads the store's queries. It reads the time from time.Now; see WithClock.
func NewStore() (*Store, error) {
	s := &Store{now: time.Now, log: slog.Default(), held: &heldCache{}}
	if err := sqlset.Load(&s.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("booking: %w", err)
	}
	return s, nil
}

// WithClock returns a copy of the store that reads the time from now.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// WithoutHeldCache returns a copy of the store that reads every held span on every
// search, as a search right after a booking does: for benchmarks.
func (s *Store) WithoutHeldCache() *Store {
	c := *s
	c.held = nil
	return &c
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// TxBeginner is a pool or a transaction: booking tries each resource in a transaction
// of its own (a savepoint inside a caller's transaction), so a lost race leaves the
// caller's transaction usable.
type TxBeginner interface {
	database.DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Window is one opening period of a weekday, in the workspace's local time ("09:00").
type Window struct {
	Weekday time.Weekday
	Opens   string
	Closes  string
}

func (w Window) String() string { return w.Opens + "–" + w.Closes }

// Rule parses the window.
func (w Window) Rule() (Rule, error) {
	if w.Weekday < time.Sunday || w.Weekday > time.Saturday {
		return Rule{}, fmt.Errorf("%w: weekday %d is not 0 (Sunday) to 6 (Saturday)", ErrInvalid, w.Weekday)
	}
	opens, err := ParseTimeOfDay(w.Opens)
	if err != nil {
		return Rule{}, err
	}
	closes, err := ParseTimeOfDay(w.Closes)
	if err != nil {
		return Rule{}, err
	}
	if closes <= opens {
		return Rule{}, fmt.Errorf("%w: %s closes before it opens", ErrInvalid, w)
	}
	return Rule{Weekday: w.Weekday, Start: opens, End: closes}, nil
}

// SetHours replaces the workspace's weekly opening hours.
func (s *Store) SetHours(ctx context.Context, db database.DBTX, workspaceID int64, windows []Window) error {
	return s.setHours(ctx, db, workspaceID, nil, windows)
}

// setHours replaces the weekly hours of a resource, or the business's (nil).
func (s *Store) setHours(ctx context.Context, db database.DBTX, workspaceID int64, resource *int64, windows []Window) error {
	for _, w := range windows {
		if _, err := w.Rule(); err != nil {
			return err
		}
	}
	if _, err := db.Exec(ctx, s.q.DeleteHours, workspaceID, resource); err != nil {
		return fmt.Errorf("booking: clear hours: %w", err)
	}
	for _, w := range windows {
		if _, err := db.Exec(ctx, s.q.InsertHours, workspaceID, resource, int(w.Weekday), w.Opens, w.Closes); err != nil {
			return fmt.Errorf("booking: set hours %s %s: %w", w.Weekday, w, err)
		}
	}
	return nil
}

// Hours returns the workspace's weekly opening hours, by weekday.
func (s *Store) Hours(ctx context.Context, db database.DBTX, workspaceID int64) (map[time.Weekday][]Window, error) {
	return s.hours(ctx, db, workspaceID, nil)
}

func (s *Store) hours(ctx context.Context, db database.DBTX, workspaceID int64, resource *int64) (map[time.Weekday][]Window, error) {
	rows, err := db.Query(ctx, s.q.ListHours, workspaceID, resource)
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
