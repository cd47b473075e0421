package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

type testBundle struct {
	pool    *pgxpool.Pool
	store   *booking.Store
	loc     *time.Location
	ws      int64
	contact int64
	svc     booking.Service
	now     time.Time
}

// at is a London wall-clock time on a December 2026 day.
func (b *testBundle) at(day int, clock string) time.Time {
	ts, err := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("2026-12-%02d %s", day, clock), b.loc)
	if err != nil {
		panic(err)
	}
	return ts
}

// setup makes a London workspace open Monday to Friday 09:00–17:00, a contact, a
// 30-minute service with a 10-minute buffer after, and a store whose clock is fixed
// at Tuesday 1 December 2026, 08:00.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	b := &testBundle{pool: dbtest.New(t), loc: mustLoc(t, "Europe/London")}
	b.now = b.at(1, "08:00")
	st, err := booking.NewStore()
	require.NoError(t, err)
	b.store = st.WithClock(func() time.Time { return b.now })
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name, timezone) VALUES ('clinic', 'Clinic', 'Europe/London') RETURNING id").Scan(&b.ws))
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, phone, name) VALUES ($1, '+447700900001', 'Jane') RETURNING id", b.ws).Scan(&b.contact))
	var hours []booking.Window
	for d := time.Monday; d <= time.Friday; d++ {
		hours = append(hours, booking.Window{Weekday: d, Opens: "09:00", Closes: "17:00"})
	}
	require.NoError(t, b.store.SetHours(ctx, b.pool, b.ws, hours))
	require.NoError(t, b.store.SetSettings(ctx, b.pool, b.ws, booking.Settings{MinNoticeMinutes: 60, HorizonDays: 30, SlotStepMinutes: 30}))
	price := int64(6500)
	b.svc, err = b.store.CreateService(ctx, b.pool, b.ws, booking.Service{
		Name: "Check-up", DurationMinutes: 30, BufferAfterMinutes: 10, PriceCents: &price, Currency: "GBP",
	})
	require.NoError(t, err)
	return b
}

func (b *testBundle) book(t *testing.T, start time.Time) (booking.Appointment, error) {
	t.Helper()
	return b.store.Book(context.Background(), b.pool, booking.BookRequest{
		WorkspaceID: b.ws, ServiceID: b.svc.ID, ContactID: b.contact, Start: start, Location: b.loc,
	})
}

func TestServices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)

	res, err := b.store.Resources(ctx, b.pool, b.ws)
	require.NoError(t, err)
	require.Len(t, res, 1, "a workspace gets a default resource")
	require.True(t, res[0].IsDefault)
	require.Equal(t, []int64{res[0].ID}, b.svc.ResourceIDs, "a service without resources is done by the default one")

	_, err = b.store.CreateService(ctx, b.pool, b.ws, booking.Service{Name: "check-UP", DurationMinutes: 20, Currency: "GBP"})
	var fe booking.ValidationError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, fe["name"], "exists already")

	_, err = b.store.CreateService(ctx, b.pool, b.ws, booking.Service{Name: " ", DurationMinutes: 2, BufferBeforeMinutes: -1, Currency: "pounds"})
	require.ErrorAs(t, err, &fe)
	require.ErrorIs(t, err, booking.ErrInvalid)
	require.Len(t, fe, 4, fe)

	_, err = b.store.CreateService(ctx, b.pool, b.ws, booking.Service{Name: "Ghost", DurationMinutes: 20, Currency: "GBP", ResourceIDs: []int64{999999}})
	require.ErrorAs(t, err, &fe)
	require.Contains(t, fe, "resource_ids")

	whitening, err := b.store.CreateService(ctx, b.pool, b.ws, booking.Service{Name: "Whitening", DurationMinutes: 60})
	require.NoError(t, err)
	require.Equal(t, "USD", whitening.Currency)
	require.Nil(t, whitening.PriceCents)

	list, err := b.store.Services(ctx, b.pool, b.ws)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "Check-up", list[0].Name)
	require.Equal(t, int64(6500), *list[0].PriceCents)
	require.Equal(t, 10, list[0].BufferAfterMinutes)

	var other int64
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ('other', 'Other') RETURNING id").Scan(&other))
	_, err = b.store.Service(ctx, b.pool, other, b.svc.ID)
	require.ErrorIs(t, err, booking.ErrNotFound, "another workspace's service is not found")
	list, err = b.store.Services(ctx, b.pool, other)
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	var other int64
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ('other', 'Other') RETURNING id").Scan(&other))
	st, err := b.store.Settings(ctx, b.pool, other)
	require.NoError(t, err)
	require.Equal(t, booking.DefaultSettings(), st)
	st, err = b.store.Settings(ctx, b.pool, b.ws)
	require.NoError(t, err)
	require.Equal(t, booking.Settings{MinNoticeMinutes: 60, HorizonDays: 30, SlotStepMinutes: 30}, st)

	err = b.store.SetSettings(ctx, b.pool, b.ws, booking.Settings{MinNoticeMinutes: -1, HorizonDays: 0, SlotStepMinutes: 1})
	var fe booking.ValidationError
	require.ErrorAs(t, err, &fe)
	require.Len(t, fe, 3)
}

