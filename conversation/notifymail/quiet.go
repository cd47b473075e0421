package notifymail

import (
	"fmt"
	"time"
)

// Quiet is a user's quiet hours in the workspace's local time, as minutes after
// midnight. Start after End crosses midnight (22:00 to 07:00).
type Quiet struct {
	Start, End int
}

// Until is when quiet hours that hold at t end, and whether they hold at all.
func (q Quiet) Until(t time.Time, loc *time.Location) (time.Time, bool) {
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	inside := q.Start < q.End && m >= q.Start && m < q.End || q.Start > q.End && (m >= q.Start || m < q.End)
	if !inside {
		return time.Time{}, false
	}
	end := time.Date(lt.Year(), lt.Month(), lt.Day(), q.End/60, q.End%60, 0, 0, loc)
	if !end.After(lt) {
		end = time.Date(lt.Year(), lt.Month(), lt.Day()+1, q.End/60, q.End%60, 0, 0, loc)
	}
	return end, true
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// parseClock reads "HH:MM" (24-hour) into minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}
