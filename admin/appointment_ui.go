package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/booking"
)

// appointmentView is what appointment.html shows; the reschedule form keeps what was typed.
type appointmentView struct {
	Appt         booking.Appointment
	ResourceName string
	Week         string
	Date, Time   string
	Errors       map[string]string
	Alternatives []booking.Slot
	Saved        string
}

func (h *Handler) renderAppointment(c *fiber.Ctx, v appointmentView) error {
	ctx, ws := c.UserContext(), workspaceID(c)
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	w, err := h.workspace(ctx, ws)
	if err != nil {
		return err
	}
	loc := w.Location()
	a, err := h.Booking.Appointment(ctx, h.Pool, ws, id)
	if err != nil {
		return err
	}
	v.Appt = appointmentJSON(a, loc)
	resources, err := h.Booking.Resources(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	for _, r := range resources {
		if r.ID == a.ResourceID {
			v.ResourceName = r.Name
		}
	}
	v.Week = weekStart(booking.LocalDate(a.Start, loc)).Format(time.DateOnly)
	if v.Date == "" {
		v.Date, v.Time = v.Appt.Start.Format(time.DateOnly), v.Appt.Start.Format("15:04")
	}
	for i := range v.Alternatives {
		v.Alternatives[i].Start, v.Alternatives[i].End = v.Alternatives[i].Start.In(loc), v.Alternatives[i].End.In(loc)
	}
	if v.Saved == "" {
		v.Saved = c.Query("saved")
	}
	return h.pages.Render(c, "appointment.html", fiber.Map{
		"Title": "Appointment", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "calendar",
		"Timezone": w.Timezone, "A": v,
	})
}

func (h *Handler) appointmentPage(c *fiber.Ctx) error {
	return h.renderAppointment(c, appointmentView{})
}

// rescheduleAppointmentUI moves the appointment to the local date and time given, or
// shows why not (and, when the time was just taken, the next free ones).
func (h *Handler) rescheduleAppointmentUI(c *fiber.Ctx) error {
	ctx, ws := c.UserContext(), workspaceID(c)
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	v := appointmentView{Date: strings.TrimSpace(c.FormValue("date")), Time: strings.TrimSpace(c.FormValue("time"))}
	w, err := h.workspace(ctx, ws)
	if err != nil {
		return err
	}
	if _, err := h.Booking.Appointment(ctx, h.Pool, ws, id); err != nil {
		return err // another workspace's id is not found before anything is parsed
	}
	loc := w.Location()
	bad := map[string]string{}
	day, err := booking.ParseDate(v.Date)
	if err != nil {
		bad["date"] = "choose a date"
	}
	tod, err := booking.ParseTimeOfDay(v.Time)
	if err != nil {
		bad["time"] = "choose a time such as 14:30"
	}
	if len(bad) == 0 {
		start := time.Date(day.Year(), day.Month(), day.Day(), int(tod)/60, int(tod)%60, 0, 0, loc)
		_, err = h.Booking.Reschedule(ctx, h.Pool, ws, id, loc, start)
		var taken *booking.SlotTakenError
		switch {
		case err == nil:
			return c.Redirect("/admin/calendar/appointments/"+strconv.FormatInt(id, 10)+"?saved=moved", fiber.StatusSeeOther)
		case errors.As(err, &taken):
			bad["time"] = "that time was just taken; choose another"
			v.Alternatives = taken.Alternatives
		case errors.Is(err, booking.ErrNotBookable):
			bad["time"] = messageOf(err)
		default:
			return err
		}
	}
	v.Errors = bad
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderAppointment(c, v)
}
