package ai

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A day expression names a date ("tomorrow", "the 14th", "Dec 3rd") or a span of days
// ("next week", "this month"); a time expression names a clock time or a span of one day
// ("at 3", "after 3", "morning"). Each date is combined with each time; a date alone is the whole
// day; a time alone is today, or tomorrow when it has passed. Weeks start on Monday.
//
// Readings chosen where English is ambiguous:
//   - "Tuesday", "this Tuesday": the next Tuesday, today included;
//     "next Tuesday": the Tuesday of next week.
//   - "the 14th" without a month, "Dec 3rd" without a year: the next one, today included.
//   - an hour without am/pm ("at 3", "after 5:30"): business hours, so 1 to 7 are pm.
//   - morning 08–12, lunchtime 12–14, afternoon 12–17, evening 17–21, tonight 18–23.

// dayRange is the days a day expression names.
type dayRange struct {
	start, end time.Time // midnight to midnight, in now's location
	text       string
	span       bool // a week, weekend or month, which a time of day does not narrow
}

// timeSpec is a time of day in minutes after midnight; end == start for a point.
type timeSpec struct {
	start, end int
	text       string
}

const month = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

const clock = `(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?`

//nolint:gochecknoglobals // compiled once
var (
	dayAfterTomorrow = regexp.MustCompile(`\bday after tomorrow\b`)
	dayMonth         = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+` + month + `\b(?:,?\s+(\d{4}))?`)
	monthDay         = regexp.MustCompile(`\b` + month + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	numericDate      = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b`)
	inUnits          = regexp.MustCompile(`\bin\s+(a|an|one|two|three|four|five|six|\d{1,2})\s+(minute|min|hour|hr|day|week|month)s?\b`)
	namedDay         = regexp.MustCompile(`\b(today|tonight|tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b`) //nolint:misspell // how customers spell it
	weekday          = regexp.MustCompile(`\b(?:(this|next|coming|on)\s+)?(monday|mon|tuesday|tues|tue|wednesday|weds|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|sunday|sun)\b`)
	weekSpan         = regexp.MustCompile(`\b(this|next|the)\s+(week|weekend|month)\b|\bweekend\b`)
	dayOfMonth       = regexp.MustCompile(`\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b`)

	betweenTimes = regexp.MustCompile(`\b(between\s+|from\s+)?` + clock + `\s*(-|–|to|and|till|until)\s*` + clock)
	afterTime    = regexp.MustCompile(`\b(after|from|before|by)\s+` + clock)
	atTime       = regexp.MustCompile(`(?:\b(?:at|around|about)\s+|@\s*)` + clock)
	plainTime    = regexp.MustCompile(`\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|\b(\d{1,2}):(\d{2})\b`)
	namedTime    = regexp.MustCompile(`\b(noon|midday|midnight|morning|lunchtime|lunch time|afternoon|evening)\b`)
)

//nolint:gochecknoglobals // read-only table
var weekdayOf = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

//nolint:gochecknoglobals // read-only table
var countOf = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

//nolint:gochecknoglobals // read-only table
var namedTimes = map[string][2]int{
	"noon": {12 * 60, 12 * 60}, "midday": {12 * 60, 12 * 60}, "midnight": {0, 0},
	"morning": {8 * 60, 12 * 60}, "lunchtime": {12 * 60, 14 * 60}, "lunch time": {12 * 60, 14 * 60},
	"afternoon": {12 * 60, 17 * 60}, "evening": {17 * 60, 21 * 60},
}

