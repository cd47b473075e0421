package gcal

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// staff's or room's own, in one request. On failure the old ones stay.
func (g *Sync) refreshBusy(ctx context.Context, ws int64, c Connection) error {
	st, err := g.Booking.Settings(ctx, g.Pool, ws)
	if err != nil {
		return err
	}
	cals := []calendarOf{{0, c.CalendarID}}
	rows, err := g.Pool.Query(ctx, g.q.ListResourceCalendars, ws)
	if err != nil {
		return fmt.Errorf("gcal: resource calendars: %w", err)
	}
	own, err := pgx.CollectRows(rows, pgx.RowToStructByPos[calendarOf])
	if err != nil {
		return fmt.Errorf("gcal: resource calendars: %w", err)
	}
	cals = append(cals, own...)
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
	for _, it := range items {
		if err != nil {
			break
		}
		// A calendar Google cannot read (not shared with the connected account) fails
		// the refresh, named, so the owner sees it; the last known busy times stay.
		if cal, ok := res.Calendars[it.Id]; !ok {
			err = fmt.Errorf("google did not answer for calendar %q", it.Id)
		} else if len(cal.Errors) > 0 {
			err = fmt.Errorf("google could not read calendar %q: %s", it.Id, cal.Errors[0].Reason)
		}
	}
	if err != nil {
		err = fmt.Errorf("gcal: free/busy of workspace %d: %w", ws, err)
		g.failed(ctx, ws, err)
		return err
	}
	return pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, g.q.ClearBusyWindow, ws, from, to); err != nil {
			return fmt.Errorf("gcal: clear busy times: %w", err)
		}
		for _, cal := range cals {
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
		_, err := tx.Exec(ctx, g.q.BusyRefreshed, ws, now)
		return err
	})
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
