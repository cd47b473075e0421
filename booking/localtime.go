package booking

import (
	"fmt"
	"slices"
	"time"
)

// TimeOfDay is a local wall-clock time in minutes after midnight; 24*60 ("24:00") is
// the end of the day.
type TimeOfDay int

// EndOfDay is "24:00".
const EndOfDay TimeOfDay = 24 * 60

// ParseTimeOfDay reads "HH:MM" (00:00 to 24:00).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	bad := fmt.Errorf("%w: %q is not a time like 09:30", ErrInvalid, s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	for _, i := range [...]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if h > 24 || m > 59 || h == 24 && m != 0 {
		return 0, bad
	}
	return TimeOfDay(h*60 + m), nil
}

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// ParseDate reads a calendar day "2006-01-02". Days are carried as midnight UTC of that
// date, so AddDate and Weekday mean the calendar, whatever the workspace's zone.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not a date like 2026-12-24", ErrInvalid, s)
	}
	return d, nil
}

// LocalDate is the calendar day t falls on in loc.
func LocalDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// wallInstants returns the instants at which clocks in loc show the time of day tod on
// day, earliest first: none when tod falls in a spring-forward gap, two when it falls
// in the hour a fall-back repeats, otherwise one.
func wallInstants(loc *time.Location, day time.Time, tod TimeOfDay) (out [2]time.Time, n int) {
	naive := day.Add(time.Duration(tod) * time.Minute)
	// The offsets in force around that wall time are the candidates: a transition
	// within a day either side is seen by one of the probes.
	for _, probe := range [...]time.Duration{-26 * time.Hour, 0, 26 * time.Hour} {
		_, off := naive.Add(probe).In(loc).Zone()
		t := naive.Add(-time.Duration(off) * time.Second)
		if !sameWall(t.In(loc), naive) || n > 0 && out[0].Equal(t) || n > 1 && out[1].Equal(t) {
			continue
		}
		out[n] = t
		n++
	}
	if n == 2 && out[1].Before(out[0]) {
		out[0], out[1] = out[1], out[0]
	}
	return out, n
}

func sameWall(local, naive time.Time) bool {
	y, m, d := local.Date()
	hh, mm, ss := local.Clock()
	ny, nm, nd := naive.Date()
	nhh, nmm, nss := naive.Clock()
	return y == ny && m == nm && d == nd && hh == nhh && mm == nmm && ss == nss
}

// gapEnd is the instant a spring-forward gap that swallows tod on day ends: the first
// instant whose wall time is later than tod.
func gapEnd(loc *time.Location, day time.Time, tod TimeOfDay) time.Time {
	naive := day.Add(time.Duration(tod) * time.Minute)
	_, before := naive.Add(-26 * time.Hour).In(loc).Zone()
	t := naive.Add(-time.Duration(before) * time.Second).In(loc)
	if start, _ := t.ZoneBounds(); !start.IsZero() && !start.After(t) {
		return start
	}
	return t
}

// openingInstant is when a window opening at tod on day opens: the first moment clocks
// show tod, or the end of the gap when they never do.
func openingInstant(loc *time.Location, day time.Time, tod TimeOfDay) time.Time {
	if out, n := wallInstants(loc, day, tod); n > 0 {
		return out[0]
	}
	return gapEnd(loc, day, tod)
}

// closingInstant is when a window closing at tod on day closes: the last moment clocks
// show tod, or the end of the gap when they never do.
func closingInstant(loc *time.Location, day time.Time, tod TimeOfDay) time.Time {
	if out, n := wallInstants(loc, day, tod); n > 0 {
		return out[n-1]
	}
	return gapEnd(loc, day, tod)
}

// fixedOffset reports loc's UTC offset when it is the same from a day before day to a
// day after it, so that every wall time of day happens exactly once at that offset:
// the fast path for all but the few days around a change of offset.
func fixedOffset(loc *time.Location, day time.Time) (time.Duration, bool) {
	_, secs := day.Add(12 * time.Hour).In(loc).Zone()
	off := time.Duration(secs) * time.Second
	start, end := day.Add(12 * time.Hour).Add(-off).In(loc).ZoneBounds()
	if !start.IsZero() && start.After(day.Add(-24*time.Hour-off)) {
		return 0, false
	}
	if !end.IsZero() && end.Before(day.Add(48*time.Hour-off)) {
		return 0, false
	}
	return off, true
}

// localDay resolves wall times of one day in loc to Unix nanoseconds, with integer
// arithmetic only when the offset is fixed all day.
type localDay struct {
	loc   *time.Location
	day   time.Time
	base  int64 // Unix nanoseconds of the day's midnight, when fixed
	fixed bool
	// offsets are the UTC offsets in force around the day when it is not fixed (the
	// same probes as wallInstants', taken once for the day), in nanoseconds.
	offsets [3]int64
	nOff    int
}

func newLocalDay(loc *time.Location, day time.Time) localDay {
	off, fixed := fixedOffset(loc, day)
	d := localDay{loc: loc, day: day, base: day.UnixNano() - int64(off), fixed: fixed}
	if !fixed {
		for _, probe := range [...]time.Duration{-26 * time.Hour, 12 * time.Hour, 50 * time.Hour} {
			_, secs := day.Add(probe).In(loc).Zone()
			o := int64(secs) * int64(time.Second)
			if !slices.Contains(d.offsets[:d.nOff], o) {
				d.offsets[d.nOff] = o
				d.nOff++
			}
		}
	}
	return d
}

// instants is wallInstants in Unix nanoseconds. On a day that is not fixed, the wall
// time minus each offset around the day is a real instant when that offset is the
// one in force then: one zone lookup per offset.
func (d localDay) instants(tod TimeOfDay) ([2]int64, int) {
	if d.fixed {
		return [2]int64{d.base + int64(tod)*int64(time.Minute)}, 1
	}
	naive := d.day.UnixNano() + int64(tod)*int64(time.Minute)
	var out [2]int64
	n := 0
	for _, off := range d.offsets[:d.nOff] {
		t := naive - off
		if _, secs := time.Unix(0, t).In(d.loc).Zone(); int64(secs)*int64(time.Second) != off || n == 2 {
			continue
		}
		out[n] = t
		n++
	}
	if n == 2 && out[1] < out[0] {
		out[0], out[1] = out[1], out[0]
	}
	return out, n
}
func (d localDay) opening(tod TimeOfDay) int64 {
	if d.fixed {
		return d.base + int64(tod)*int64(time.Minute)
	}
	return openingInstant(d.loc, d.day, tod).UnixNano()
}

func (d localDay) closing(tod TimeOfDay) int64 {
	if d.fixed {
		return d.base + int64(tod)*int64(time.Minute)
	}
	return closingInstant(d.loc, d.day, tod).UnixNano()
}
