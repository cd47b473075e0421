package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Appointment is a booked (or once booked) service for a contact on a resource.
type Appointment struct {
	ID           int64     `json:"id"`
	ResourceID   int64     `json:"resource_id"`
	ServiceID    int64     `json:"service_id"`
	ServiceName  string    `json:"service_name"`
	ContactID    int64     `json:"contact_id"`
	ContactName  string    `json:"contact_name"`
	ContactPhone string    `json:"contact_phone"`
	Status       string    `json:"status"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Notes        string    `json:"notes"`
	Sequence     int       `json:"sequence"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// ConversationID is the conversation it was booked in (0: booked by staff).
	ConversationID int64 `json:"conversation_id,omitempty"`
	// GoogleEventID is its event in the connected Google Calendar, once pushed.
	GoogleEventID string `json:"google_event_id,omitempty"`
}

// AlternativesLimit is how many free slots a lost booking offers instead.
const AlternativesLimit = 5

// Appointment statuses.
const (
	StatusBooked    = "booked"
	StatusCancelled = "cancelled"
)

// sqlstateExclusion is PostgreSQL's exclusion_violation.
const sqlstateExclusion = "23P01"

func isExclusion(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == sqlstateExclusion
}

// AvailableSlots returns the free slots of a service on the local days first to last
// (dates, see ParseDate), at most limit of them (0: all).
func (s *Store) AvailableSlots(ctx context.Context, db database.DBTX, ws int64, loc *time.Location, serviceID int64, first, last time.Time, limit int) ([]Slot, error) {
	c, err := s.loadCalendar(ctx, db, ws, loc, serviceID, first, last, 0)
	if err != nil {
		return nil, err
	}
	return FreeSlots(c.query(s.now(), limit), c.schedules()), nil
}

// candidates returns the resources, in the order to try them, for which start is on
// the service's slot grid (ignoring appointments), those free at start first; or
// ErrNotBookable with the reason. c is the calendar of start's local day.
func (s *Store) candidates(c calendar, start time.Time) ([]int64, error) {
	loc := c.loc
	q := c.query(s.now(), 0)
	if !start.After(q.Now) {
		return nil, fmt.Errorf("%w: %s is in the past", ErrNotBookable, start.In(loc).Format(time.RFC3339))
	}
	// Time the external calendar holds is not on offer at all; appointments only hold
	// it for now, and a lost race for it gets alternatives.
	var free, held []int64
	for i, sc := range c.scheds {
		busy := sc.Busy
		sc.Busy = c.external[i]
		if !startsAt(FreeSlots(q, []Schedule{sc}), start) {
			continue
		}
		sc.Busy = append(slices.Clip(busy), c.external[i]...)
		if startsAt(FreeSlots(q, []Schedule{sc}), start) {
			free = append(free, sc.ResourceID)
		} else {
			held = append(held, sc.ResourceID)
		}
	}
	if len(free)+len(held) == 0 {
		switch {
		case start.Before(q.Now.Add(q.MinNotice)):
			return nil, fmt.Errorf("%w: %s is sooner than the %d minutes' notice bookings need", ErrNotBookable,
				start.In(loc).Format(time.RFC3339), int(q.MinNotice/time.Minute))
		case start.After(q.Now.Add(time.Duration(q.HorizonDays) * 24 * time.Hour)):
			return nil, fmt.Errorf("%w: %s is more than %d days ahead", ErrNotBookable, start.In(loc).Format(time.RFC3339), q.HorizonDays)
		}
		return nil, fmt.Errorf("%w: %s is not one of the times offered for %s; ask for the available slots",
			ErrNotBookable, start.In(loc).Format(time.RFC3339), c.service.Name)
	}
	return append(free, held...), nil
}

func startsAt(slots []Slot, start time.Time) bool {
	for _, sl := range slots {
		if sl.Start.Equal(start) {
			return true
		}
	}
	return false
}

