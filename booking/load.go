package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// maxHeld is the longest time one appointment may hold its resource: a service of a
// day with the largest buffers either side. The held-time query relies on it
// (appointments_held_idx), and MoveTo refuses longer.
const maxHeld = 32 * time.Hour

// calendar is what a slot search of one service over some days needs.
type calendar struct {
	service  Service
	settings Settings
	loc      *time.Location
	first    time.Time
	last     time.Time
	// scheds are the service's resources with their rules, exceptions and appointments;
	// external is the connected calendar's busy time, which holds every resource.
	scheds   []Schedule
	external []Interval
}

// heldWindow is the span whose held time a search of the local days first to last
// reads: a day wider each side, enough for any UTC offset.
func heldWindow(loc *time.Location, first, last time.Time) (time.Time, time.Time) {
	return time.Date(first.Year(), first.Month(), first.Day()-1, 0, 0, 0, 0, loc),
		time.Date(last.Year(), last.Month(), last.Day()+2, 0, 0, 0, 0, loc)
}

// loadCalendar reads the service, settings, rules, exceptions, held time and external
// busy time in one statement (one round trip); a second read happens only when the
// connected calendar's busy times are stale and have just been refreshed. An unknown
// or inactive service is ErrNotFound.
func (s *Store) loadCalendar(ctx context.Context, db database.DBTX, ws int64, loc *time.Location, serviceID int64, first, last time.Time, except int64) (calendar, error) {
	c := calendar{loc: loc, first: first, last: last, settings: DefaultSettings()}
	from, to := heldWindow(loc, first, last)
	var (
		minNotice, horizon, step                 *int
		ruleRes, ruleDay, ruleOpens, ruleCloses  []int64
		excRes, excOpens, excCloses              []int64
		excDays                                  []time.Time
		excClosed                                []bool
		heldRes                                  []int64
		heldStarts, heldEnds, extStarts, extEnds []time.Time
		connected                                bool
		refreshedAt                              *time.Time
	)
	sv := &c.service
	err := db.QueryRow(ctx, s.q.LoadCalendar, ws, serviceID, first, last, from, to, except).Scan(
		&sv.ID, &sv.Name, &sv.Description, &sv.DurationMinutes, &sv.BufferBeforeMinutes, &sv.BufferAfterMinutes,
		&sv.PriceCents, &sv.Currency, &sv.Active, &sv.ResourceIDs,
		&minNotice, &horizon, &step,
		&ruleRes, &ruleDay, &ruleOpens, &ruleCloses,
		&excRes, &excDays, &excClosed, &excOpens, &excCloses,
		&heldRes, &heldStarts, &heldEnds,
		&extStarts, &extEnds,
		&connected, &refreshedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("booking: service %d: %w", serviceID, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("booking: load calendar of service %d: %w", serviceID, err)
	}
	if !sv.Active {
		return c, fmt.Errorf("booking: service %d: %w", serviceID, ErrNotFound)
	}
	if minNotice != nil {
		c.settings = Settings{MinNoticeMinutes: *minNotice, HorizonDays: *horizon, SlotStepMinutes: *step}
	}

	c.scheds = make([]Schedule, len(sv.ResourceIDs))
	index := make(map[int64]int, len(sv.ResourceIDs))
	for i, id := range sv.ResourceIDs {
		c.scheds[i].ResourceID = id
		index[id] = i
	}
	var business []Rule
	for i, res := range ruleRes {
		r := Rule{Weekday: time.Weekday(ruleDay[i]), Start: TimeOfDay(ruleOpens[i]), End: TimeOfDay(ruleCloses[i])}
		if res == 0 {
			business = append(business, r)
		} else if k, ok := index[res]; ok {
			c.scheds[k].Rules = append(c.scheds[k].Rules, r)
		}
	}
	for i := range c.scheds {
		if len(c.scheds[i].Rules) == 0 {
			c.scheds[i].Rules = business
		}
	}
	for i, res := range excRes {
		e := Exception{Day: excDays[i], Closed: excClosed[i], Start: TimeOfDay(excOpens[i]), End: TimeOfDay(excCloses[i])}
		if res != 0 {
			e.ResourceID = &excRes[i]
		}
		for k := range c.scheds {
			if res == 0 || res == c.scheds[k].ResourceID {
				c.scheds[k].Exceptions = append(c.scheds[k].Exceptions, e)
			}
		}
	}
	// One backing array for all held time, cut per resource.
	counts := make([]int, len(c.scheds))
	for _, res := range heldRes {
		counts[index[res]]++
	}
	held := make([]Interval, len(heldRes))
	at := 0
	for k, n := range counts {
		c.scheds[k].Busy = held[at : at : at+n]
		at += n
	}
	for i, res := range heldRes {
		k := index[res]
		c.scheds[k].Busy = append(c.scheds[k].Busy, Interval{Start: heldStarts[i], End: heldEnds[i]})
	}
	c.external = intervals(extStarts, extEnds)

	if connected && s.busy != nil && s.busy.BusyStale(refreshedAt) {
		s.refreshBusy(ctx, ws)
		if c.external, err = s.externalBusy(ctx, db, ws, from, to); err != nil {
			return c, err
		}
	}
	return c, nil
}

func intervals(starts, ends []time.Time) []Interval {
	if len(starts) == 0 {
		return nil
	}
	out := make([]Interval, len(starts))
	for i := range starts {
		out[i] = Interval{Start: starts[i], End: ends[i]}
	}
	return out
}

// query is the slot query of the calendar, at most limit slots (0: all).
func (c calendar) query(now time.Time, limit int) SlotQuery {
	return SlotQuery{
		Location: c.loc, Now: now, From: c.first, To: c.last,
		Duration:     c.service.duration(),
		BufferBefore: time.Duration(c.service.BufferBeforeMinutes) * time.Minute,
		BufferAfter:  time.Duration(c.service.BufferAfterMinutes) * time.Minute,
		Step:         time.Duration(c.settings.SlotStepMinutes) * time.Minute,
		MinNotice:    time.Duration(c.settings.MinNoticeMinutes) * time.Minute,
		HorizonDays:  c.settings.HorizonDays,
		Limit:        limit,
	}
}

// schedules are the resources' schedules with the external busy time added to each.
func (c calendar) schedules() []Schedule {
	if len(c.external) == 0 {
		return c.scheds
	}
	out := slices.Clone(c.scheds)
	for i := range out {
		out[i].Busy = append(slices.Clip(out[i].Busy), c.external...)
	}
	return out
}
