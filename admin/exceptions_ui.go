package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/booking"
)

// exceptionRow is a day that differs from the weekly hours, as the calendar page lists it.
type exceptionRow struct {
	booking.Exception
	Who string // the resource's name, or "" for the whole business
}

// Hours says what the day is: "closed" or "open 09:00–13:00".
func (e exceptionRow) Hours() string {
	if e.Closed {
		return "closed all day"
	}
	return "open only " + e.Start.String() + "–" + e.End.String()
}

func exceptionRows(list []booking.Exception, resources []booking.Resource) []exceptionRow {
	names := map[int64]string{}
	for _, r := range resources {
		names[r.ID] = r.Name
	}
	out := make([]exceptionRow, len(list))
	for i, e := range list {
		out[i].Exception = e
		if e.ResourceID != nil {
			out[i].Who = names[*e.ResourceID]
		}
	}
	return out
}

// addExceptionUI adds a day that differs: closed all day, or open only at the hours
// given (a closed afternoon is the morning's hours; extra hours are the longer day).
func (h *Handler) addExceptionUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"date", "resource", "what", "opens", "closes", "note"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	v := calendarView{ExceptionForm: form}
	bad := booking.ValidationError{}
	e := booking.Exception{Closed: form["what"] != "hours", Note: form["note"]}
	var err error
	if e.Day, err = booking.ParseDate(form["date"]); err != nil {
		bad["exception_date"] = "choose a date"
	}
	if form["resource"] != "" {
		id, err := strconv.ParseInt(form["resource"], 10, 64)
		if err != nil {
			bad["exception_resource"] = "choose the whole business or one of its staff or rooms"
		}
		e.ResourceID = &id
	}
	if !e.Closed {
		if e.Start, err = booking.ParseTimeOfDay(form["opens"]); err != nil {
			bad["exception_opens"] = "give the time it opens, such as 09:00"
		}
		if e.End, err = booking.ParseTimeOfDay(form["closes"]); err != nil {
			bad["exception_closes"] = "give the time it closes, such as 13:00"
		}
	}
	if len(bad) > 0 {
		return h.refused(c, bad, v)
	}
	if _, err := h.Booking.AddException(c.UserContext(), h.Pool, workspaceID(c), e); err != nil {
		return h.refused(c, prefixed(err, "exception_"), v)
	}
	return c.Redirect("/admin/calendar?saved=exception#exceptions", fiber.StatusSeeOther)
}

func (h *Handler) deleteExceptionUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := h.Booking.DeleteException(c.UserContext(), h.Pool, workspaceID(c), id); err != nil {
		return err
	}
	return c.Redirect("/admin/calendar?saved=exception-removed#exceptions", fiber.StatusSeeOther)
}

// todayISO is the workspace's local date, for the date picker's minimum.
func todayISO(now time.Time, loc *time.Location) string {
	return booking.LocalDate(now, loc).Format(time.DateOnly)
}
