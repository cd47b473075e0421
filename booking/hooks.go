package booking

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// ChangeKind says what happened to an appointment.
type ChangeKind string

// What can happen to an appointment.
const (
	Booked    ChangeKind = "booked"
	Moved     ChangeKind = "moved"
	Cancelled ChangeKind = "cancelled"
)

// Change is an appointment as it is right after it was booked, moved or cancelled.
type Change struct {
	Kind        ChangeKind
	WorkspaceID int64
	Appointment Appointment
}

// ChangeHook hears of every change to an appointment inside the transaction that makes
// it, so the jobs it queues (a calendar push, reminders) exist exactly when the change
// does. An error rolls the change back.
type ChangeHook interface {
	AppointmentChanged(ctx context.Context, tx pgx.Tx, c Change) error
}

// OnChange adds a hook; call it while wiring, before the store is used.
func (s *Store) OnChange(h ChangeHook) { s.hooks = append(s.hooks, h) }

func (s *Store) changed(ctx context.Context, tx pgx.Tx, ws, id int64, kind ChangeKind) error {
	if len(s.hooks) == 0 {
		return nil
	}
	a, err := s.Appointment(ctx, tx, ws, id)
	if err != nil {
		return err
	}
	for _, h := range s.hooks {
		if err := h.AppointmentChanged(ctx, tx, Change{Kind: kind, WorkspaceID: ws, Appointment: a}); err != nil {
			return fmt.Errorf("booking: after appointment %d was %s: %w", id, kind, err)
		}
	}
	return nil
}

// BusyRefresher brings the cached busy times of a workspace's external calendar up to
// date when they are older than it allows; it returns quickly when they are fresh.
// A slot search reads when they were refreshed along with the calendar, and calls
// RefreshBusy only when BusyStale says so: no extra round trip while they are fresh.
type BusyRefresher interface {
	// BusyStale reports whether busy times refreshed at refreshedAt (nil: never) are
	// too old to use.
	BusyStale(refreshedAt *time.Time) bool
	RefreshBusy(ctx context.Context, ws int64) error
}

// UseBusy makes slot searches refresh external busy times first; log receives the
// failures, after which the last known busy times are used.
func (s *Store) UseBusy(r BusyRefresher, log *slog.Logger) {
	s.busy = r
	if log != nil {
		s.log = log
	}
}

// refreshBusy never fails a slot search: when the calendar cannot be reached, the busy
// times it last reported still apply.
func (s *Store) refreshBusy(ctx context.Context, ws int64) {
	if s.busy == nil {
		return
	}
	if err := s.busy.RefreshBusy(ctx, ws); err != nil {
		s.log.Warn("external calendar unreachable: using its last known busy times", "workspace_id", ws, "error", err)
	}
}

// externalBusy is the connected calendars' busy time between from and to: the
// resource each holds (0: every resource), its starts and its ends.
func (s *Store) externalBusy(ctx context.Context, db database.DBTX, ws int64, from, to time.Time) (res []int64, starts, ends []time.Time, err error) {
	rows, err := db.Query(ctx, s.q.ListExternalBusy, ws, from, to)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("booking: list external busy: %w", err)
	}
	var r int64
	var iv Interval
	if _, err := pgx.ForEachRow(rows, []any{&r, &iv.Start, &iv.End}, func() error {
		res, starts, ends = append(res, r), append(starts, iv.Start), append(ends, iv.End)
		return nil
	}); err != nil {
		return nil, nil, nil, fmt.Errorf("booking: list external busy: %w", err)
	}
	return res, starts, ends, nil
}
