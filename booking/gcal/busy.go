package gcal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	calendar "google.golang.org/api/calendar/v3"
)

// refreshTimeout bounds a refresh made on the way to a slot search.
const refreshTimeout = 5 * time.Second

// RefreshBusy implements booking.BusyRefresher: when the cached busy times are older
// than the TTL, it asks freeBusy again. A workspace without a connection has nothing
// to refresh.
func (g *Sync) RefreshBusy(ctx context.Context, ws int64) error {
	c, err := g.Connection(ctx, ws)
	if errors.Is(err, ErrNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	if !g.BusyStale(c.BusyRefreshedAt) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	return g.refreshBusy(ctx, ws, c)
}

// BusyStale implements booking.BusyRefresher: busy times older than the TTL are stale.
func (g *Sync) BusyStale(refreshedAt *time.Time) bool {
	return refreshedAt == nil || g.Now().Sub(*refreshedAt) >= g.Config.BusyTTL
}

// calendarOf is a calendar whose busy times hold a resource (0: every resource).
type calendarOf struct {
	Resource int64
	ID       string
}

// refreshBusy replaces the cached busy times from now to the end of the booking
// horizon with what freeBusy says of the business's calendar and of each member of
// staff's or room's own, in one request. When the request fails, every old busy time
// stays and the connection shows the error.
//
// One calendar Google answers with an error for (notFound: not shared with the
// connected account, or its owner took the access away) is not a reason to leave the
// others stale: each calendar read is replaced, and one not read keeps its last known
// busy times: stale, but dropping them would offer slots its owner is busy in, while
// keeping them at worst holds back one that has since become free. Slot searches
// meanwhile go on offering that member of staff at the times free when it was last
// read (refusing them all would turn customers away over a sharing setting), and the
// owner sees why and since when on the calendar page and theirs
// (resources.google_calendar_error), which clears once Google reads it again.
//
// The business's calendar failing still fails the refresh: it holds every resource and
// is the connection's own (pulls and pushes fail on it too), so the connection shows
// the error and is not marked refreshed, and the next slot search asks again. The
// staff calendars read alongside are stored all the same: their busy times are no less
// true for it. A staff calendar failing alone marks the refresh done, or every slot
// search would ask Google again until the owner fixes the sharing.
func (g *Sync) refreshBusy(ctx context.Context, ws int64, c Connection) error {
	st, err := g.Booking.Settings(ctx, g.Pool, ws)
	if err != nil {
		return err
	}
	cals, err := g.calendars(ctx, ws, c)
	if err != nil {
		return err
	}
	items := make([]*calendar.FreeBusyRequestItem, 0, len(cals))
	for _, cal := range cals {
		if !slices.ContainsFunc(items, func(it *calendar.FreeBusyRequestItem) bool { return it.Id == cal.ID }) {
			items = append(items, &calendar.FreeBusyRequestItem{Id: cal.ID})
		}
	}
	now := g.Now()
	from, to := now.Add(-time.Hour).Truncate(time.Minute), now.AddDate(0, 0, min(st.HorizonDays+1, 90))
	svc, err := g.service(ctx, ws, c)
	if err != nil {
		return err
	}
	res, err := svc.Freebusy.Query(&calendar.FreeBusyRequest{
		TimeMin: from.UTC().Format(time.RFC3339), TimeMax: to.UTC().Format(time.RFC3339), Items: items,
	}).Context(ctx).Do()
	if err != nil {
		err = fmt.Errorf("gcal: free/busy of workspace %d: %w", ws, err)
		g.failed(ctx, ws, err)
		return err
	}
	var businessErr error
	if why := unreadable(res, c.CalendarID); why != "" {
		businessErr = fmt.Errorf("gcal: free/busy of workspace %d: google could not read calendar %q: %s", ws, c.CalendarID, why)
	}
	err = pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		return g.storeBusy(ctx, tx, ws, cals, res, from, to, businessErr == nil)
	})
	if err != nil {
		return err
	}
	if businessErr != nil {
		g.failed(ctx, ws, businessErr)
		return businessErr
	}
	return nil
}

