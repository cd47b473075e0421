package booking

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Rule is a weekly opening window of a weekday, in local wall-clock time.
type Rule struct {
	Weekday    time.Weekday
	Start, End TimeOfDay
}

// Exception changes one calendar day: closed, or open only from Start to End. A day
// with any closed exception is closed; otherwise the day's special windows replace its
// weekly rules.
type Exception struct {
	ID         int64     // 0 until stored
	Day        time.Time // a date, see ParseDate
	Closed     bool
	Start, End TimeOfDay
	ResourceID *int64 // nil: the whole business
	Note       string
}

// Schedule is what one resource offers: its weekly rules, the exceptions that concern
// it, and the time it is already held (appointments widened by their buffers).
type Schedule struct {
	ResourceID int64
	Rules      []Rule
	Exceptions []Exception
	Busy       []Interval
}

// SlotQuery asks for the free slots of one service over a range of local days.
type SlotQuery struct {
	Location     *time.Location
	Now          time.Time
	From, To     time.Time // first and last local day, inclusive (see ParseDate)
	Duration     time.Duration
	BufferBefore time.Duration
	BufferAfter  time.Duration
	Step         time.Duration
	MinNotice    time.Duration
	HorizonDays  int
	Limit        int // at most this many slots; 0 means all
}

// Slot is a time a service can start, and the resource that would perform it.
type Slot struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	ResourceID int64     `json:"resource_id"`
}

// FreeSlots computes the slots of q offered by any of the schedules, earliest first; a
// start free on several resources is offered once, with the first of them in order.
//
// Each local day from q.From to q.To is walked in q.Location. The day's windows come from
// its exceptions or else its weekly rules. Candidate starts are the window's opening
// time plus whole steps, on the wall clock, so a 09:00–17:00 day yields 09:00, 09:15…
// whatever the UTC offset of that day. A start is kept when the service with its
// buffers fits inside the window, it is at least MinNotice after Now and no later than
// HorizonDays after Now, and the service with its buffers overlaps nothing in Busy.
//
// Daylight saving time: durations, buffers and notice are elapsed time. A wall-clock
// start that does not exist (the hour skipped when clocks spring forward) is not
// offered; one that happens twice (the hour repeated when clocks fall back) is offered
// twice, once per UTC offset, since both are real instants (RFC 3339 tells them apart).
// A window opens at the first moment its opening time is shown and closes at the last
// moment its closing time is shown; an opening or closing time inside a skipped hour
// stands for the moment the clocks jump.
func FreeSlots(q SlotQuery, schedules []Schedule) []Slot {
	if q.Step < time.Minute || q.Duration <= 0 || len(schedules) == 0 {
		return nil
	}
	loc := q.Location
	earliest := q.Now.Add(q.MinNotice)
	latest := q.Now.Add(time.Duration(q.HorizonDays) * 24 * time.Hour)
	first, last := q.From, q.To
	if d := LocalDate(earliest, loc); first.Before(d) {
		first = d
	}
	if d := LocalDate(latest, loc); last.After(d) {
		last = d
	}
	w := walk{
		q: q, step: TimeOfDay(q.Step / time.Minute),
		before: int64(q.BufferBefore), length: int64(q.Duration + q.BufferAfter),
		minStart: earliest.UnixNano(), maxStart: latest.UnixNano(),
	}
	plans := make([]plan, len(schedules))
	perWeek := 0
	for i, sc := range schedules {
		plans[i] = newPlan(sc, w.step)
		perWeek = max(perWeek, plans[i].perWeek)
	}
	// Room for a full grid of the range, so the result grows at most rarely; each
	// resource's day goes through a scratch buffer reused from day to day.
	days := int(last.Sub(first)/(24*time.Hour)) + 1
	est := max(0, (days/7+1)*perWeek)
	if q.Limit > 0 {
		est = min(est, q.Limit)
	}
	out := make([]Slot, 0, est)
	// Each resource's starts of the day go to a scratch list of Unix nanoseconds reused
	// from day to day; only the merged starts become Slots.
	scratch, heads := make([][]int64, len(plans)), make([][]int64, len(plans))
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		local := newLocalDay(loc, day)
		for i := range plans {
			scratch[i] = w.day(scratch[i][:0], plans[i], local)
		}
		out = w.merge(out, append(heads[:0], scratch...), plans)
		if q.Limit > 0 && len(out) >= q.Limit {
			return out[:q.Limit]
		}
	}
	return out
}

