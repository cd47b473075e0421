package gcal

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/frontdesk/frontdesk/booking"
)

// eventIDs is base32hex without padding, in lower case: Google's event ids may use
// the characters a–v and 0–9, and may be chosen by the client.
var eventIDs = base32.HexEncoding.WithPadding(base32.NoPadding) //nolint:gochecknoglobals // a read-only encoding

const eventIDPrefix = "frontdesk:"

// EventID is the Google event id of an appointment. It is the same at every attempt,
// so a retried insert finds the event it made before instead of making a second one.
func EventID(ws, appointmentID int64) string {
	return strings.ToLower(eventIDs.EncodeToString(fmt.Appendf(nil, "%s%d:%d", eventIDPrefix, ws, appointmentID)))
}

// parseEventID returns the workspace and appointment an event id of ours names.
func parseEventID(id string) (ws, appointmentID int64, ok bool) {
	raw, err := eventIDs.DecodeString(strings.ToUpper(id))
	if err != nil {
		return 0, 0, false
	}
	rest, found := strings.CutPrefix(string(raw), eventIDPrefix)
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	ws, err1 := strconv.ParseInt(a, 10, 64)
	appointmentID, err2 := strconv.ParseInt(b, 10, 64)
	return ws, appointmentID, err1 == nil && err2 == nil
}

// PushArgs brings one appointment's Google event in line with the appointment as it
// is when the job runs, so jobs of several quick changes all end in the last state.
type PushArgs struct {
	WorkspaceID   int64 `json:"workspace_id"`
	AppointmentID int64 `json:"appointment_id"`
}

// Kind implements river.JobArgs.
func (PushArgs) Kind() string { return "gcal_push" }

// InsertOpts retries an unreachable Google for about a day.
func (PushArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// AppointmentChanged queues the push of a booked, moved or cancelled appointment in the
// transaction that changed it (booking.ChangeHook), when a calendar is connected.
func (g *Sync) AppointmentChanged(ctx context.Context, tx pgx.Tx, c booking.Change) error {
	if g.jobs == nil {
		return nil
	}
	var connected bool
	if err := tx.QueryRow(ctx, g.q.HasConnection, c.WorkspaceID).Scan(&connected); err != nil {
		return fmt.Errorf("gcal: connection of workspace %d: %w", c.WorkspaceID, err)
	}
	if !connected {
		return nil
	}
	if _, err := g.jobs.InsertTx(ctx, tx, PushArgs{WorkspaceID: c.WorkspaceID, AppointmentID: c.Appointment.ID}, nil); err != nil {
		return fmt.Errorf("gcal: queue push of appointment %d: %w", c.Appointment.ID, err)
	}
	return nil
}

type pushWorker struct {
	river.WorkerDefaults[PushArgs]
	g *Sync
}

func (w *pushWorker) Timeout(*river.Job[PushArgs]) time.Duration { return time.Minute }

// Work inserts the event of a booked appointment (or patches it when it exists), and
// deletes the event of a cancelled one.
func (w *pushWorker) Work(ctx context.Context, job *river.Job[PushArgs]) error {
	g, a := w.g, job.Args
	appt, err := g.Booking.Appointment(ctx, g.Pool, a.WorkspaceID, a.AppointmentID)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return g.pushOne(ctx, a.WorkspaceID, appt)
}

// pushOne pushes the appointment as it is to the workspace's calendar, if connected.
func (g *Sync) pushOne(ctx context.Context, ws int64, appt booking.Appointment) error {
	conn, err := g.Connection(ctx, ws)
	if errors.Is(err, ErrNotConnected) {
		return nil // disconnected since
	}
	if err != nil {
		return err
	}
	svc, err := g.service(ctx, ws, conn)
	if err != nil {
		return err
	}
	if err := g.push(ctx, svc, conn.CalendarID, ws, appt); err != nil {
		g.failed(ctx, ws, err)
		return err
	}
	return nil
}

func (g *Sync) push(ctx context.Context, svc *calendar.Service, calID string, ws int64, appt booking.Appointment) error {
	id := EventID(ws, appt.ID)
	if appt.Status != booking.StatusBooked {
		if appt.GoogleEventID == "" {
			return nil
		}
		err := svc.Events.Delete(calID, appt.GoogleEventID).Context(ctx).Do()
		if isStatus(err, http.StatusNotFound, http.StatusGone) {
			err = nil // deleted already, here or in Google
		}
		if err != nil {
			return fmt.Errorf("gcal: delete event of appointment %d: %w", appt.ID, err)
		}
		return nil
	}
	loc, tz, err := g.location(ctx, ws)
	if err != nil {
		return err
	}
	ev := eventOf(ws, appt, loc, tz)
	if appt.GoogleEventID != "" {
		if _, err := svc.Events.Patch(calID, appt.GoogleEventID, ev).Context(ctx).Do(); err != nil {
			return fmt.Errorf("gcal: update event of appointment %d: %w", appt.ID, err)
		}
		return nil
	}
	ev.Id = id
	_, err = svc.Events.Insert(calID, ev).Context(ctx).Do()
	if isStatus(err, http.StatusConflict) {
		// An earlier attempt made it and died before saying so.
		ev.Id = ""
		_, err = svc.Events.Patch(calID, id, ev).Context(ctx).Do()
	}
	if err != nil {
		return fmt.Errorf("gcal: add event of appointment %d: %w", appt.ID, err)
	}
	if _, err := g.Pool.Exec(ctx, g.q.SetEventID, ws, appt.ID, id); err != nil {
		return fmt.Errorf("gcal: store event id of appointment %d: %w", appt.ID, err)
	}
	return nil
}

// eventOf is the appointment as a Google event, its times in the workspace's zone.
func eventOf(ws int64, a booking.Appointment, loc *time.Location, tz string) *calendar.Event {
	who := a.ContactName
	if who == "" {
		who = a.ContactPhone
	}
	summary := a.ServiceName
	if who != "" {
		summary += " — " + who
	}
	desc := "Booked through frontdesk."
	if a.ContactPhone != "" {
		desc += "\nPhone: " + a.ContactPhone
	}
	if a.Notes != "" {
		desc += "\n" + a.Notes
	}
	return &calendar.Event{
		Summary: summary, Description: desc,
		Start: &calendar.EventDateTime{DateTime: a.Start.In(loc).Format(time.RFC3339), TimeZone: tz},
		End:   &calendar.EventDateTime{DateTime: a.End.In(loc).Format(time.RFC3339), TimeZone: tz},
		ExtendedProperties: &calendar.EventExtendedProperties{Private: map[string]string{
			"frontdesk_workspace": strconv.FormatInt(ws, 10), "frontdesk_appointment": strconv.FormatInt(a.ID, 10),
		}},
	}
}

func isStatus(err error, codes ...int) bool {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return false
	}
	for _, c := range codes {
		if ge.Code == c {
			return true
		}
	}
	return false
}
