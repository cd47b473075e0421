package admin

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/booking"
)

// calFilter is what the calendar shows, all of it kept in the query string.
type calFilter struct {
	View     string // week, day or list
	Date     time.Time
	Resource int64
	Service  int64
	Status   string // booked, cancelled or "" for both
}

// readCalFilter reads the query string; "week" is the older name of "date".
func readCalFilter(c *fiber.Ctx, today time.Time) calFilter {
	f := calFilter{View: c.Query("view"), Date: today, Status: c.Query("status")}
	if f.View != "day" && f.View != "list" {
		f.View = "week"
	}
	if d, err := booking.ParseDate(c.Query("date", c.Query("week"))); err == nil {
		f.Date = d
	}
	f.Resource, _ = strconv.ParseInt(c.Query("resource"), 10, 64)
	f.Service, _ = strconv.ParseInt(c.Query("service"), 10, 64)
	if f.Status != booking.StatusBooked && f.Status != booking.StatusCancelled {
		f.Status = ""
	}
	return f
}

// URL is the calendar at another view or date with the same filters.
func (f calFilter) URL(view string, date time.Time) string {
	q := url.Values{"view": {view}, "date": {date.Format(time.DateOnly)}}
	if f.Resource != 0 {
		q.Set("resource", strconv.FormatInt(f.Resource, 10))
	}
	if f.Service != 0 {
		q.Set("service", strconv.FormatInt(f.Service, 10))
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	return "/admin/calendar?" + q.Encode()
}

func (f calFilter) keep(a booking.Appointment) bool {
	return (f.Resource == 0 || a.ResourceID == f.Resource) && (f.Service == 0 || a.ServiceID == f.Service) &&
		(f.Status == "" || a.Status == f.Status)
}

// calNav is the calendar card: the filter, its navigation and what it shows.
type calNav struct {
	calFilter
	Title                      string
	Week                       string // the Monday shown, for the cancel form's way back
	PrevURL, NextURL, TodayURL string
	WeekURL, DayURL, ListURL   string
	Resources                  []booking.Resource
	Grid                       calGrid
	List                       []calBlock
	Timezone                   string
	FilteredOut                int
}

// calendarNav loads the appointments of the filter's week or day and lays them out.
func (h *Handler) calendarNav(c *fiber.Ctx, ws int64, loc *time.Location, hours map[time.Weekday][]booking.Window) (calNav, error) {
	ctx := c.UserContext()
	today := booking.LocalDate(h.Booking.Now(), loc)
	f := readCalFilter(c, today)
	n := calNav{calFilter: f, Timezone: loc.String()}
	first, days, step := weekStart(f.Date), 7, 7
	if f.View == "day" {
		first, days, step = f.Date, 1, 1
	}
	n.Week = weekStart(f.Date).Format(time.DateOnly)
	n.PrevURL, n.NextURL = f.URL(f.View, f.Date.AddDate(0, 0, -step)), f.URL(f.View, f.Date.AddDate(0, 0, step))
	n.TodayURL = f.URL(f.View, today)
	n.WeekURL, n.DayURL, n.ListURL = f.URL("week", f.Date), f.URL("day", f.Date), f.URL("list", f.Date)
	last := first.AddDate(0, 0, days-1)
	if days == 1 {
		n.Title = first.Format("Monday 2 January 2006")
	} else {
		n.Title = first.Format("2 Jan") + " – " + last.Format("2 Jan 2006")
	}

	var err error
	if n.Resources, err = h.Booking.Resources(ctx, h.Pool, ws); err != nil {
		return n, err
	}
	names := map[int64]string{}
	for _, r := range n.Resources {
		names[r.ID] = r.Name
	}
	appts, err := h.Booking.Appointments(ctx, h.Pool, ws, localMidnight(first, loc), localMidnight(last.AddDate(0, 0, 1), loc))
	if err != nil {
		return n, err
	}
	var blocks []calBlock
	for _, a := range appts {
		if !f.keep(a) {
			n.FilteredOut++
			continue
		}
		blocks = append(blocks, calBlock{Appointment: appointmentJSON(a, loc), ResourceName: names[a.ResourceID]})
	}
	if f.View == "list" {
		n.List = blocks
		return n, nil
	}

	// The grid covers the opening hours of the days shown, and every appointment.
	opens, closes := 24*60, 0
	dates := make([]time.Time, days)
	for i := range dates {
		dates[i] = first.AddDate(0, 0, i)
		for _, w := range hours[dates[i].Weekday()] {
			if r, err := w.Rule(); err == nil {
				opens, closes = min(opens, int(r.Start)), max(closes, int(r.End))
			}
		}
	}
	focus := f.Date
	if f.View == "week" && c.Query("date", c.Query("week")) == "" {
		focus = today
	}
	n.Grid = buildGrid(dates, blocks, loc, opens, closes, focus, today)
	return n, nil
}
