package admin

import (
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/booking"
)

// gridStep is the height of one row of the calendar grid.
const gridStep = 15

// calBlock is an appointment placed in the grid: it starts in its row and covers Rows rows.
type calBlock struct {
	booking.Appointment
	ResourceName string
	Rows         int
	row, lane    int
}

// calCell is one cell of a grid row: an appointment's first cell, or an empty one.
// Cells an appointment covers below its first are left out (its rowspan covers them).
type calCell struct {
	Day   string // 2006-01-02
	Slot  string // 15:04, the wall-clock time of the row
	Focus bool
	Block *calBlock
}

type calRow struct {
	Label string // the time, on the hour; "" otherwise
	Cells []calCell
}

type calDay struct {
	Date  time.Time
	ISO   string
	Lanes int // side-by-side columns, for appointments that overlap (several resources)
	Focus bool
	Today bool
}

// calGrid is a week (or a day) of appointments as a table: a row per quarter hour of
// wall-clock time, a column per day, and more columns in a day whose appointments overlap.
type calGrid struct {
	Days []calDay
	Rows []calRow
}

// wallMinutes is the wall-clock time of t in loc, in minutes after midnight. Rows are
// wall-clock times, so on a day clocks change an appointment sits at the time its
// customer reads on the clock, not at the time elapsed since midnight.
func wallMinutes(t time.Time, loc *time.Location) int {
	h, m, _ := t.In(loc).Clock()
	return h*60 + m
}

// buildGrid places the appointments (of the days given) in a grid that covers at least
// opens to closes (minutes after midnight) and every appointment of those days.
func buildGrid(days []time.Time, appts []calBlock, loc *time.Location, opens, closes int, focus, today time.Time) calGrid {
	index := map[time.Time]int{}
	g := calGrid{Days: make([]calDay, len(days))}
	for i, d := range days {
		index[d] = i
		g.Days[i] = calDay{Date: d, ISO: d.Format(time.DateOnly), Lanes: 1, Focus: d.Equal(focus), Today: d.Equal(today)}
	}
	type span struct{ start, end int }
	perDay := make([][]*calBlock, len(days))
	spans := map[*calBlock]span{}
	lo, hi := opens, closes
	for i := range appts {
		b := &appts[i]
		di, ok := index[booking.LocalDate(b.Start, loc)]
		if !ok {
			continue
		}
		s := span{start: wallMinutes(b.Start, loc), end: 24 * 60}
		if booking.LocalDate(b.End, loc).Equal(days[di]) {
			s.end = wallMinutes(b.End, loc)
		}
		if s.end <= s.start { // an hour repeated as clocks go back
			s.end = min(s.start+gridStep, 24*60)
		}
		spans[b] = s
		perDay[di] = append(perDay[di], b)
		lo, hi = min(lo, s.start), max(hi, s.end)
	}
	lo, hi = lo/60*60, min((hi+59)/60*60, 24*60)
	if hi <= lo {
		lo, hi = 9*60, 17*60
	}
	nrows := (hi - lo) / gridStep

	// Lanes: each appointment takes the first lane free at its start.
	for di, list := range perDay {
		slices.SortStableFunc(list, func(a, b *calBlock) int { return spans[a].start - spans[b].start })
		var laneEnd []int
		for _, b := range list {
			s := spans[b]
			b.row = (s.start - lo) / gridStep
			b.Rows = max((s.end-lo+gridStep-1)/gridStep-b.row, 1)
			b.lane = slices.IndexFunc(laneEnd, func(end int) bool { return end <= b.row })
			if b.lane < 0 {
				b.lane = len(laneEnd)
				laneEnd = append(laneEnd, 0)
			}
			laneEnd[b.lane] = b.row + b.Rows
		}
		g.Days[di].Lanes = max(len(laneEnd), 1)
	}

	// covered[di][lane] counts the rows still under an appointment's rowspan; at finds
	// the appointment that starts in a cell.
	covered := make([][]int, len(days))
	type cellKey struct{ day, row, lane int }
	at := map[cellKey]*calBlock{}
	for di := range days {
		covered[di] = make([]int, g.Days[di].Lanes)
		for _, b := range perDay[di] {
			at[cellKey{di, b.row, b.lane}] = b
		}
	}
	for r := range nrows {
		minute := lo + r*gridStep
		row := calRow{}
		if minute%60 == 0 {
			row.Label = booking.TimeOfDay(minute).String()
		}
		for di, d := range g.Days {
			for lane := range d.Lanes {
				if covered[di][lane] > 0 {
					covered[di][lane]--
					continue
				}
				cell := calCell{Day: d.ISO, Slot: booking.TimeOfDay(minute).String(), Focus: d.Focus}
				if b := at[cellKey{di, r, lane}]; b != nil {
					cell.Block = b
					covered[di][lane] = b.Rows - 1
				}
				row.Cells = append(row.Cells, cell)
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}
