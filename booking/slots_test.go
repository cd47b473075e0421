package booking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func tod(t testing.TB, s string) booking.TimeOfDay {
	t.Helper()
	v, err := booking.ParseTimeOfDay(s)
	require.NoError(t, err)
	return v
}

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := booking.ParseDate(s)
	require.NoError(t, err)
	return d
}

// everyDay opens the same window on all seven weekdays.
func everyDay(t testing.TB, start, end string) []booking.Rule {
	t.Helper()
	var rules []booking.Rule
	for d := time.Sunday; d <= time.Saturday; d++ {
		rules = append(rules, booking.Rule{Weekday: d, Start: tod(t, start), End: tod(t, end)})
	}
	return rules
}

// starts renders slot starts as RFC 3339 in their own offset.
func starts(slots []booking.Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.Format(time.RFC3339)
	}
	return out
}

func TestFreeSlotsAcrossDST(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, zone, day, opens, closes string
		minutes                        int
		want                           []string
	}{
		// Ordinary hours on the day the clocks change keep their local times; only the
		// UTC offset moves.
		{"NewYorkSpringForwardWorkingDay", "America/New_York", "2026-03-08", "09:00", "12:00", 60,
			[]string{"2026-03-08T09:00:00-04:00", "2026-03-08T09:30:00-04:00", "2026-03-08T10:00:00-04:00",
				"2026-03-08T10:30:00-04:00", "2026-03-08T11:00:00-04:00"}},
		{"NewYorkDayBeforeSpringForward", "America/New_York", "2026-03-07", "09:00", "10:30", 60,
			[]string{"2026-03-07T09:00:00-05:00", "2026-03-07T09:30:00-05:00"}},
		{"NewYorkFallBackWorkingDay", "America/New_York", "2026-11-01", "09:00", "10:30", 60,
			[]string{"2026-11-01T09:00:00-05:00", "2026-11-01T09:30:00-05:00"}},
		{"LondonSpringForwardWorkingDay", "Europe/London", "2026-03-29", "09:00", "10:30", 60,
			[]string{"2026-03-29T09:00:00+01:00", "2026-03-29T09:30:00+01:00"}},
		{"LondonFallBackWorkingDay", "Europe/London", "2026-10-25", "09:00", "10:30", 60,
			[]string{"2026-10-25T09:00:00Z", "2026-10-25T09:30:00Z"}},
		// 02:00–02:59 does not exist: the window is three real hours, and no slot starts
		// at a time the clocks never show.
		{"NewYorkSpringForwardNight", "America/New_York", "2026-03-08", "00:00", "04:00", 30,
			[]string{"2026-03-08T00:00:00-05:00", "2026-03-08T00:30:00-05:00", "2026-03-08T01:00:00-05:00",
				"2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"}},
		// 01:00–01:59 happens twice: both are offered, told apart by their offsets, in
		// the order they happen; the window is five real hours.
		{"NewYorkFallBackNight", "America/New_York", "2026-11-01", "00:00", "04:00", 30,
			[]string{"2026-11-01T00:00:00-04:00", "2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-04:00",
				"2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00",
				"2026-11-01T02:00:00-05:00", "2026-11-01T02:30:00-05:00", "2026-11-01T03:00:00-05:00",
				"2026-11-01T03:30:00-05:00"}},
		// A 60-minute service starting 00:30 in London on the spring-forward night ends at
		// 02:30 on the clock: an hour of real time.
		{"LondonSpringForwardNight", "Europe/London", "2026-03-29", "00:00", "03:30", 60,
			[]string{"2026-03-29T00:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T02:00:00+01:00",
				"2026-03-29T02:30:00+01:00"}},
		{"LondonFallBackNight", "Europe/London", "2026-10-25", "00:30", "02:00", 30,
			[]string{"2026-10-25T00:30:00+01:00", "2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00",
				"2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"}},
		// A window opening inside the skipped hour opens when the clocks jump.
		{"LondonOpensInsideGap", "Europe/London", "2026-03-29", "01:30", "03:00", 30,
			[]string{"2026-03-29T02:00:00+01:00", "2026-03-29T02:30:00+01:00"}},
		{"KolkataHalfHourOffset", "Asia/Kolkata", "2026-03-08", "09:00", "10:00", 30,
			[]string{"2026-03-08T09:00:00+05:30", "2026-03-08T09:30:00+05:30"}},
		// Lord Howe moves by 30 minutes: starts stay on the wall-clock grid.
		{"LordHoweHalfHourFallBack", "Australia/Lord_Howe", "2026-04-05", "01:00", "03:00", 60,
			[]string{"2026-04-05T01:00:00+11:00", "2026-04-05T01:30:00+11:00", "2026-04-05T01:30:00+10:30",
				"2026-04-05T02:00:00+10:30"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoc(t, tc.zone)
			day := date(t, tc.day)
			q := booking.SlotQuery{
				Location: loc, Now: day.AddDate(0, 0, -7), From: day, To: day,
				Duration: time.Duration(tc.minutes) * time.Minute, Step: 30 * time.Minute, HorizonDays: 60,
			}
			got := booking.FreeSlots(q, []booking.Schedule{{ResourceID: 1, Rules: everyDay(t, tc.opens, tc.closes)}})
			require.Equal(t, tc.want, starts(got))
			for _, s := range got {
				require.Equal(t, q.Duration, s.End.Sub(s.Start), "a slot lasts the service's real duration")
				require.Equal(t, int64(1), s.ResourceID)
			}
		})
	}
}