// slotTaken builds the error of a lost booking, with the next free slots from the day
// of start on; c is the calendar of that day.
func (s *Store) slotTaken(ctx context.Context, db database.DBTX, ws int64, c calendar, start time.Time, except int64) error {
	first := LocalDate(start, c.loc)
	wide, err := s.loadCalendar(ctx, db, ws, c.loc, c.service.ID, first, first.AddDate(0, 0, c.settings.HorizonDays+1), except)
	if err != nil {
		return err
	}
	alts := FreeSlots(wide.query(s.now(), AlternativesLimit), wide.schedules())
	if alts == nil {
		alts = []Slot{}
	}
	return &SlotTakenError{Alternatives: alts}
}

// BookRequest asks for an appointment.
type BookRequest struct {
	WorkspaceID int64
	ServiceID   int64
	ContactID   int64
	Start       time.Time
	Location    *time.Location // the workspace's time zone
	Notes       string
	// ConversationID is the conversation the customer booked in, where reminders go
	// (0: none, e.g. booked by staff).
	ConversationID int64
}

// Book makes an appointment at a start the calendar offers, on the first resource of
// the service that is free then. When every such resource is held (a race lost) it
// returns a *SlotTakenError (ErrSlotTaken) with alternatives; a start the calendar does
// not offer at all is ErrNotBookable.
func (s *Store) Book(ctx context.Context, db TxBeginner, r BookRequest) (Appointment, error) {
	if len(r.Notes) > 2000 {
		return Appointment{}, ValidationError{"notes": "must be at most 2000 characters"}
	}
	day := LocalDate(r.Start, r.Location)
	c, err := s.loadCalendar(ctx, db, r.WorkspaceID, r.Location, r.ServiceID, day, day, 0)
	if err != nil {
		return Appointment{}, err
	}
	sv := c.service
	resources, err := s.candidates(c, r.Start)
	if err != nil {
		return Appointment{}, err
	}
	end := r.Start.Add(sv.duration())
	for _, res := range resources {
		var id int64
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, s.q.LockResource, r.WorkspaceID, res); err != nil {
				return err
			}
			var conv *int64
			if r.ConversationID != 0 {
				conv = &r.ConversationID
			}
			if err := tx.QueryRow(ctx, s.q.InsertAppointment, r.WorkspaceID, res, sv.ID, r.ContactID, r.Start, end,
				sv.BufferBeforeMinutes, sv.BufferAfterMinutes, strings.TrimSpace(r.Notes), s.now(), conv).Scan(&id); err != nil {
				return err
			}
			return s.changed(ctx, tx, r.WorkspaceID, id, Booked)
		})
		if isExclusion(err) {
			continue
		}
		if err != nil {
			return Appointment{}, fmt.Errorf("booking: book service %d at %s: %w", sv.ID, r.Start.Format(time.RFC3339), err)
		}
		return s.Appointment(ctx, db, r.WorkspaceID, id)
	}
	return Appointment{}, s.slotTaken(ctx, db, r.WorkspaceID, c, r.Start, 0)
}

// Reschedule moves a booked appointment to another start the calendar offers, on its
// own resource if that is free, else on another that can perform the service. It fails
// like Book, and then leaves the appointment as it was.
func (s *Store) Reschedule(ctx context.Context, db TxBeginner, ws, id int64, loc *time.Location, start time.Time) (Appointment, error) {
	a, err := s.Appointment(ctx, db, ws, id)
	if err != nil {
		return a, err
	}
	if a.Status != StatusBooked {
		return a, fmt.Errorf("%w: appointment %d is %s", ErrNotBookable, id, a.Status)
	}
	day := LocalDate(start, loc)
	c, err := s.loadCalendar(ctx, db, ws, loc, a.ServiceID, day, day, id)
	if err != nil {
		return a, err
	}
	sv := c.service
	resources, err := s.candidates(c, start)
	if err != nil {
		return a, err
	}
	// Its own resource first, when it is on the grid at all.
	for i, res := range resources {
		if res == a.ResourceID {
			copy(resources[1:i+1], resources[:i])
			resources[0] = res
			break
		}
	}
	for _, res := range resources {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, s.q.LockResource, ws, res); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, s.q.MoveAppointment, ws, id, res, start, start.Add(sv.duration()), s.now())
			if err == nil && tag.RowsAffected() == 0 {
				err = fmt.Errorf("booking: appointment %d was cancelled meanwhile: %w", id, ErrNotBookable)
			}
			if err != nil {
				return err
			}
			return s.changed(ctx, tx, ws, id, Moved)
		})
		if isExclusion(err) {
			continue
		}
		if err != nil {
			return a, fmt.Errorf("booking: reschedule appointment %d: %w", id, err)
		}
		return s.Appointment(ctx, db, ws, id)
	}
	return a, s.slotTaken(ctx, db, ws, c, start, id)
}

