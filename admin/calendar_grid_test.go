package admin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
)

// cellOf finds the grid cell where appointment id starts.
func cellOf(g calGrid, id int64) (calCell, bool) {
	for _, r := range g.Rows {
		for _, c := range r.Cells {
			if c.Block != nil && c.Block.ID == id {
				return c, true
			}
		}
	}
	return calCell{}, false
}

func TestBuildGrid(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	appt := func(id int64, start time.Time, minutes int) calBlock {
		return calBlock{Appointment: booking.Appointment{ID: id, Start: start, End: start.Add(time.Duration(minutes) * time.Minute), Status: "booked"}}
	}
	week := func(monday time.Time) []time.Time {
		out := make([]time.Time, 7)
		for i := range out {
			out[i] = monday.AddDate(0, 0, i)
		}
		return out
	}

	for _, tc := range []struct {
		name      string
		loc       *time.Location
		monday    time.Time
		start     time.Time
		day, slot string
		rows      int
	}{
		// 8 March 2026: New York springs forward at 02:00; 10:00 is 8 hours after midnight.
		{"SpringForwardNewYork", ny, date(2026, 3, 2), time.Date(2026, 3, 8, 10, 0, 0, 0, ny), "2026-03-08", "10:00", 4},
		// 1 November 2026: New York falls back; 10:00 is 11 hours after midnight.
		{"FallBackNewYork", ny, date(2026, 10, 26), time.Date(2026, 11, 1, 10, 0, 0, 0, ny), "2026-11-01", "10:00", 4},
		// 29 March 2026: London springs forward at 01:00.
		{"SpringForwardLondon", london, date(2026, 3, 23), time.Date(2026, 3, 29, 9, 30, 0, 0, london), "2026-03-29", "09:30", 4},
		// 25 October 2026: London falls back.
		{"FallBackLondon", london, date(2026, 10, 19), time.Date(2026, 10, 25, 16, 45, 0, 0, london), "2026-10-25", "16:45", 4},
		{"PlainTuesday", london, date(2026, 12, 7), time.Date(2026, 12, 8, 13, 0, 0, 0, london), "2026-12-08", "13:00", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := buildGrid(week(tc.monday), []calBlock{appt(1, tc.start, 60)}, tc.loc, 9*60, 17*60, tc.monday, time.Time{})
			c, ok := cellOf(g, 1)
			require.True(t, ok)
			require.Equal(t, tc.day, c.Day)
			require.Equal(t, tc.slot, c.Slot)
			require.Equal(t, tc.rows, c.Block.Rows)
		})
	}

	t.Run("OverlapsTakeLanesAndRowsStayRectangular", func(t *testing.T) {
		t.Parallel()
		mon := date(2026, 12, 7)
		tue := time.Date(2026, 12, 8, 10, 0, 0, 0, london)
		g := buildGrid(week(mon), []calBlock{appt(1, tue, 60), appt(2, tue.Add(30*time.Minute), 60), appt(3, tue.Add(2*time.Hour), 30)}, london, 9*60, 17*60, mon, time.Time{})
		require.Equal(t, 2, g.Days[1].Lanes)
		require.Equal(t, 1, g.Days[0].Lanes)
		c2, _ := cellOf(g, 2)
		require.Equal(t, "10:30", c2.Slot)
		// Every row spans 8 day columns (7 days, Tuesday twice) once rowspans are counted.
		width := make([]int, len(g.Rows))
		for r, row := range g.Rows {
			for _, c := range row.Cells {
				n := 1
				if c.Block != nil {
					n = c.Block.Rows
				}
				for i := range n {
					width[r+i]++
				}
			}
		}
		for r, w := range width {
			require.Equal(t, 8, w, "row %d", r)
		}
	})

	t.Run("GrowsToEarlyAppointments", func(t *testing.T) {
		t.Parallel()
		mon := date(2026, 12, 7)
		g := buildGrid(week(mon), []calBlock{appt(1, time.Date(2026, 12, 9, 7, 15, 0, 0, london), 30)}, london, 9*60, 17*60, mon, time.Time{})
		require.Equal(t, "07:00", g.Rows[0].Label)
		c, _ := cellOf(g, 1)
		require.Equal(t, "07:15", c.Slot)
		require.Equal(t, "2026-12-09", c.Day)
	})
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// BenchmarkBuildGrid lays out a busy week: 6 resources booked back to back with
// 30-minute appointments from 08:00 to 20:00, 7 days (1,008 appointments).
func BenchmarkBuildGrid(b *testing.B) {
	london, err := time.LoadLocation("Europe/London")
	require.NoError(b, err)
	mon := date(2026, 12, 7)
	days := make([]time.Time, 7)
	var appts []calBlock
	for i := range days {
		days[i] = mon.AddDate(0, 0, i)
		for res := range 6 {
			for m := 8 * 60; m < 20*60; m += 30 {
				start := time.Date(2026, 12, 7+i, m/60, m%60, 0, 0, london)
				appts = append(appts, calBlock{Appointment: booking.Appointment{ID: int64(len(appts) + 1), ResourceID: int64(res), Start: start, End: start.Add(30 * time.Minute)}})
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		in := append([]calBlock(nil), appts...)
		g := buildGrid(days, in, london, 9*60, 17*60, mon, mon)
		if g.Days[0].Lanes != 6 {
			b.Fatalf("lanes %d", g.Days[0].Lanes)
		}
	}
}
