package analytics

import (
	"time"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// MaxDays is the longest range a report covers.
const MaxDays = 366

// DefaultDays is the range a report covers when none is given: the last 30 days.
const DefaultDays = 30

// Range is a span of local days, both ends included, in a time zone.
type Range struct {
	From, To time.Time
	Location *time.Location
}

// ParseRange reads from and to (YYYY-MM-DD, both optional) in loc. Without them the
// range is the DefaultDays days up to today; with only one, the other is today or
// DefaultDays days before to. A wrong field gets a validation.Error naming it.
func ParseRange(from, to string, loc *time.Location, now time.Time) (Range, error) {
	bad := validation.Error{}
	today := dateOf(now.In(loc), loc)
	r := Range{Location: loc, To: today}
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, loc)
		if err != nil {
			bad["to"] = "the end date must look like 2026-01-31"
		}
		r.To = t
	}
	r.From = r.To.AddDate(0, 0, -(DefaultDays - 1))
	if from != "" {
		f, err := time.ParseInLocation(time.DateOnly, from, loc)
		if err != nil {
			bad["from"] = "the start date must look like 2026-01-01"
		}
		r.From = f
	}
	if len(bad) == 0 {
		switch {
		case r.From.After(r.To):
			bad["from"] = "the start date must be on or before the end date"
		case r.To.Sub(r.From) > time.Duration(MaxDays-1)*24*time.Hour+time.Hour: // a DST hour to spare
			bad["from"] = "a report covers at most 366 days"
		}
	}
	if len(bad) > 0 {
		return Range{}, bad
	}
	return r, nil
}

// LastDays is the range of the n days up to and including today.
func LastDays(n int, loc *time.Location, now time.Time) Range {
	today := dateOf(now.In(loc), loc)
	return Range{From: today.AddDate(0, 0, -(n - 1)), To: today, Location: loc}
}

func dateOf(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// instants are the range's first instant and the instant after it.
func (r Range) instants() (time.Time, time.Time) {
	return r.From, time.Date(r.To.Year(), r.To.Month(), r.To.Day()+1, 0, 0, 0, 0, r.Location)
}

// days lists the range's dates.
func (r Range) days() []string {
	var out []string
	for d := r.From; !d.After(r.To); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, r.Location) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}