func TestAvailableSlots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	slots := func(first, last string) []string {
		t.Helper()
		got, err := b.store.AvailableSlots(ctx, b.pool, b.ws, b.loc, b.svc.ID, date(t, first), date(t, last), 0)
		require.NoError(t, err)
		out := []string{}
		for _, s := range got {
			out = append(out, s.Start.In(b.loc).Format("02 15:04"))
			require.Equal(t, 30*time.Minute, s.End.Sub(s.Start))
		}
		return out
	}
	// Tuesday: 30-minute steps; the 10-minute buffer after must fit before 17:00.
	day := slots("2026-12-01", "2026-12-01")
	require.Len(t, day, 15)
	require.Equal(t, "01 09:00", day[0])
	require.Equal(t, "01 16:00", day[len(day)-1])
	require.Empty(t, slots("2026-12-05", "2026-12-06"), "closed at the weekend")

	_, err := b.book(t, b.at(2, "10:00"))
	require.NoError(t, err)
	day = slots("2026-12-02", "2026-12-02")
	require.NotContains(t, day, "02 10:00")
	require.NotContains(t, day, "02 09:30", "09:30 plus its buffer would run into 10:00")
	require.NotContains(t, day, "02 10:30", "the booked 10:00 is held with its buffer until 10:40")
	require.Contains(t, day, "02 11:00")
	require.Len(t, day, 12)

	require.NoError(t, b.store.SetExceptions(ctx, b.pool, b.ws, []booking.Exception{
		{Day: date(t, "2026-12-03"), Closed: true, Note: "training"},
		{Day: date(t, "2026-12-04"), Start: tod(t, "12:00"), End: tod(t, "13:00")},
	}))
	require.Empty(t, slots("2026-12-03", "2026-12-03"))
	require.Equal(t, []string{"04 12:00"}, slots("2026-12-04", "2026-12-04"))

	_, err = b.store.AvailableSlots(ctx, b.pool, b.ws, b.loc, 999999, date(t, "2026-12-01"), date(t, "2026-12-01"), 0)
	require.ErrorIs(t, err, booking.ErrNotFound)
}

