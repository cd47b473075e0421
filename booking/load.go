package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
	// external[i] is the busy time of scheds[i] in the connected Google calendars: the
	// business's calendar holds every resource, a resource's own calendar that one.
	scheds   []Schedule
	external [][]Interval
	index    map[int64]int // position in scheds by resource id
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
		connected   bool
		refreshedAt *time.Time
	)
	readCalendar := func(row pgx.Row) error {
		var err error
		connected, refreshedAt, err = c.scan(row)
		return err
	}
	// Held time the cache has at the current version is not read again. A move's search
	// (except) leaves one appointment out, so it neither uses nor fills the cache.
	cache := s.held
	if except != 0 {
		cache = nil
	}
	ids, versions, cached := cache.valid(ws, from, to)
	fresh := map[int64]int64{}
	readHeld := func(rows pgx.Rows) error {
		// One set of scan targets for every row: thousands of rows, no allocation each.
		var res, version int64
		var start, end pgtype.Timestamptz
		_, err := pgx.ForEachRow(rows, []any{&res, &version, &start, &end}, func() error {
			if !start.Valid {
				fresh[res] = version
			} else if k, ok := c.index[res]; ok {
				c.scheds[k].Busy = append(c.scheds[k].Busy, Interval{start.Time, end.Time})
			}
			return nil
		})
		return err
	}
	calArgs := []any{ws, serviceID, first, last, from, to}
	heldArgs := []any{ws, serviceID, from, to, except, ids, versions}
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
	for k := range c.scheds {
		sc := &c.scheds[k]
		if version, ok := fresh[sc.ResourceID]; ok {
			cache.put(ws, sc.ResourceID, version, from, to, sc.Busy)
		} else if e, ok := cached[sc.ResourceID]; ok {
			sc.Busy = e.busy
		}
	}
	if connected && s.busy != nil && s.busy.BusyStale(refreshedAt) {
		s.refreshBusy(ctx, ws)
		res, starts, ends, err := s.externalBusy(ctx, db, ws, from, to)
		if err != nil {
			return c, err
		}
		c.setExternal(res, starts, ends)
	}
	return c, nil
}

// scan reads a LoadCalendar row into c: the service, settings, each resource's
// schedule without its held time, and the external busy time. It returns the
// connection's state.
func (c *calendar) scan(row pgx.Row) (connected bool, refreshedAt *time.Time, err error) {
	var (
		minNotice, horizon, step                *int
		ruleRes, ruleDay, ruleOpens, ruleCloses []int64
		excRes, excOpens, excCloses             []int64
		excDays                                 []time.Time
		excClosed                               []bool
		extRes                                  []int64
		extStarts, extEnds                      []time.Time
	)
	sv := &c.service
	if err = row.Scan(
		&sv.ID, &sv.Name, &sv.Description, &sv.DurationMinutes, &sv.BufferBeforeMinutes, &sv.BufferAfterMinutes,
		&sv.PriceCents, &sv.Currency, &sv.Active, &sv.ResourceIDs,
		&minNotice, &horizon, &step,
		&ruleRes, &ruleDay, &ruleOpens, &ruleCloses,
		&excRes, &excDays, &excClosed, &excOpens, &excCloses,
		&extRes, &extStarts, &extEnds,
		&connected, &refreshedAt); err != nil {
		return false, nil, err
	}
	if minNotice != nil {
		c.settings = Settings{MinNoticeMinutes: *minNotice, HorizonDays: *horizon, SlotStepMinutes: *step}
	}
	c.scheds = make([]Schedule, len(sv.ResourceIDs))
	c.index = make(map[int64]int, len(sv.ResourceIDs))
	for i, id := range sv.ResourceIDs {
		c.scheds[i].ResourceID = id
		c.index[id] = i
	}
	var business []Rule
	for i, res := range ruleRes {
		r := Rule{Weekday: time.Weekday(ruleDay[i]), Start: TimeOfDay(ruleOpens[i]), End: TimeOfDay(ruleCloses[i])}
		if res == 0 {
			business = append(business, r)
		} else if k, ok := c.index[res]; ok {
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
	c.setExternal(extRes, extStarts, extEnds)
	return connected, refreshedAt, nil
}

// setExternal sorts external busy times to the resources they hold (0: all of them).
func (c *calendar) setExternal(res []int64, starts, ends []time.Time) {
	c.external = make([][]Interval, len(c.scheds))
	for i, r := range res {
		iv := Interval{Start: starts[i], End: ends[i]}
		if r == 0 {
			for k := range c.external {
				c.external[k] = append(c.external[k], iv)
			}
		} else if k, ok := c.index[r]; ok {
			c.external[k] = append(c.external[k], iv)
		}
	}
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

// schedules are the resources' schedules with their external busy time added.
func (c calendar) schedules() []Schedule {
	out := slices.Clone(c.scheds)
	for i := range out {
		if len(c.external[i]) > 0 {
			out[i].Busy = append(slices.Clip(out[i].Busy), c.external[i]...)
		}
	}
	return out
}
