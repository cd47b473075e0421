package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/live"
)

// ReminderArgs is one reminder of an appointment, due Minutes before its start. It
// names the version (sequence) of the appointment it was scheduled for: once the
// appointment is moved or cancelled its sequence changes, and the job does nothing.
type ReminderArgs struct {
	WorkspaceID   int64 `json:"workspace_id"`
	AppointmentID int64 `json:"appointment_id"`
	Sequence      int   `json:"sequence"`
	Minutes       int   `json:"minutes"`
}

// Kind implements river.JobArgs.
func (ReminderArgs) Kind() string { return "appointment_reminder" }

// InsertOpts keeps one job per reminder of one version of an appointment.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func (a ReminderArgs) key() string {
	return fmt.Sprintf("appointment:%d:%d:%d", a.AppointmentID, a.Sequence, a.Minutes)
}

// AppointmentChanged fires the appointment rules and schedules the reminders of a
// booked or moved appointment, in the transaction that booked, moved or cancelled it
// (booking.ChangeHook), whoever did: the assistant, a person in the calendar, the API.
// The reminders of its earlier version, and those of a cancelled one, find it changed
// when due and send nothing.
func (s *Service) AppointmentChanged(ctx context.Context, tx pgx.Tx, c booking.Change) error {
	if err := s.fireAppointmentRules(ctx, tx, c); err != nil {
		return err
	}
	if c.Kind == booking.Cancelled || s.jobs == nil {
		return nil
	}
	mins, err := s.Booking.Reminders(ctx, tx, c.WorkspaceID)
	if err != nil {
		return err
	}
	now := s.Now()
	var due []river.InsertManyParams
	for _, m := range mins {
		at := c.Appointment.Start.Add(-time.Duration(m) * time.Minute)
		if !at.After(now) {
			continue // booked too late for this one
		}
		opts := ReminderArgs{}.InsertOpts()
		opts.ScheduledAt = at
		due = append(due, river.InsertManyParams{
			Args:       ReminderArgs{WorkspaceID: c.WorkspaceID, AppointmentID: c.Appointment.ID, Sequence: c.Appointment.Sequence, Minutes: m},
			InsertOpts: &opts,
		})
	}
	if len(due) == 0 {
		return nil
	}
	if _, err := s.jobs.InsertManyTx(ctx, tx, due); err != nil {
		return fmt.Errorf("conversation: schedule reminders of appointment %d: %w", c.Appointment.ID, err)
	}
	return nil
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	s *Service
}

// Work turns a due reminder into an approved message in the customer's conversation and
// queues its delivery through the send job that delivers approved replies (exactly once,
// with retries), all in the transaction that completes this job. The customer's answer
// lands in the same conversation, so "I can't make it" is read with the reminder before it.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	s, a := w.s, job.Args
	return s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		done := func(why string) error {
			s.Log.Debug("reminder not sent", "workspace_id", a.WorkspaceID, "appointment_id", a.AppointmentID, "reason", why)
			_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
			return err
		}
		appt, err := s.Booking.Appointment(ctx, tx, a.WorkspaceID, a.AppointmentID)
		if errors.Is(err, booking.ErrNotFound) {
			return done("appointment deleted")
		}
		if err != nil {
			return err
		}
		switch {
		case appt.Status != booking.StatusBooked:
			return done("appointment " + appt.Status)
		case appt.Sequence != a.Sequence:
			return done("appointment changed since the reminder was scheduled")
		case !appt.Start.After(s.Now()):
			return done("appointment already started")
		}
		convID := appt.ConversationID
		if convID == 0 {
			// Booked by staff: the customer's latest conversation, if they have one.
			if err := tx.QueryRow(ctx, s.q.LatestConversation, a.WorkspaceID, appt.ContactID).Scan(&convID); errors.Is(err, pgx.ErrNoRows) {
				return done("the customer has no conversation to send it to")
			} else if err != nil {
				return fmt.Errorf("conversation: find the conversation for a reminder: %w", err)
			}
		}
		ws, err := s.Workspace(ctx, tx, a.WorkspaceID)
		if err != nil {
			return err
		}
		text := reminderText(ws, appt)
		var draftID int64
		err = tx.QueryRow(ctx, s.q.InsertReminder, a.WorkspaceID, convID, text, a.key()).Scan(&draftID)
		if errors.Is(err, pgx.ErrNoRows) {
			return done("already sent")
		}
		if err != nil {
			return fmt.Errorf("conversation: store reminder of appointment %d: %w", appt.ID, err)
		}
		if err := s.queueSend(ctx, tx, a.WorkspaceID, draftID); err != nil {
			return err
		}
		ev.add(live.Event{WorkspaceID: a.WorkspaceID, Kind: "draft", ConversationID: convID, DraftID: draftID})
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// reminderText says what, when and where, in the workspace's zone and the assistant's voice.
func reminderText(ws Workspace, a booking.Appointment) string {
	name := strings.TrimSpace(a.ContactName)
	if i := strings.IndexByte(name, ' '); i > 0 {
		name = name[:i]
	}
	hello := "Hi"
	if name != "" {
		hello += " " + name
	}
	start := a.Start.In(ws.Location())
	return fmt.Sprintf("%s, this is %s from %s: a reminder of your %s on %s at %s. "+
		"Reply here if you can't make it or need another time.",
		hello, ws.AssistantName, ws.Name, a.ServiceName, start.Format("Monday 2 January"), start.Format("15:04"))
}
