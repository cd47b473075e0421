package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/config"
)

// The booking benchmark's calendar, as booking/slots_bench_test.go's: four staff who all
// perform a 30-minute service (5 minutes' buffer before, 10 after), open Monday to
// Saturday 08:00–20:00, searched over 60 days in 15-minute steps.
const (
	benchBookingStaff = 4
	benchBookingDays  = 60
)

type benchBookingFlags struct {
	searches, racers, slots int
}

// benchBooking measures the slot search of a busy calendar (about 2,000 appointments)
// against the same calendar empty, and booking under contention: racers customers try
// to book the same few starts at once, where exactly one per member of staff may win.
func benchBooking(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	var f benchBookingFlags
	fs := flag.NewFlagSet("bench booking", flag.ContinueOnError)
	fs.IntVar(&f.searches, "searches", 200, "slot searches per side")
	fs.IntVar(&f.racers, "racers", 32, "customers booking at once")
	fs.IntVar(&f.slots, "slots", 10, "starts the customers race for")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || f.searches < 1 || f.racers < 1 || f.slots < 1 {
		return fmt.Errorf("bench booking: --searches, --racers and --slots must be positive, and it takes no arguments: %w", errUsage)
	}
	return withAppOptions(ctx, cfg, log, appOptions{}, func(a *app) error { return runBenchBooking(ctx, a, f, out) })
}

// benchCalendarSide is one workspace of the benchmark.
type benchCalendarSide struct {
	ws, svc int64
	loc     *time.Location
}