// extractDates finds the dates and times in text relative to now.
func extractDates(text string, now time.Time, region string) []TimeRange {
	w := []byte(spokenTimes(strings.ToLower(text)))
	// take runs re over what is left of the text and blanks what it matched, so a
	// later, looser pattern cannot read the same words again.
	take := func(re *regexp.Regexp, f func(m []string) bool) {
		for _, loc := range re.FindAllSubmatchIndex(w, -1) {
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = string(w[loc[2*i]:loc[2*i+1]])
				}
			}
			if f(m) {
				for i := loc[0]; i < loc[1]; i++ {
					w[i] = ' '
				}
			}
		}
	}
	today := midnight(now)
	var days []dayRange
	var times []timeSpec
	var points []TimeRange
	addDay := func(d time.Time, text string) {
		days = append(days, dayRange{start: d, end: d.AddDate(0, 0, 1), text: text})
	}
	tonight := false

	take(dayAfterTomorrow, func(m []string) bool { addDay(today.AddDate(0, 0, 2), m[0]); return true })
	take(dayMonth, func(m []string) bool { return addDate(&days, today, m[0], m[3], m[2], m[1]) })
	take(monthDay, func(m []string) bool { return addDate(&days, today, m[0], m[3], m[1], m[2]) })
	take(numericDate, func(m []string) bool {
		d, mo := m[1], m[2]
		if region == "US" || region == "CA" {
			d, mo = mo, d
		}
		return addDate(&days, today, m[0], m[3], mo, d)
	})
	take(inUnits, func(m []string) bool {
		n, ok := countOf[m[1]]
		if !ok {
			n, _ = strconv.Atoi(m[1])
		}
		switch m[2] {
		case "minute", "min":
			t := now.Add(time.Duration(n) * time.Minute)
			points = append(points, TimeRange{Start: t, End: t, Text: m[0]})
		case "hour", "hr":
			t := now.Add(time.Duration(n) * time.Hour)
			points = append(points, TimeRange{Start: t, End: t, Text: m[0]})
		case "day":
			addDay(today.AddDate(0, 0, n), m[0])
		case "week":
			addDay(today.AddDate(0, 0, 7*n), m[0])
		case "month":
			addDay(today.AddDate(0, n, 0), m[0])
		}
		return true
	})
	take(namedDay, func(m []string) bool {
		switch m[1] {
		case "today":
			addDay(today, m[0])
		case "tonight":
			addDay(today, m[0])
			tonight = true
		default:
			addDay(today.AddDate(0, 0, 1), m[0])
		}
		return true
	})
	take(weekday, func(m []string) bool {
		day := weekdayOf[m[2][:3]]
		if m[1] == "" && (m[2] == "sat" || m[2] == "sun") {
			return false // "I sat", "the sun"
		}
		ahead := (int(day) - int(today.Weekday()) + 7) % 7
		if m[1] == "next" {
			// The day of next week: from today to next Monday, then on to the day.
			toMonday := (int(time.Monday) - int(today.Weekday()) + 7) % 7
			if toMonday == 0 {
				toMonday = 7
			}
			ahead = toMonday + (int(day)-int(time.Monday)+7)%7
		}
		addDay(today.AddDate(0, 0, ahead), m[0])
		return true
	})
	take(weekSpan, func(m []string) bool {
		toMonday := (int(time.Monday) - int(today.Weekday()) + 7) % 7
		if toMonday == 0 {
			toMonday = 7
		}
		nextMonday := today.AddDate(0, 0, toMonday)
		r := dayRange{text: m[0], span: true}
		firstOfNext := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, today.Location())
		switch {
		case m[2] == "month" && m[1] == "next":
			r.start, r.end = firstOfNext, firstOfNext.AddDate(0, 1, 0)
		case m[2] == "month":
			r.start, r.end = today, firstOfNext
		case m[2] == "week" && m[1] == "next":
			r.start, r.end = nextMonday, nextMonday.AddDate(0, 0, 7)
		case m[2] == "week":
			r.start, r.end = today, nextMonday
		case m[1] == "next":
			r.start, r.end = nextMonday.AddDate(0, 0, 5), nextMonday.AddDate(0, 0, 7)
		default: // this weekend, the weekend, weekend: the coming one, or the one we are in
			r.start, r.end = nextMonday.AddDate(0, 0, -2), nextMonday
			if r.start.Before(today) {
				r.start = today
			}
		}
		days = append(days, r)
		return true
	})
	take(dayOfMonth, func(m []string) bool {
		d, _ := strconv.Atoi(m[1])
		for i := range 3 { // this month, or the next that has the day
			first := time.Date(today.Year(), today.Month()+time.Month(i), 1, 0, 0, 0, 0, today.Location())
			t := time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, today.Location())
			if t.Month() == first.Month() && !t.Before(today) {
				addDay(t, m[0])
				return true
			}
		}
		return false
	})

	take(betweenTimes, func(m []string) bool {
		// Without "between" or "from", only "2-4pm" or "10:30 to 11:30" is a span, not "2 and 3".
		if m[1] == "" && (m[5] == "and" || m[3]+m[4]+m[7]+m[8] == "") {
			return false
		}
		end, ok := clockMinutes(m[6], m[7], m[8])
		if !ok {
			return false
		}
		meridiem := m[4]
		if meridiem == "" {
			meridiem = m[8] // "2-4pm"
		}
		start, ok := clockMinutes(m[2], m[3], meridiem)
		if ok && start >= end { // "11-1pm": the pm was only the end's
			start, ok = clockMinutes(m[2], m[3], m[4])
		}
		if !ok || start >= end {
			return false
		}
		times = append(times, timeSpec{start, end, strings.TrimSpace(m[0])})
		return true
	})
	take(afterTime, func(m []string) bool {
		t, ok := clockMinutes(m[2], m[3], m[4])
		if !ok {
			return false
		}
		if m[1] == "before" || m[1] == "by" {
			times = append(times, timeSpec{0, t, m[0]})
		} else {
			times = append(times, timeSpec{t, 24 * 60, m[0]})
		}
		return true
	})
	take(atTime, func(m []string) bool {
		t, ok := clockMinutes(m[1], m[2], m[3])
		if ok {
			times = append(times, timeSpec{t, t, strings.TrimSpace(m[0])})
		}
		return ok
	})
	take(plainTime, func(m []string) bool {
		h, mins, mer := m[1], m[2], m[3]
		if h == "" {
			h, mins = m[4], m[5]
		}
		t, ok := clockMinutes(h, mins, mer)
		if ok {
			times = append(times, timeSpec{t, t, strings.TrimSpace(m[0])})
		}
		return ok
	})
	take(namedTime, func(m []string) bool {
		r := namedTimes[m[1]]
		times = append(times, timeSpec{r[0], r[1], m[0]})
		return true
	})
	if tonight && len(times) == 0 {
		times = append(times, timeSpec{18 * 60, 23 * 60, "tonight"})
	}
	return combine(days, times, points, now)
}