func TestBookAndReschedule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)

	a, err := b.book(t, b.at(2, "10:00"))
	require.NoError(t, err)
	require.Equal(t, booking.StatusBooked, a.Status)
	require.True(t, a.Start.Equal(b.at(2, "10:00")))
	require.True(t, a.End.Equal(b.at(2, "10:30")))
	require.Equal(t, "Check-up", a.ServiceName)
	require.Equal(t, "+447700900001", a.ContactPhone)

	_, err = b.book(t, b.at(2, "10:00"))
	var taken *booking.SlotTakenError
	require.ErrorAs(t, err, &taken)
	require.ErrorIs(t, err, booking.ErrSlotTaken)
	require.Len(t, taken.Alternatives, booking.AlternativesLimit)
	require.True(t, taken.Alternatives[0].Start.Equal(b.at(2, "09:00")), "alternatives start from the day asked for: %v", taken.Alternatives[0].Start)
	for _, alt := range taken.Alternatives {
		require.False(t, alt.Start.Equal(b.at(2, "10:00")))
		require.False(t, alt.Start.Equal(b.at(2, "09:30")))
	}

	for name, start := range map[string]time.Time{
		"Past":       b.at(1, "07:00"),
		"TooSoon":    b.at(1, "08:30"),
		"OffGrid":    b.at(2, "10:10"),
		"Closed":     b.at(5, "10:00"),
		"PastHorizn": b.at(1, "10:00").AddDate(0, 0, 35),
		"LateInDay":  b.at(2, "16:30"),
	} {
		_, err := b.book(t, start)
		require.ErrorIs(t, err, booking.ErrNotBookable, name)
	}

	other, err := b.book(t, b.at(2, "11:00"))
	require.NoError(t, err)

	// Into a taken slot: refused, both appointments as they were.
	_, err = b.store.Reschedule(ctx, b.pool, b.ws, other.ID, b.loc, b.at(2, "10:00"))
	require.ErrorIs(t, err, booking.ErrSlotTaken)
	_, err = b.store.Reschedule(ctx, b.pool, b.ws, a.ID, b.loc, b.at(2, "10:30"))
	require.ErrorIs(t, err, booking.ErrSlotTaken, "10:30 + 30 min + 10 min buffer runs into 11:00")
	got, err := b.store.Appointment(ctx, b.pool, b.ws, other.ID)
	require.NoError(t, err)
	require.True(t, got.Start.Equal(b.at(2, "11:00")))
	require.Equal(t, 0, got.Sequence)

	moved, err := b.store.Reschedule(ctx, b.pool, b.ws, other.ID, b.loc, b.at(2, "11:30"))
	require.NoError(t, err)
	require.True(t, moved.Start.Equal(b.at(2, "11:30")))
	require.Equal(t, 1, moved.Sequence)
	_, err = b.store.Reschedule(ctx, b.pool, b.ws, a.ID, b.loc, b.at(2, "10:30"))
	require.NoError(t, err, "11:00 is free now")

	cancelled, err := b.store.Cancel(ctx, b.pool, b.ws, moved.ID)
	require.NoError(t, err)
	require.Equal(t, booking.StatusCancelled, cancelled.Status)
	again, err := b.store.Cancel(ctx, b.pool, b.ws, moved.ID)
	require.NoError(t, err)
	require.Equal(t, cancelled.Sequence, again.Sequence, "cancelling twice changes nothing")
	_, err = b.book(t, b.at(2, "11:30"))
	require.NoError(t, err, "a cancelled appointment frees its time")
	_, err = b.store.Reschedule(ctx, b.pool, b.ws, moved.ID, b.loc, b.at(3, "11:30"))
	require.ErrorIs(t, err, booking.ErrNotBookable, "a cancelled appointment cannot be moved")

	_, err = b.store.Cancel(ctx, b.pool, b.ws, 999999)
	require.ErrorIs(t, err, booking.ErrNotFound)

	list, err := b.store.Appointments(ctx, b.pool, b.ws, b.at(2, "00:00"), b.at(3, "00:00"))
	require.NoError(t, err)
	require.Len(t, list, 3)
	require.Equal(t, []string{booking.StatusBooked, booking.StatusCancelled, booking.StatusBooked},
		[]string{list[0].Status, list[1].Status, list[2].Status})
}

// The database, not the slot check, decides a race: every goroutine sees the slot
// free, and exactly one gets it.
func TestBookConcurrentlyOneWins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	cfg := b.pool.Config().Copy()
	cfg.MaxConns = 40
	wide, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(wide.Close)

	const n = 200
	start := b.at(3, "14:00")
	var wg sync.WaitGroup
	gate := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			_, errs[i] = b.store.Book(ctx, wide, booking.BookRequest{
				WorkspaceID: b.ws, ServiceID: b.svc.ID, ContactID: b.contact, Start: start, Location: b.loc,
			})
		}()
	}
	close(gate)
	wg.Wait()

	won, lost := 0, 0
	for _, err := range errs {
		var taken *booking.SlotTakenError
		switch {
		case err == nil:
			won++
		case errors.As(err, &taken):
			lost++
			for _, alt := range taken.Alternatives {
				require.False(t, alt.Start.Equal(start), "the lost slot is not offered back")
			}
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	require.Equal(t, 1, won)
	require.Equal(t, n-1, lost)
	var count int
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT count(*) FROM appointments WHERE workspace_id = $1", b.ws).Scan(&count))
	require.Equal(t, 1, count)
}

func TestBookInsideTransactionSurvivesLostRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	_, err := b.book(t, b.at(2, "09:00"))
	require.NoError(t, err)
	err = pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		_, err := b.store.Book(ctx, tx, booking.BookRequest{
			WorkspaceID: b.ws, ServiceID: b.svc.ID, ContactID: b.contact, Start: b.at(2, "09:00"), Location: b.loc,
		})
		require.ErrorIs(t, err, booking.ErrSlotTaken)
		_, err = b.store.Book(ctx, tx, booking.BookRequest{
			WorkspaceID: b.ws, ServiceID: b.svc.ID, ContactID: b.contact, Start: b.at(2, "10:00"), Location: b.loc,
		})
		return err
	})
	require.NoError(t, err, "the lost insert was rolled back to its savepoint; the transaction went on")
	list, err := b.store.Appointments(ctx, b.pool, b.ws, b.at(2, "00:00"), b.at(3, "00:00"))
	require.NoError(t, err)
	require.Len(t, list, 2)
}