func runBenchBooking(ctx context.Context, a *app, f benchBookingFlags, out io.Writer) (err error) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return err
	}
	first := booking.LocalDate(time.Now().In(loc), loc).AddDate(0, 0, 2)
	last := first.AddDate(0, 0, benchBookingDays-1)
	var wsIDs []int64
	defer func() {
		if cerr := benchCleanup(context.WithoutCancel(ctx), a, wsIDs); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	stamp := time.Now().UnixNano()
	side := func(name string) (benchCalendarSide, error) {
		s, err := benchCalendarWorkspace(ctx, a, fmt.Sprintf("bench-booking-%s-%d", name, stamp), loc)
		wsIDs = append(wsIDs, s.ws)
		return s, err
	}
	empty, err := side("empty")
	if err != nil {
		return err
	}
	full, err := side("full")
	if err != nil {
		return err
	}
	held, err := benchHoldCalendar(ctx, a, full, first)
	if err != nil {
		return err
	}

	// Slot search: the sides alternately, so all see the same machine. A node keeps the
	// held time it read until it changes; the cold side reads it all every time, as the
	// first search after a booking does.
	var base, loaded, cold benchResult
	uncached := a.booking.WithoutHeldCache()
	for range f.searches {
		for _, s := range []struct {
			side  benchCalendarSide
			store *booking.Store
			into  *benchResult
		}{{empty, a.booking, &base}, {full, a.booking, &loaded}, {full, uncached, &cold}} {
			t0 := time.Now()
			if _, err := s.store.AvailableSlots(ctx, a.pool, s.side.ws, loc, s.side.svc, first, last, 0); err != nil {
				return fmt.Errorf("bench booking: search: %w", err)
			}
			s.into.latencies = append(s.into.latencies, time.Since(t0))
		}
	}
	slices.Sort(base.latencies)
	slices.Sort(loaded.latencies)
	slices.Sort(cold.latencies)

	// Contention: every racer tries every start, in its own order, at once.
	// One start a day, so that the starts do not overlap and each takes one booking per
	// member of staff.
	free, err := a.booking.AvailableSlots(ctx, a.pool, empty.ws, loc, empty.svc, first, last, 0)
	if err != nil {
		return err
	}
	var slots []booking.Slot
	for _, sl := range free {
		if len(slots) < f.slots && (len(slots) == 0 || booking.LocalDate(sl.Start, loc).After(booking.LocalDate(slots[len(slots)-1].Start, loc))) {
			slots = append(slots, sl)
		}
	}
	contended, won, err := benchRace(ctx, a, empty, slots, f.racers)
	if err != nil {
		return err
	}
	var stored int
	if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM appointments WHERE workspace_id = $1 AND status = 'booked'", empty.ws).Scan(&stored); err != nil {
		return err
	}
	if stored != len(won) {
		return fmt.Errorf("bench booking: %d bookings won but %d stored", len(won), stored)
	}
	perStart := map[time.Time]int{}
	for _, st := range won {
		perStart[st]++
	}
	double := 0
	for _, n := range perStart {
		double += max(0, n-benchBookingStaff)
	}
	// The uncontended baseline: as many bookings, each at a start no one else wants.
	later, err := a.booking.AvailableSlots(ctx, a.pool, full.ws, loc, full.svc, first.AddDate(0, 0, 30), last, len(won))
	if err != nil {
		return err
	}
	alone, _, err := benchRace(ctx, a, full, later, 1)
	if err != nil {
		return err
	}

	fmt.Fprintf(out, "bench booking: %d staff, %d appointments held over %d days; %d searches per side; %d customers racing for %d starts\n\n",
		benchBookingStaff, held, benchBookingDays, f.searches, f.racers, len(slots))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "slot search, 60 days\tp50\tp99\t")
	fmt.Fprintf(tw, "empty calendar (baseline)\t%s\t%s\t\n", fmtDur(base.percentile(0.5)), fmtDur(base.percentile(0.99)))
	fmt.Fprintf(tw, "%d appointments\t%s\t%s\t\n", held, fmtDur(loaded.percentile(0.5)), fmtDur(loaded.percentile(0.99)))
	fmt.Fprintf(tw, "%d appointments, none cached (just after a change)\t%s\t%s\t\n", held, fmtDur(cold.percentile(0.5)), fmtDur(cold.percentile(0.99)))
	_ = tw.Flush()
	fmt.Fprintf(out, "\nbooking: %.0f attempts/s contended (%d won of %d tried), %.0f bookings/s alone; double bookings: %d\n",
		contended, len(won), f.racers*len(slots), alone, double)
	benchRecord(out,
		benchFigure{name: "booking: slot search p99 (60 days, 2,000 appts)", figure: msOf(loaded.percentile(0.99)), unit: "ms", baseline: msOf(base.percentile(0.99))},
		benchFigure{name: "booking: the same, none cached", figure: msOf(cold.percentile(0.99)), unit: "ms", baseline: msOf(base.percentile(0.99))},
		benchFigure{name: "booking: attempts under contention", figure: contended, unit: "/s", baseline: alone},
		benchFigure{name: "booking: double bookings", figure: float64(double), unit: "", baseline: 0},
	)
	if double > 0 || len(won) != len(slots)*min(benchBookingStaff, f.racers) {
		return fmt.Errorf("bench booking: %d starts were booked %d times in all; each start takes one booking per member of staff", len(slots), len(won))
	}
	return nil
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchCalendarWorkspace makes a workspace with the benchmark's staff, hours and service.
func benchCalendarWorkspace(ctx context.Context, a *app, slug string, loc *time.Location) (benchCalendarSide, error) {
	s := benchCalendarSide{loc: loc}
	ws, err := a.conv.CreateWorkspace(ctx, a.pool, slug, "Bench booking", loc.String(), "GB")
	if err != nil {
		return s, err
	}
	s.ws = ws.ID
	var windows []booking.Window
	for d := time.Monday; d <= time.Saturday; d++ {
		windows = append(windows, booking.Window{Weekday: d, Opens: "08:00", Closes: "20:00"})
	}
	if err := a.booking.SetHours(ctx, a.pool, s.ws, windows); err != nil {
		return s, err
	}
	if err := a.booking.SetSettings(ctx, a.pool, s.ws, booking.Settings{MinNoticeMinutes: 60, HorizonDays: 90, SlotStepMinutes: 15}); err != nil {
		return s, err
	}
	var staff []int64
	if err := a.pool.QueryRow(ctx, "SELECT coalesce(array_agg(id), '{}') FROM resources WHERE workspace_id = $1", s.ws).Scan(&staff); err != nil {
		return s, err
	}
	for len(staff) < benchBookingStaff {
		var id int64
		if err := a.pool.QueryRow(ctx, "INSERT INTO resources (workspace_id, name) VALUES ($1, 'Staff') RETURNING id", s.ws).Scan(&id); err != nil {
			return s, err
		}
		staff = append(staff, id)
	}
	sv, err := a.booking.CreateService(ctx, a.pool, s.ws, booking.Service{Name: "Check-up", DurationMinutes: 30,
		BufferBeforeMinutes: 5, BufferAfterMinutes: 10, Currency: "GBP", ResourceIDs: staff})
	s.svc = sv.ID
	return s, err
}

