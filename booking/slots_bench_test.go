package booking_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

// The benchmark's calendar: a London business with four staff who all perform a
// 30-minute service (5 minutes' buffer before, 10 after), open Monday to Saturday
// 08:00–20:00, searched over 60 days in 15-minute steps. The loaded side holds 2,000
// appointments (500 per member of staff, about 60% of their time); the baseline is the
// same search with none.
const (
	benchResources    = 4
	benchAppointments = 2000
	benchDays         = 60
)

type benchCalendar struct {
	loc   *time.Location
	now   time.Time
	first time.Time
	rules []booking.Rule
	held  map[int64][]booking.Interval // by resource 1..benchResources
}

func newBenchCalendar(t testing.TB) benchCalendar {
	loc := mustLoc(t, "Europe/London")
	c := benchCalendar{loc: loc, first: date(t, "2026-03-02"), held: map[int64][]booking.Interval{}}
	c.now = time.Date(2026, 3, 1, 12, 0, 0, 0, loc)
	for d := time.Monday; d <= time.Saturday; d++ {
		c.rules = append(c.rules, booking.Rule{Weekday: d, Start: 8 * 60, End: 20 * 60})
	}
	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // deterministic test data
	for res := int64(1); res <= benchResources; res++ {
		n := 0
		for day := c.first; n < benchAppointments/benchResources; day = day.AddDate(0, 0, 1) {
			if day.Weekday() == time.Sunday {
				continue
			}
			if day.After(c.first.AddDate(0, 0, benchDays)) {
				t.Fatal("benchmark calendar does not fit 60 days")
			}
			// Appointments at random 15-minute gaps; each holds 45 minutes with buffers.
			for m := 8*60 + 5 + 15*rng.IntN(3); m+40 <= 20*60 && n < benchAppointments/benchResources; m += 45 + 15*rng.IntN(3) {
				start := time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, loc)
				c.held[res] = append(c.held[res], booking.Interval{Start: start.Add(-5 * time.Minute), End: start.Add(40 * time.Minute)})
				n++
			}
		}
	}
	return c
}

func (c benchCalendar) query() booking.SlotQuery {
	return booking.SlotQuery{
		Location: c.loc, Now: c.now, From: c.first, To: c.first.AddDate(0, 0, benchDays-1),
		Duration: 30 * time.Minute, BufferBefore: 5 * time.Minute, BufferAfter: 10 * time.Minute,
		Step: 15 * time.Minute, MinNotice: time.Hour, HorizonDays: 90,
	}
}

func (c benchCalendar) schedules(loaded bool) []booking.Schedule {
	out := make([]booking.Schedule, 0, benchResources)
	for res := int64(1); res <= benchResources; res++ {
		s := booking.Schedule{ResourceID: res, Rules: c.rules}
		if loaded {
			s.Busy = c.held[res]
		}
		out = append(out, s)
	}
	return out
}

// latencies collects the time of each search of one side.
type latencies []time.Duration

func (l latencies) avg() time.Duration {
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	return sum / time.Duration(len(l))
}

func (l latencies) p99() time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[(len(s)*99)/100]
}

// report states both sides' average and p99 in microseconds, and loaded/baseline.
func report(b *testing.B, base, loaded latencies) {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	b.ReportMetric(us(base.avg()), "base-avg-µs")
	b.ReportMetric(us(base.p99()), "base-p99-µs")
	b.ReportMetric(us(loaded.avg()), "avg-µs")
	b.ReportMetric(us(loaded.p99()), "p99-µs")
	b.ReportMetric(float64(loaded.avg())/float64(base.avg()), "avg-ratio")
	b.ReportMetric(float64(loaded.p99())/float64(base.p99()), "p99-ratio")
}

// BenchmarkFreeSlots is the pure computation: each iteration runs the baseline search
// and the loaded one, alternately, so both see the same machine.
func BenchmarkFreeSlots(b *testing.B) {
	c := newBenchCalendar(b)
	q, empty, full := c.query(), c.schedules(false), c.schedules(true)
	require.Len(b, booking.FreeSlots(q, empty), 52*45, "52 working days of 45 starts: 08:15 (08:00 plus the buffer, on the grid) to 19:15")
	require.Less(b, len(booking.FreeSlots(q, full)), 52*45)
	var base, loaded latencies
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		booking.FreeSlots(q, empty)
		t1 := time.Now()
		booking.FreeSlots(q, full)
		t2 := time.Now()
		base, loaded = append(base, t1.Sub(t0)), append(loaded, t2.Sub(t1))
	}
	report(b, base, loaded)
}