func TestFreeSlotsRules(t *testing.T) {
	t.Parallel()
	loc := mustLoc(t, "Europe/London")
	// Monday 2026-12-07, 08:00 in London.
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, loc)
	at := func(day, clock string) time.Time {
		ts, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, loc)
		require.NoError(t, err)
		return ts
	}
	base := booking.SlotQuery{
		Location: loc, Now: now, From: date(t, "2026-12-07"), To: date(t, "2026-12-07"),
		Duration: 30 * time.Minute, Step: 30 * time.Minute, HorizonDays: 60,
	}
	mon := []booking.Rule{{Weekday: time.Monday, Start: tod(t, "09:00"), End: tod(t, "11:00")}}
	for _, tc := range []struct {
		name  string
		query func(q *booking.SlotQuery)
		sched []booking.Schedule
		want  []string
	}{
		{"Plain", nil, []booking.Schedule{{Rules: mon}},
			[]string{"09:00", "09:30", "10:00", "10:30"}},
		{"BuffersMustFitInWindow", func(q *booking.SlotQuery) { q.BufferBefore, q.BufferAfter = 10*time.Minute, 15*time.Minute },
			[]booking.Schedule{{Rules: mon}}, []string{"09:30", "10:00"}},
		{"MinNotice", func(q *booking.SlotQuery) { q.MinNotice = 2 * time.Hour }, []booking.Schedule{{Rules: mon}},
			[]string{"10:00", "10:30"}},
		{"PastStartsAreNeverOffered", func(q *booking.SlotQuery) { q.Now = at("2026-12-07", "09:45") },
			[]booking.Schedule{{Rules: mon}}, []string{"10:00", "10:30"}},
		{"Horizon", func(q *booking.SlotQuery) { q.Now = at("2026-11-30", "10:00"); q.HorizonDays = 7 },
			[]booking.Schedule{{Rules: mon}}, []string{"09:00", "09:30", "10:00"}},
		{"StepFinerThanDuration", func(q *booking.SlotQuery) { q.Step = 15 * time.Minute; q.Duration = time.Hour },
			[]booking.Schedule{{Rules: mon}}, []string{"09:00", "09:15", "09:30", "09:45", "10:00"}},
		{"SplitAndOverlappingWindows", nil, []booking.Schedule{{Rules: []booking.Rule{
			{Weekday: time.Monday, Start: tod(t, "09:00"), End: tod(t, "09:45")},
			{Weekday: time.Monday, Start: tod(t, "09:30"), End: tod(t, "10:00")},
			{Weekday: time.Monday, Start: tod(t, "10:15"), End: tod(t, "11:00")},
		}}}, []string{"09:00", "09:30", "10:15"}},
		{"BusyWithBuffers", func(q *booking.SlotQuery) { q.BufferAfter, q.Step = 15*time.Minute, 15*time.Minute },
			// Held 09:35–10:05: 09:00 (held to 09:45) and 10:00 overlap it.
			[]booking.Schedule{{Rules: mon, Busy: []booking.Interval{{Start: at("2026-12-07", "09:35"), End: at("2026-12-07", "10:05")}}}},
			[]string{"10:15"}},
		{"BusyTouchingIsFree", nil,
			[]booking.Schedule{{Rules: mon, Busy: []booking.Interval{{Start: at("2026-12-07", "09:30"), End: at("2026-12-07", "10:00")}}}},
			[]string{"09:00", "10:00", "10:30"}},
		{"ClosedException", nil, []booking.Schedule{{Rules: mon, Exceptions: []booking.Exception{{Day: date(t, "2026-12-07"), Closed: true}}}},
			[]string{}},
		{"SpecialHoursReplaceRules", nil, []booking.Schedule{{Rules: mon, Exceptions: []booking.Exception{
			{Day: date(t, "2026-12-07"), Start: tod(t, "14:00"), End: tod(t, "15:00")},
			{Day: date(t, "2026-12-08"), Closed: true},
		}}}, []string{"14:00", "14:30"}},
		{"OtherResourceFillsGap", nil, []booking.Schedule{
			{ResourceID: 1, Rules: mon, Busy: []booking.Interval{{Start: at("2026-12-07", "09:00"), End: at("2026-12-07", "10:00")}}},
			{ResourceID: 2, Rules: []booking.Rule{{Weekday: time.Monday, Start: tod(t, "09:00"), End: tod(t, "10:00")}}},
		}, []string{"09:00", "09:30", "10:00", "10:30"}},
		{"Limit", func(q *booking.SlotQuery) { q.Limit = 3; q.To = date(t, "2026-12-31") }, []booking.Schedule{{Rules: mon}},
			[]string{"09:00", "09:30", "10:00"}},
		{"NoRules", nil, []booking.Schedule{{}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := base
			if tc.query != nil {
				tc.query(&q)
			}
			got := booking.FreeSlots(q, tc.sched)
			clocks := []string{}
			for _, s := range got {
				clocks = append(clocks, s.Start.In(loc).Format("15:04"))
				require.Equal(t, "2026-12-07", s.Start.In(loc).Format(time.DateOnly))
			}
			require.Equal(t, tc.want, clocks)
		})
	}
}