func TestSecondResourceTakesTheOverflow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	var room int64
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO resources (workspace_id, name, kind) VALUES ($1, 'Room 2', 'room') RETURNING id", b.ws).Scan(&room))
	res, err := b.store.Resources(ctx, b.pool, b.ws)
	require.NoError(t, err)
	svc, err := b.store.CreateService(ctx, b.pool, b.ws, booking.Service{Name: "Hygiene", DurationMinutes: 30, ResourceIDs: []int64{res[0].ID, room}})
	require.NoError(t, err)
	req := booking.BookRequest{WorkspaceID: b.ws, ServiceID: svc.ID, ContactID: b.contact, Start: b.at(2, "09:00"), Location: b.loc}
	first, err := b.store.Book(ctx, b.pool, req)
	require.NoError(t, err)
	second, err := b.store.Book(ctx, b.pool, req)
	require.NoError(t, err)
	require.ElementsMatch(t, []int64{res[0].ID, room}, []int64{first.ResourceID, second.ResourceID})
	_, err = b.store.Book(ctx, b.pool, req)
	require.ErrorIs(t, err, booking.ErrSlotTaken)
}

// The hour New York repeats when clocks fall back holds two different 01:30s: both are
// offered and both can be booked, and the store keeps them apart to the minute.
func TestBookRepeatedHourInNewYork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	ny := mustLoc(t, "America/New_York")
	var ws, contact int64
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name, timezone) VALUES ('ny', 'NY', 'America/New_York') RETURNING id").Scan(&ws))
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, name) VALUES ($1, 'Night owl') RETURNING id", ws).Scan(&contact))
	st := b.store.WithClock(func() time.Time { return time.Date(2026, 10, 30, 12, 0, 0, 0, ny) })
	require.NoError(t, st.SetHours(ctx, b.pool, ws, []booking.Window{{Weekday: time.Sunday, Opens: "00:00", Closes: "03:00"}}))
	require.NoError(t, st.SetSettings(ctx, b.pool, ws, booking.Settings{MinNoticeMinutes: 0, HorizonDays: 30, SlotStepMinutes: 30}))
	svc, err := st.CreateService(ctx, b.pool, ws, booking.Service{Name: "Night call", DurationMinutes: 30})
	require.NoError(t, err)

	slots, err := st.AvailableSlots(ctx, b.pool, ws, ny, svc.ID, date(t, "2026-11-01"), date(t, "2026-11-01"), 0)
	require.NoError(t, err)
	require.Equal(t, []string{"2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-04:00",
		"2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00",
		"2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00"}, starts(slots))

	first, second := slots[3].Start, slots[5].Start
	require.Equal(t, time.Hour, second.Sub(first))
	for _, start := range []time.Time{first, second} {
		a, err := st.Book(ctx, b.pool, booking.BookRequest{WorkspaceID: ws, ServiceID: svc.ID, ContactID: contact, Start: start, Location: ny})
		require.NoError(t, err)
		require.True(t, a.Start.Equal(start), "stored to the minute: %s, asked %s", a.Start, start)
	}
	slots, err = st.AvailableSlots(ctx, b.pool, ws, ny, svc.ID, date(t, "2026-11-01"), date(t, "2026-11-01"), 0)
	require.NoError(t, err)
	require.Equal(t, []string{"2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-04:00",
		"2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00"}, starts(slots))
}