// BenchmarkAvailableSlots is the store's whole search on PostgreSQL: settings, rules,
// exceptions and held time loaded, then the computation. The baseline workspace has the
// same staff, hours and service, and no appointments.
func BenchmarkAvailableSlots(b *testing.B) {
	ctx := context.Background()
	c := newBenchCalendar(b)
	pool := dbtest.New(b)
	st, err := booking.NewStore()
	require.NoError(b, err)
	st = st.WithClock(func() time.Time { return c.now })
	type side struct {
		ws, svc int64
	}
	makeSide := func(slug string, loaded bool) side {
		var s side
		require.NoError(b, pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name, timezone) VALUES ($1, $1, 'Europe/London') RETURNING id", slug).Scan(&s.ws))
		var windows []booking.Window
		for _, r := range c.rules {
			windows = append(windows, booking.Window{Weekday: r.Weekday, Opens: r.Start.String(), Closes: r.End.String()})
		}
		require.NoError(b, st.SetHours(ctx, pool, s.ws, windows))
		require.NoError(b, st.SetSettings(ctx, pool, s.ws, booking.Settings{MinNoticeMinutes: 60, HorizonDays: 90, SlotStepMinutes: 15}))
		var resources []int64
		require.NoError(b, pool.QueryRow(ctx, "SELECT array_agg(id) FROM resources WHERE workspace_id = $1", s.ws).Scan(&resources))
		for len(resources) < benchResources {
			var id int64
			require.NoError(b, pool.QueryRow(ctx, "INSERT INTO resources (workspace_id, name) VALUES ($1, 'Staff') RETURNING id", s.ws).Scan(&id))
			resources = append(resources, id)
		}
		svc, err := st.CreateService(ctx, pool, s.ws, booking.Service{Name: "Check-up", DurationMinutes: 30,
			BufferBeforeMinutes: 5, BufferAfterMinutes: 10, Currency: "GBP", ResourceIDs: resources})
		require.NoError(b, err)
		s.svc = svc.ID
		if !loaded {
			return s
		}
		var contact int64
		require.NoError(b, pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, name) VALUES ($1, 'Bench') RETURNING id", s.ws).Scan(&contact))
		var res []int64
		var starts []time.Time
		for i, r := range resources {
			for _, h := range c.held[int64(i+1)] {
				res, starts = append(res, r), append(starts, h.Start.Add(5*time.Minute))
			}
		}
		_, err = pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at,
			buffer_before_minutes, buffer_after_minutes, during)
			SELECT $1, r, $2, $3, s, s + interval '30 minutes', 5, 10, tstzrange(s - interval '5 minutes', s + interval '40 minutes')
			FROM unnest($4::bigint[], $5::timestamptz[]) AS t (r, s)`, s.ws, s.svc, contact, res, starts)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, "ANALYZE appointments")
		require.NoError(b, err)
		return s
	}
	empty, full := makeSide("bench-base", false), makeSide("bench-full", true)
	var n int
	require.NoError(b, pool.QueryRow(ctx, "SELECT count(*) FROM appointments WHERE workspace_id = $1", full.ws).Scan(&n))
	require.Equal(b, benchAppointments, n)

	q := c.query()
	search := func(st *booking.Store, s side) int {
		slots, err := st.AvailableSlots(ctx, pool, s.ws, c.loc, s.svc, q.From, q.To, 0)
		require.NoError(b, err)
		return len(slots)
	}
	require.Equal(b, len(booking.FreeSlots(q, c.schedules(false))), search(st, empty))
	require.Equal(b, len(booking.FreeSlots(q, c.schedules(true))), search(st, full), "the store computes what the pure function does")
	require.Equal(b, len(booking.FreeSlots(q, c.schedules(true))), search(st, full), "and so does its cache")
	// The cold side reads all held time each time, as the first search after a change.
	uncached := st.WithoutHeldCache()
	var base, loaded, cold latencies
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		search(st, empty)
		t1 := time.Now()
		search(st, full)
		t2 := time.Now()
		search(uncached, full)
		t3 := time.Now()
		base, loaded, cold = append(base, t1.Sub(t0)), append(loaded, t2.Sub(t1)), append(cold, t3.Sub(t2))
	}
	report(b, base, loaded)
	b.ReportMetric(float64(cold.p99())/float64(time.Microsecond), "cold-p99-µs")
	b.ReportMetric(float64(cold.p99())/float64(base.p99()), "cold-p99-ratio")
}