// merge appends the starts of the sorted lists to out in order as slots, a start that
// several lists hold once, with the resource of the first of them. It consumes the
// slice headers in lists.
func (w walk) merge(out []Slot, lists [][]int64, plans []plan) []Slot {
	last := int64(math.MinInt64)
	if len(out) > 0 {
		last = out[len(out)-1].Start.UnixNano()
	}
	for {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || l[0] < lists[best][0]) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		start := lists[best][0]
		lists[best] = lists[best][1:]
		if start == last {
			continue
		}
		last = start
		out = append(out, Slot{
			Start:      time.Unix(0, start).In(w.q.Location),
			End:        time.Unix(0, start+int64(w.q.Duration)).In(w.q.Location),
			ResourceID: plans[best].resourceID,
		})
	}
}

type window struct{ start, end TimeOfDay }

// plan is a schedule made ready for the walk.
type plan struct {
	resourceID int64
	weekly     [7][]window
	special    map[int][]Exception
	busy       []span
	perWeek    int // candidate starts in a week
}

func newPlan(s Schedule, step TimeOfDay) plan {
	p := plan{resourceID: s.ResourceID, busy: mergeSpans(unixSpans(s.Busy))}
	if len(s.Exceptions) > 0 {
		p.special = make(map[int][]Exception, len(s.Exceptions))
	}
	for _, r := range s.Rules {
		p.weekly[r.Weekday] = append(p.weekly[r.Weekday], window{r.Start, r.End})
		p.perWeek += int((r.End - r.Start) / step)
	}
	for _, e := range s.Exceptions {
		p.special[dayKey(e.Day)] = append(p.special[dayKey(e.Day)], e)
	}
	return p
}

// walk holds what is the same for every resource and day of one query, in Unix
// nanoseconds: the hot loop does integer arithmetic only.
type walk struct {
	q                  SlotQuery
	step               TimeOfDay
	before, length     int64
	minStart, maxStart int64
}

// day appends one resource's free starts of one local day to out, in order, as Unix
// nanoseconds.
func (w walk) day(out []int64, p plan, local localDay) []int64 {
	from := len(out)
	for _, win := range dayWindows(p.weekly[local.day.Weekday()], p.special[dayKey(local.day)]) {
		opens, closes := local.opening(win.start), local.closing(win.end)
		for tod := win.start; tod < win.end; tod += w.step {
			starts, n := local.instants(tod)
			for _, start := range starts[:n] {
				heldFrom, heldTo := start-w.before, start+w.length
				if heldFrom < opens || heldTo > closes || start < w.minStart || start > w.maxStart ||
					overlapsAny(p.busy, heldFrom, heldTo) {
					continue
				}
				out = append(out, start)
			}
		}
	}
	// A repeated hour interleaves the two offsets' starts.
	if !local.fixed {
		slices.Sort(out[from:])
	}
	return out
}

// dayWindows is the day's open windows, sorted and with overlapping ones merged.
func dayWindows(weekly []window, exceptions []Exception) []window {
	ws := weekly
	if len(exceptions) > 0 {
		ws = nil
		for _, e := range exceptions {
			if e.Closed {
				return nil
			}
			ws = append(ws, window{e.Start, e.End})
		}
	}
	if len(ws) < 2 {
		return ws
	}
	ws = slices.Clone(ws)
	sort.Slice(ws, func(i, j int) bool { return ws[i].start < ws[j].start })
	merged := ws[:1]
	for _, w := range ws[1:] {
		if top := &merged[len(merged)-1]; w.start <= top.end {
			top.end = max(top.end, w.end)
			continue
		}
		merged = append(merged, w)
	}
	return merged
}

type span struct{ from, to int64 }

func unixSpans(in []Interval) []span {
	out := make([]span, len(in))
	for i, iv := range in {
		out[i] = span{iv.Start.UnixNano(), iv.End.UnixNano()}
	}
	return out
}

// mergeSpans sorts spans (unless they are in order already, as held time read by its
// start mostly is) and joins overlapping ones in place, so both starts and ends ascend.
func mergeSpans(s []span) []span {
	if len(s) == 0 {
		return nil
	}
	if !slices.IsSortedFunc(s, func(a, b span) int { return cmp.Compare(a.from, b.from) }) {
		slices.SortFunc(s, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	}
	out := s[:1]
	for _, sp := range s[1:] {
		if top := &out[len(out)-1]; sp.from < top.to {
			top.to = max(top.to, sp.to)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// overlapsAny reports whether [from, to) overlaps one of the sorted, disjoint spans.
func overlapsAny(sorted []span, from, to int64) bool {
	lo, hi := 0, len(sorted)
	for lo < hi { // the first span that ends after from
		mid := int(uint(lo+hi) >> 1)
		if sorted[mid].to > from {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo < len(sorted) && sorted[lo].from < to
}

func dayKey(d time.Time) int {
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}