// calendars lists the business's calendar and the resources' own.
func (g *Sync) calendars(ctx context.Context, ws int64, c Connection) ([]calendarOf, error) {
	rows, err := g.Pool.Query(ctx, g.q.ListResourceCalendars, ws)
	if err != nil {
		return nil, fmt.Errorf("gcal: resource calendars: %w", err)
	}
	own, err := pgx.CollectRows(rows, pgx.RowToStructByPos[calendarOf])
	if err != nil {
		return nil, fmt.Errorf("gcal: resource calendars: %w", err)
	}
	return append([]calendarOf{{0, c.CalendarID}}, own...), nil
}

// storeBusy replaces the busy times between from and to of each calendar Google read,
// records why each resource's own was not, and clears the errors of the others.
// refreshed marks the whole refresh done (the business's calendar was read).
func (g *Sync) storeBusy(ctx context.Context, tx pgx.Tx, ws int64, cals []calendarOf, res *calendar.FreeBusyResponse,
	from, to time.Time, refreshed bool,
) error {
	kept := []int64{}
	for _, cal := range cals {
		why := unreadable(res, cal.ID)
		if why == "" {
			continue
		}
		kept = append(kept, cal.Resource)
		if cal.Resource == 0 {
			continue
		}
		g.Log.Warn("google calendar of a resource unreadable: its last known busy times stay",
			"workspace_id", ws, "resource_id", cal.Resource, "calendar_id", cal.ID, "error", why)
		if _, err := tx.Exec(ctx, g.q.ResourceCalendarFailed, ws, cal.Resource, why, g.Now()); err != nil {
			return fmt.Errorf("gcal: record calendar error of resource %d: %w", cal.Resource, err)
		}
	}
	if _, err := tx.Exec(ctx, g.q.ClearBusyWindow, ws, from, to, kept); err != nil {
		return fmt.Errorf("gcal: clear busy times: %w", err)
	}
	for _, cal := range cals {
		if slices.Contains(kept, cal.Resource) {
			continue
		}
		for _, p := range res.Calendars[cal.ID].Busy {
			start, err1 := time.Parse(time.RFC3339, p.Start)
			end, err2 := time.Parse(time.RFC3339, p.End)
			if err1 != nil || err2 != nil || !end.After(start) {
				g.Log.Warn("gcal: free/busy period unreadable", "workspace_id", ws, "start", p.Start, "end", p.End)
				continue
			}
			if _, err := tx.Exec(ctx, g.q.InsertBusy, ws, cal.Resource, start, end); err != nil {
				return fmt.Errorf("gcal: store busy time: %w", err)
			}
		}
	}
	if _, err := tx.Exec(ctx, g.q.ClearResourceErrors, ws, kept); err != nil {
		return fmt.Errorf("gcal: clear calendar errors: %w", err)
	}
	if !refreshed {
		return nil
	}
	if _, err := tx.Exec(ctx, g.q.BusyRefreshed, ws, g.Now()); err != nil {
		return fmt.Errorf("gcal: busy refreshed: %w", err)
	}
	return nil
}

// unreadable says why freeBusy gave no busy times for calendar id, or "" when it did.
func unreadable(res *calendar.FreeBusyResponse, id string) string {
	cal, ok := res.Calendars[id]
	if !ok {
		return "Google did not answer for it"
	}
	if len(cal.Errors) == 0 {
		return ""
	}
	reasons := make([]string, 0, len(cal.Errors))
	for _, e := range cal.Errors {
		reasons = append(reasons, e.Reason)
	}
	why := strings.Join(reasons, ", ")
	if slices.Contains(reasons, "notFound") {
		why += " (it does not exist, or is not shared with the connected Google account)"
	}
	return why
}

// Busy lists the cached busy times between from and to (for the owner's view).
func (g *Sync) Busy(ctx context.Context, ws int64, from, to time.Time) ([][2]time.Time, error) {
	rows, err := g.Pool.Query(ctx, g.q.ListBusy, ws, from, to)
	if err != nil {
		return nil, fmt.Errorf("gcal: list busy: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]time.Time, error) {
		var p [2]time.Time
		err := r.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("gcal: list busy: %w", err)
	}
	return out, nil
}