// A contact's next appointment is found however many of other people's come first (the
// conversation used to look through the first 2,000 of the year).
func TestNextAppointment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	_, err := b.store.NextAppointment(ctx, b.pool, b.ws, b.contact, b.now)
	require.ErrorIs(t, err, booking.ErrNotFound)

	var other, res int64
	require.NoError(t, b.pool.QueryRow(ctx, "INSERT INTO contacts (workspace_id, name) VALUES ($1, 'Busy') RETURNING id", b.ws).Scan(&other))
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT id FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&res))
	tag, err := b.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		SELECT $1, $2, $3, $4, g.t, g.t + interval '30 minutes', tstzrange(g.t, g.t + interval '30 minutes')
		FROM generate_series($5::timestamptz, $5::timestamptz + interval '2099 hours', interval '1 hour') AS g (t)`,
		b.ws, res, b.svc.ID, other, b.now.Add(time.Hour))
	require.NoError(t, err)
	require.EqualValues(t, 2100, tag.RowsAffected())

	// Jane's is after all of them, beyond the booking horizon: made by hand.
	var mine booking.Appointment
	start := b.now.Add(2200 * time.Hour)
	require.NoError(t, b.pool.QueryRow(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '30 minutes', tstzrange($5::timestamptz, $5::timestamptz + interval '30 minutes')) RETURNING id`,
		b.ws, res, b.svc.ID, b.contact, start).Scan(&mine.ID))
	next, err := b.store.NextAppointment(ctx, b.pool, b.ws, b.contact, b.now)
	require.NoError(t, err)
	require.Equal(t, mine.ID, next.ID)
	require.True(t, start.Equal(next.Start))
	require.Equal(t, "Check-up", next.ServiceName)

	_, err = b.store.Cancel(ctx, b.pool, b.ws, mine.ID)
	require.NoError(t, err)
	_, err = b.store.NextAppointment(ctx, b.pool, b.ws, b.contact, b.now)
	require.ErrorIs(t, err, booking.ErrNotFound, "a cancelled one is not next")
}

// Held time is read by a range scan on its start, bounded by the longest a booking may
// hold its resource (32 hours): an appointment that began the day before and runs into
// the searched day still holds it; a move longer than a day is refused, and the
// database refuses a longer booked span.
func TestHeldTimeFromTheDayBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	var res int64
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT id FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&res))
	// Wednesday 2 December 02:00 to Thursday 10:00 (32 hours held, buffers included).
	from, to := b.at(2, "02:00"), b.at(3, "10:00")
	_, err := b.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, tstzrange($5::timestamptz, $6::timestamptz))`, b.ws, res, b.svc.ID, b.contact, from, to)
	require.NoError(t, err)
	got, err := b.store.AvailableSlots(ctx, b.pool, b.ws, b.loc, b.svc.ID, date(t, "2026-12-03"), date(t, "2026-12-03"), 0)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	require.Equal(t, "10:00", got[0].Start.In(b.loc).Format("15:04"), "held until 10:00 by an appointment that began 30 hours earlier")

	a, err := b.book(t, b.at(4, "10:00"))
	require.NoError(t, err)
	_, err = b.store.MoveTo(ctx, b.pool, b.ws, a.ID, b.at(4, "10:00"), b.at(5, "11:00"))
	require.ErrorIs(t, err, booking.ErrInvalid, "longer than a day")
	// And the database refuses a booked span longer than 32 hours outright.
	_, err = b.pool.Exec(ctx, `UPDATE appointments SET during = tstzrange(lower(during), lower(during) + interval '33 hours') WHERE id = $1`, a.ID)
	require.ErrorContains(t, err, "appointments_held_span")
}

// Appointments stops at AppointmentsLimit, earliest first: the API says so (truncated).
func TestAppointmentsLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	var res int64
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT id FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&res))
	_, err := b.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		SELECT $1, $2, $3, $4, g.t, g.t + interval '30 minutes', tstzrange(g.t, g.t + interval '30 minutes')
		FROM generate_series($5::timestamptz, $5::timestamptz + interval '2000 hours', interval '1 hour') AS g (t)`,
		b.ws, res, b.svc.ID, b.contact, b.now)
	require.NoError(t, err)
	list, err := b.store.Appointments(ctx, b.pool, b.ws, b.now, b.now.AddDate(1, 0, 0))
	require.NoError(t, err)
	require.Len(t, list, booking.AppointmentsLimit, "2,001 overlap the year")
	require.True(t, list[0].Start.Equal(b.now))
	require.True(t, list[len(list)-1].Start.Equal(b.now.Add(1999*time.Hour)))
}