func TestFreeSlotsPrefersFirstResource(t *testing.T) {
	t.Parallel()
	loc := time.UTC
	day := date(t, "2026-12-07")
	rules := []booking.Rule{{Weekday: time.Monday, Start: tod(t, "09:00"), End: tod(t, "10:00")}}
	got := booking.FreeSlots(booking.SlotQuery{
		Location: loc, Now: day.AddDate(0, 0, -1), From: day, To: day, Duration: time.Hour, Step: time.Hour, HorizonDays: 30,
	}, []booking.Schedule{{ResourceID: 7, Rules: rules}, {ResourceID: 3, Rules: rules}})
	require.Len(t, got, 1)
	require.Equal(t, int64(7), got[0].ResourceID)
}

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"00:00": 0, "09:30": 570, "23:59": 1439, "24:00": 1440} {
		got, err := booking.ParseTimeOfDay(in)
		require.NoError(t, err, in)
		require.Equal(t, want, int(got), in)
		require.Equal(t, in, got.String())
	}
	for _, in := range []string{"", "9:30", "24:01", "12:60", "+9:30", "ab:cd", "09:30:00", "25:00"} {
		_, err := booking.ParseTimeOfDay(in)
		require.ErrorIs(t, err, booking.ErrInvalid, in)
	}
}