// benchHoldCalendar fills about 60% of each member of staff's time from first on, with
// appointments at random 15-minute gaps (deterministic), and returns how many.
func benchHoldCalendar(ctx context.Context, a *app, s benchCalendarSide, first time.Time) (int, error) {
	var staff []int64
	if err := a.pool.QueryRow(ctx, "SELECT array_agg(id ORDER BY id) FROM resources WHERE workspace_id = $1", s.ws).Scan(&staff); err != nil {
		return 0, err
	}
	var contact int64
	if err := a.pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, name) VALUES ($1, 'Bench') RETURNING id", s.ws).Scan(&contact); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // deterministic benchmark data
	var res []int64
	var starts []time.Time
	for _, r := range staff {
		n := 0
		for day := first; n < 500 && day.Before(first.AddDate(0, 0, benchBookingDays)); day = day.AddDate(0, 0, 1) {
			if day.Weekday() == time.Sunday {
				continue
			}
			for m := 8*60 + 5 + 15*rng.IntN(3); m+40 <= 20*60 && n < 500; m += 45 + 15*rng.IntN(3) {
				res, starts = append(res, r), append(starts, time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, s.loc))
				n++
			}
		}
	}
	_, err := a.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at,
		buffer_before_minutes, buffer_after_minutes, during)
		SELECT $1, r, $2, $3, s, s + interval '30 minutes', 5, 10, tstzrange(s - interval '5 minutes', s + interval '40 minutes')
		FROM unnest($4::bigint[], $5::timestamptz[]) AS t (r, s)`, s.ws, s.svc, contact, res, starts)
	if err != nil {
		return 0, fmt.Errorf("bench booking: hold the calendar: %w", err)
	}
	_, err = a.pool.Exec(ctx, "ANALYZE appointments")
	return len(starts), err
}

// benchRace has racers customers each try to book every slot (in their own order) at
// once; it returns attempts per second and the start of each booking won.
func benchRace(ctx context.Context, a *app, s benchCalendarSide, slots []booking.Slot, racers int) (float64, []time.Time, error) {
	contacts := make([]int64, racers)
	for i := range contacts {
		if err := a.pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, name) VALUES ($1, $2) RETURNING id", s.ws, fmt.Sprintf("Racer %d", i)).Scan(&contacts[i]); err != nil {
			return 0, nil, err
		}
	}
	var (
		mu       sync.Mutex
		won      []time.Time
		firstErr error
		attempts atomic.Int64
		wg       sync.WaitGroup
	)
	t0 := time.Now()
	for i, c := range contacts {
		order := rand.Perm(len(slots)) //nolint:gosec // an order, not a secret
		wg.Go(func() {
			for _, k := range order {
				attempts.Add(1)
				_, err := a.booking.Book(ctx, a.pool, booking.BookRequest{WorkspaceID: s.ws, ServiceID: s.svc, ContactID: c,
					Start: slots[k].Start, Location: s.loc, Notes: fmt.Sprintf("racer %d", i)})
				mu.Lock()
				switch {
				case err == nil:
					won = append(won, slots[k].Start)
				case errors.Is(err, booking.ErrSlotTaken), errors.Is(err, booking.ErrNotBookable):
				case firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return float64(attempts.Load()) / time.Since(t0).Seconds(), won, firstErr
}
