package ai

import (
	"strconv"
	"strings"
	"time"
)

// combine puts each date with each time.
// maxMentions is how many days, and times, of one message are read; a booking request
// names a few.
const maxMentions = 12

func combine(days []dayRange, times []timeSpec, points []TimeRange, now time.Time) []TimeRange {
	// Every day meets every time: a pasted page full of dates must not cost days × times.
	days, times, points = days[:min(len(days), maxMentions)], times[:min(len(times), maxMentions)], points[:min(len(points), maxMentions)]
	out := points
	if len(days) == 0 && len(times) > 0 {
		today := midnight(now)
		day := today
		if at(today, times[0].end).Before(now) && times[0].end > 0 {
			day = today.AddDate(0, 0, 1)
		}
		days = append(days, dayRange{start: day, end: day.AddDate(0, 0, 1)})
	}
	for _, d := range days {
		if len(times) == 0 || d.span {
			out = append(out, TimeRange{Start: d.start, End: d.end, Text: d.text})
			continue
		}
		for _, t := range times {
			text := strings.TrimSpace(d.text + " " + t.text)
			out = append(out, TimeRange{Start: at(d.start, t.start), End: at(d.start, t.end), Text: text})
		}
	}
	return out
}

// addDate adds the date of a day, month and optional year; without a year, the next one.
func addDate(days *[]dayRange, today time.Time, text, year, monthText, day string) bool {
	mo := monthNumber(monthText)
	d, _ := strconv.Atoi(day)
	if mo == 0 || d < 1 || d > 31 {
		return false
	}
	y := today.Year()
	if year != "" {
		y, _ = strconv.Atoi(year)
		if y < 100 {
			y += 2000
		}
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, today.Location())
	if t.Day() != d {
		return false // the 31st of a short month
	}
	if year == "" && t.Before(today) {
		t = t.AddDate(1, 0, 0)
	}
	*days = append(*days, dayRange{start: t, end: t.AddDate(0, 0, 1), text: text})
	return true
}

func monthNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 1 && n <= 12 {
			return n
		}
		return 0
	}
	for i, name := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, name) {
			return i + 1
		}
	}
	return 0
}

// clockMinutes reads an hour, optional minutes and optional am/pm as minutes after
// midnight; an hour from 1 to 7 without am/pm is in the afternoon.
func clockMinutes(hour, minutes, meridiem string) (int, bool) {
	h, err := strconv.Atoi(hour)
	if err != nil || h > 23 {
		return 0, false
	}
	m := 0
	if minutes != "" {
		if m, err = strconv.Atoi(minutes); err != nil || m > 59 {
			return 0, false
		}
	}
	switch strings.ReplaceAll(meridiem, ".", "") {
	case "am":
		if h == 0 || h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
	case "pm":
		if h == 0 || h > 12 {
			return 0, false
		}
		if h < 12 {
			h += 12
		}
	default:
		if h >= 1 && h <= 7 {
			h += 12
		}
	}
	return h*60 + m, true
}

// midnight is the start of t's day in t's location.
func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// at is minutes after the midnight day, on the wall clock: 15:00 is 15:00 on a day
// the clocks change, and 24:00 is the next midnight.
func at(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, minutes, 0, 0, day.Location())
}
