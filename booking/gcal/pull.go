package gcal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	calendar "google.golang.org/api/calendar/v3"

	"github.com/frontdesk/frontdesk/booking"
)

// SyncArgs pulls the changes of one workspace's calendar (0: every connected one) and
// refreshes its busy times.
type SyncArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
}

// Kind implements river.JobArgs.
func (SyncArgs) Kind() string { return "gcal_sync" }

// InsertOpts keeps one waiting sync per workspace; the next period retries a failure.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	g *Sync
}

func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return 4 * time.Minute }

// Work syncs one workspace, or each connected one in turn; one workspace's failure is
// recorded on its connection and does not hold up the others.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	g := w.g
	if job.Args.WorkspaceID != 0 {
		return g.SyncNow(ctx, job.Args.WorkspaceID)
	}
	rows, err := g.Pool.Query(ctx, g.q.ListConnections)
	if err != nil {
		return fmt.Errorf("gcal: list connections: %w", err)
	}
	var all []int64
	for rows.Next() {
		var ws int64
		if err := rows.Scan(&ws); err != nil {
			rows.Close()
			return err
		}
		all = append(all, ws)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("gcal: list connections: %w", err)
	}
	for _, ws := range all {
		if err := g.SyncNow(ctx, ws); err != nil {
			g.Log.Warn("google calendar sync failed", "workspace_id", ws, "error", err)
		}
	}
	return nil
}

// SyncNow pulls what changed in the workspace's calendar since the last sync (all of
// it the first time, or when Google no longer knows the sync token), applies the
// changes to our own events, and refreshes the busy times.
func (g *Sync) SyncNow(ctx context.Context, ws int64) error {
	c, err := g.Connection(ctx, ws)
	if errors.Is(err, ErrNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := g.pull(ctx, ws, c); err != nil {
		g.failed(ctx, ws, err)
		return err
	}
	if err := g.refreshBusy(ctx, ws, c); err != nil {
		return err
	}
	return nil
}

func (g *Sync) pull(ctx context.Context, ws int64, c Connection) error {
	svc, err := g.service(ctx, ws, c)
	if err != nil {
		return err
	}
	token := c.syncToken
	for restarted := false; ; restarted = true {
		next, err := g.pullFrom(ctx, svc, ws, c.CalendarID, token)
		if isStatus(err, http.StatusGone) && token != "" && !restarted {
			// The sync token expired: start again from a full list.
			g.Log.Info("google calendar sync token expired: full resync", "workspace_id", ws)
			token = ""
			continue
		}
		if err != nil {
			return fmt.Errorf("gcal: sync workspace %d: %w", ws, err)
		}
		if _, err := g.Pool.Exec(ctx, g.q.Synced, ws, next, g.Now()); err != nil {
			return fmt.Errorf("gcal: save sync token: %w", err)
		}
		return nil
	}
}

// pullFrom lists the events changed since token (all events when token is empty), page
// by page, and returns the token of the next sync.
func (g *Sync) pullFrom(ctx context.Context, svc *calendar.Service, ws int64, calID, token string) (string, error) {
	page := ""
	for {
		call := svc.Events.List(calID).ShowDeleted(true).MaxResults(250).Context(ctx)
		if token != "" {
			call = call.SyncToken(token)
		}
		if page != "" {
			call = call.PageToken(page)
		}
		res, err := call.Do()
		if err != nil {
			return "", err
		}
		for _, ev := range res.Items {
			if err := g.apply(ctx, ws, ev); err != nil {
				return "", err
			}
		}
		if res.NextPageToken == "" {
			return res.NextSyncToken, nil
		}
		page = res.NextPageToken
	}
}

// apply brings one appointment in line with its event when the owner changed the event
// in Google: deleted cancels it; moved moves it when the new time is free here. Events
// that are not ours only count as busy time (through freeBusy).
func (g *Sync) apply(ctx context.Context, ws int64, ev *calendar.Event) error {
	evWS, id, ours := parseEventID(ev.Id)
	if !ours || evWS != ws {
		return nil
	}
	appt, err := g.Booking.Appointment(ctx, g.Pool, ws, id)
	if errors.Is(err, booking.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if appt.Status != booking.StatusBooked {
		return nil
	}
	loc, _, err := g.location(ctx, ws)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s for %s on %s", appt.ServiceName, who(appt), appt.Start.In(loc).Format("Mon 2 Jan 15:04"))
	if ev.Status == "cancelled" {
		if _, err := g.Booking.Cancel(ctx, g.Pool, ws, id); err != nil {
			return err
		}
		g.notify(ctx, ws, "cancellation", "Cancelled in Google Calendar: "+what+". Let the customer know.", appt.ConversationID)
		return nil
	}
	if ev.Start == nil || ev.End == nil || ev.Start.DateTime == "" || ev.End.DateTime == "" {
		return nil // made all-day in Google: nothing we can book
	}
	start, err1 := time.Parse(time.RFC3339, ev.Start.DateTime)
	end, err2 := time.Parse(time.RFC3339, ev.End.DateTime)
	if err1 != nil || err2 != nil || (start.Equal(appt.Start) && end.Equal(appt.End)) {
		return nil
	}
	if updated, err := time.Parse(time.RFC3339, ev.Updated); err == nil && !updated.After(appt.UpdatedAt) {
		return nil // changed here since: the push on its way will update the event
	}
	when := start.In(loc).Format("Mon 2 Jan 15:04")
	_, err = g.Booking.MoveTo(ctx, g.Pool, ws, id, start, end)
	switch {
	case errors.Is(err, booking.ErrSlotTaken):
		g.notify(ctx, ws, "booking", "Moved in Google Calendar to "+when+", but that time is taken here: "+what+
			" stays as it was. Move it back in Google or choose another time.", appt.ConversationID)
		return nil
	case err != nil:
		return err
	}
	g.notify(ctx, ws, "booking", "Moved in Google Calendar: "+what+" is now on "+when+". Let the customer know.", appt.ConversationID)
	return nil
}

func who(a booking.Appointment) string {
	if a.ContactName != "" {
		return a.ContactName
	}
	if a.ContactPhone != "" {
		return a.ContactPhone
	}
	return "a customer"
}

func (g *Sync) notify(ctx context.Context, ws int64, kind, title string, convID int64) {
	if g.Notify == nil {
		return
	}
	if err := g.Notify.Notify(ctx, ws, kind, title, convID); err != nil {
		g.Log.Warn("gcal: notify the team", "workspace_id", ws, "error", err)
	}
}
