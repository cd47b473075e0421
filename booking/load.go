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

// batcher is a pool, connection or transaction: what can send queries in one batch.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// loadCalendar reads the service, settings, rules, exceptions and external busy time
// (LoadCalendar) and the held time (LoadHeld) in one batch: one round trip. A further
// read happens only when the connected calendar's busy times are stale and have just
// been refreshed. An unknown or inactive service is ErrNotFound.
func (s *Store) loadCalendar(ctx context.Context, db database.DBTX, ws int64, loc *time.Location, serviceID int64, first, last time.Time, except int64) (calendar, error) {
	c := calendar{loc: loc, first: first, last: last, settings: DefaultSettings()}
	from, to := heldWindow(loc, first, last)
	var (
		index       map[int64]int
		connected   bool
		refreshedAt *time.Time
	)
	readCalendar := func(row pgx.Row) error {
		var err error
		index, connected, refreshedAt, err = c.scan(row)
		return err
	}
	readHeld := func(rows pgx.Rows) error {
		// One set of scan targets for every row: thousands of rows, no allocation each.
		var res int64
		var iv Interval
		_, err := pgx.ForEachRow(rows, []any{&res, &iv.Start, &iv.End}, func() error {
			if k, ok := index[res]; ok {
				c.scheds[k].Busy = append(c.scheds[k].Busy, iv)
			}
			return nil
		})
		return err
	}
	calArgs := []any{ws, serviceID, first, last, from, to}
	heldArgs := []any{ws, serviceID, from, to, except}
	var err error
	if b, ok := db.(batcher); ok {
		batch := &pgx.Batch{}
		batch.Queue(s.q.LoadCalendar, calArgs...).QueryRow(readCalendar)
		batch.Queue(s.q.LoadHeld, heldArgs...).Query(readHeld)
		err = b.SendBatch(ctx, batch).Close()
	} else if err = readCalendar(db.QueryRow(ctx, s.q.LoadCalendar, calArgs...)); err == nil {
		var rows pgx.Rows
		if rows, err = db.Query(ctx, s.q.LoadHeld, heldArgs...); err == nil {
			err = readHeld(rows)
		}
	}
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !c.service.Active {
		return c, fmt.Errorf("booking: service %d: %w", serviceID, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("booking: load calendar of service %d: %w", serviceID, err)
	}
	if connected && s.busy != nil && s.busy.BusyStale(refreshedAt) {
		s.refreshBusy(ctx, ws)
		if c.external, err = s.externalBusy(ctx, db, ws, from, to); err != nil {
			return c, err
		}
	}
	return c, nil
}

// scan reads a LoadCalendar row into c: the service, settings, each resource's
// schedule without its held time, and the external busy time. It returns the index of
// each resource in c.scheds and the connection's state.
func (c *calendar) scan(row pgx.Row) (index map[int64]int, connected bool, refreshedAt *time.Time, err error) {
	var (
		minNotice, horizon, step                *int
		ruleRes, ruleDay, ruleOpens, ruleCloses []int64
		excRes, excOpens, excCloses             []int64
		excDays                                 []time.Time
		excClosed                               []bool
		extStarts, extEnds                      []time.Time
	)
	sv := &c.service
	if err = row.Scan(
		&sv.ID, &sv.Name, &sv.Description, &sv.DurationMinutes, &sv.BufferBeforeMinutes, &sv.BufferAfterMinutes,
		&sv.PriceCents, &sv.Currency, &sv.Active, &sv.ResourceIDs,
		&minNotice, &horizon, &step,
		&ruleRes, &ruleDay, &ruleOpens, &ruleCloses,
		&excRes, &excDays, &excClosed, &excOpens, &excCloses,
		&extStarts, &extEnds,
		&connected, &refreshedAt); err != nil {
		return nil, false, nil, err
	}
	if minNotice != nil {
		c.settings = Settings{MinNoticeMinutes: *minNotice, HorizonDays: *horizon, SlotStepMinutes: *step}
	}
	c.scheds = make([]Schedule, len(sv.ResourceIDs))
	index = make(map[int64]int, len(sv.ResourceIDs))
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
	c.external = intervals(extStarts, extEnds)
	return index, connected, refreshedAt, nil
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