// Cancel cancels a booked appointment and frees its time. Cancelling one that is no
// longer booked changes nothing and returns it as it is.
func (s *Store) Cancel(ctx context.Context, db TxBeginner, ws, id int64) (Appointment, error) {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, s.q.CancelAppointment, ws, id, s.now())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return s.changed(ctx, tx, ws, id, Cancelled)
	})
	if err != nil {
		return Appointment{}, fmt.Errorf("booking: cancel appointment %d: %w", id, err)
	}
	return s.Appointment(ctx, db, ws, id)
}

// MoveTo moves a booked appointment to start–end on its own resource, as decided
// outside the slot grid (the owner moved its event in Google Calendar). A time that
// overlaps another appointment is ErrSlotTaken, and the appointment stays as it was.
func (s *Store) MoveTo(ctx context.Context, db TxBeginner, ws, id int64, start, end time.Time) (Appointment, error) {
	if !end.After(start) {
		return Appointment{}, fmt.Errorf("%w: the appointment ends before it starts", ErrInvalid)
	}
	if end.Sub(start) > maxHeld-8*time.Hour {
		return Appointment{}, fmt.Errorf("%w: an appointment lasts at most a day", ErrInvalid)
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		a, err := s.Appointment(ctx, tx, ws, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, s.q.LockResource, ws, a.ResourceID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, s.q.MoveAppointmentTo, ws, id, start, end, s.now())
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("booking: appointment %d is %s: %w", id, a.Status, ErrNotBookable)
		}
		if err != nil {
			return err
		}
		return s.changed(ctx, tx, ws, id, Moved)
	})
	if isExclusion(err) {
		return Appointment{}, fmt.Errorf("booking: move appointment %d: %w", id, ErrSlotTaken)
	}
	if err != nil {
		return Appointment{}, fmt.Errorf("booking: move appointment %d: %w", id, err)
	}
	return s.Appointment(ctx, db, ws, id)
}

func scanAppointment(row pgx.Row) (Appointment, error) {
	var a Appointment
	err := row.Scan(&a.ID, &a.ResourceID, &a.ServiceID, &a.ServiceName, &a.ContactID, &a.ContactName, &a.ContactPhone,
		&a.Status, &a.Start, &a.End, &a.Notes, &a.Sequence, &a.CreatedAt, &a.UpdatedAt, &a.ConversationID, &a.GoogleEventID)
	return a, err
}

// Appointment returns one appointment.
func (s *Store) Appointment(ctx context.Context, db database.DBTX, ws, id int64) (Appointment, error) {
	a, err := scanAppointment(db.QueryRow(ctx, s.q.GetAppointment, ws, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("booking: appointment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("booking: appointment %d: %w", id, err)
	}
	return a, nil
}

// AppointmentsLimit is the most appointments one Appointments call lists.
const AppointmentsLimit = 2000

// Appointments lists the appointments that overlap [from, to), of any status,
// earliest first (at most AppointmentsLimit, the query's LIMIT).
func (s *Store) Appointments(ctx context.Context, db database.DBTX, ws int64, from, to time.Time) ([]Appointment, error) {
	rows, err := db.Query(ctx, s.q.ListAppointments, ws, from, to)
	if err != nil {
		return nil, fmt.Errorf("booking: list appointments: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Appointment, error) { return scanAppointment(row) })
	if err != nil {
		return nil, fmt.Errorf("booking: list appointments: %w", err)
	}
	return out, nil
}

// NextAppointment is the contact's next booked appointment starting from now on, or
// ErrNotFound.
func (s *Store) NextAppointment(ctx context.Context, db database.DBTX, ws, contactID int64, now time.Time) (Appointment, error) {
	a, err := scanAppointment(db.QueryRow(ctx, s.q.NextAppointment, ws, contactID, now))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("booking: next appointment of contact %d: %w", contactID, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("booking: next appointment of contact %d: %w", contactID, err)
	}
	return a, nil
}
