package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
)

// hoursRow is one weekday of the hours form: up to two windows ("" when unused).
type hoursRow struct {
	Weekday                          time.Weekday
	Opens1, Closes1, Opens2, Closes2 string
}

// calendarView is what calendar.html shows; the forms' values survive a refused save.
type calendarView struct {
	Nav           calNav
	Services      []serviceJSON
	Hours         []hoursRow
	Settings      booking.Settings
	Reminders     string // minutes before, "1440, 60"
	settingsGiven bool
	ServiceForm   map[string]string
	Resources     []resourceRow
	ResourceForm  map[string]string
	Exceptions    []exceptionRow
	ExceptionForm map[string]string
	Today         string
	Errors        map[string]string
	Saved         string
	Google        googleView
}

// hoursForm is the weekly hours table of a form (_hours.html).
type hoursForm struct {
	Rows   []hoursRow
	Errors map[string]string
}

// HoursForm is the business's hours table.
func (v calendarView) HoursForm() hoursForm { return hoursForm{Rows: v.Hours, Errors: v.Errors} }

// hoursRows lays out weekly hours as the form shows them, Monday first.
func hoursRows(hours map[time.Weekday][]booking.Window) []hoursRow {
	var out []hoursRow
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		row := hoursRow{Weekday: d}
		if ws := hours[d]; len(ws) > 0 {
			row.Opens1, row.Closes1 = ws[0].Opens, ws[0].Closes
			if len(ws) > 1 {
				row.Opens2, row.Closes2 = ws[1].Opens, ws[1].Closes
			}
		}
		out = append(out, row)
	}
	return out
}

// readHoursForm reads the hours table of a posted form: its rows as typed (Monday
// first), the windows they make, and what is wrong by row.
func readHoursForm(c *fiber.Ctx) ([]hoursRow, []booking.Window, booking.ValidationError) {
	var rows []hoursRow
	var windows []booking.Window
	bad := booking.ValidationError{}
	for d := range 7 {
		day := time.Weekday(d)
		key := "hours_" + strconv.Itoa(d)
		row := hoursRow{Weekday: day,
			Opens1: strings.TrimSpace(c.FormValue(key + "_opens1")), Closes1: strings.TrimSpace(c.FormValue(key + "_closes1")),
			Opens2: strings.TrimSpace(c.FormValue(key + "_opens2")), Closes2: strings.TrimSpace(c.FormValue(key + "_closes2"))}
		rows = append(rows, row)
		for _, pair := range [][2]string{{row.Opens1, row.Closes1}, {row.Opens2, row.Closes2}} {
			if pair[0] == "" && pair[1] == "" {
				continue
			}
			w := booking.Window{Weekday: day, Opens: pair[0], Closes: pair[1]}
			if _, err := w.Rule(); err != nil {
				bad[key] = strings.TrimPrefix(err.Error(), booking.ErrInvalid.Error()+": ")
				continue
			}
			windows = append(windows, w)
		}
	}
	return append(rows[1:], rows[0]), windows, bad
}

// weekStart is the Monday of the week of the local day d.
func weekStart(d time.Time) time.Time {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func (h *Handler) renderCalendar(c *fiber.Ctx, v calendarView) error {
	ctx, ws := c.UserContext(), workspaceID(c)
	w, err := h.workspace(ctx, ws)
	if err != nil {
		return err
	}
	loc := w.Location()
	hours, err := h.Booking.Hours(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	if v.Nav, err = h.calendarNav(c, ws, loc, hours); err != nil {
		return err
	}
	services, err := h.Booking.Services(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	for _, sv := range services {
		v.Services = append(v.Services, toServiceJSON(sv))
	}
	if v.Hours == nil {
		v.Hours = hoursRows(hours)
	}
	resources, err := h.Booking.Resources(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	v.Resources = resourceRows(resources, v.Services)
	v.Today = todayISO(h.Booking.Now(), loc)
	today, _ := booking.ParseDate(v.Today)
	exceptions, err := h.Booking.UpcomingExceptions(ctx, h.Pool, ws, today)
	if err != nil {
		return err
	}
	v.Exceptions = exceptionRows(exceptions, resources)
	if v.ExceptionForm == nil {
		v.ExceptionForm = map[string]string{"what": "closed"}
	}
	if !v.settingsGiven {
		if v.Settings, err = h.Booking.Settings(ctx, h.Pool, ws); err != nil {
			return err
		}
		rem, err := h.Booking.Reminders(ctx, h.Pool, ws)
		if err != nil {
			return err
		}
		v.Reminders = joinMinutes(rem)
	}
	if v.ServiceForm == nil {
		v.ServiceForm = map[string]string{"duration_minutes": "30", "buffer_minutes": "0"}
	}
	if v.Saved == "" {
		v.Saved = c.Query("saved")
	}
	if v.Google, err = h.googleView(c, loc); err != nil {
		return err
	}
	return h.pages.Render(c, "calendar.html", fiber.Map{
		"Title": "Calendar", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "calendar",
		"Timezone": w.Timezone, "Cal": v,
	})
}

func (h *Handler) calendarPage(c *fiber.Ctx) error { return h.renderCalendar(c, calendarView{}) }

func (h *Handler) requireOwner(c *fiber.Ctx) error {
	if currentUser(c).Role != "owner" {
		return fiber.NewError(fiber.StatusForbidden, "only an owner can change the calendar's set-up")
	}
	return nil
}

// refused re-renders the page with the fields' errors, or passes other errors on.
func (h *Handler) refused(c *fiber.Ctx, err error, v calendarView) error {
	var fe booking.ValidationError
	if !errors.As(err, &fe) {
		return err
	}
	v.Errors = fe
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderCalendar(c, v)
}

func (h *Handler) addServiceUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"name", "duration_minutes", "buffer_minutes", "price", "currency"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	v := calendarView{ServiceForm: form}
	bad := booking.ValidationError{}
	b := serviceBody{Name: form["name"], Currency: form["currency"]}
	var err error
	if b.DurationMinutes, err = strconv.Atoi(form["duration_minutes"]); err != nil {
		bad["duration_minutes"] = "must be a whole number of minutes"
	}
	if form["buffer_minutes"] != "" {
		n, err := strconv.Atoi(form["buffer_minutes"])
		if err != nil {
			bad["buffer_after_minutes"] = "must be a whole number of minutes"
		}
		b.BufferMinutes = &n
	}
	if form["price"] != "" {
		p, err := strconv.ParseFloat(form["price"], 64)
		if err != nil {
			bad["price"] = "must be a number such as 65 or 12.50"
		}
		b.Price = &p
	}
	if len(bad) > 0 {
		return h.refused(c, bad, v)
	}
	sv, err := b.service()
	if err == nil {
		_, err = h.Booking.CreateService(c.UserContext(), h.Pool, workspaceID(c), sv)
	}
	if err != nil {
		return h.refused(c, err, v)
	}
	return c.Redirect("/admin/calendar?saved=service", fiber.StatusSeeOther)
}

func (h *Handler) saveHoursUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	rows, windows, bad := readHoursForm(c)
	v := calendarView{Hours: rows}
	if len(bad) > 0 {
		return h.refused(c, bad, v)
	}
	err := pgx.BeginFunc(c.UserContext(), h.Pool, func(tx pgx.Tx) error {
		return h.Booking.SetHours(c.UserContext(), tx, workspaceID(c), windows)
	})
	if err != nil {
		return h.refused(c, err, v)
	}
	return c.Redirect("/admin/calendar?saved=hours", fiber.StatusSeeOther)
}

func (h *Handler) saveBookingSettingsUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	bad := booking.ValidationError{}
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(k)))
		if err != nil {
			bad[k] = "must be a whole number"
		}
		return n
	}
	st := booking.Settings{MinNoticeMinutes: num("min_notice_minutes"), HorizonDays: num("horizon_days"), SlotStepMinutes: num("slot_step_minutes")}
	raw := strings.TrimSpace(c.FormValue("reminder_minutes"))
	v := calendarView{Settings: st, Reminders: raw, settingsGiven: true}
	reminders, err := splitMinutes(raw)
	if err != nil {
		bad["reminder_minutes"] = err.Error()
	}
	if len(bad) > 0 {
		return h.refused(c, bad, v)
	}
	err = pgx.BeginFunc(c.UserContext(), h.Pool, func(tx pgx.Tx) error {
		if err := h.Booking.SetSettings(c.UserContext(), tx, workspaceID(c), st); err != nil {
			return err
		}
		if c.Request().PostArgs().Has("reminder_minutes") {
			return h.Booking.SetReminders(c.UserContext(), tx, workspaceID(c), reminders)
		}
		return nil
	})
	if err != nil {
		return h.refused(c, err, v)
	}
	return c.Redirect("/admin/calendar?saved=settings", fiber.StatusSeeOther)
}

func (h *Handler) cancelAppointmentUI(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if _, err := h.Booking.Cancel(c.UserContext(), h.Pool, workspaceID(c), id); err != nil {
		return err
	}
	back := "/admin/calendar?saved=cancelled"
	if d, err := booking.ParseDate(c.FormValue("week")); err == nil {
		back += "&week=" + d.Format(time.DateOnly)
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// joinMinutes shows reminder times as the form takes them: "1440, 60".
func joinMinutes(mins []int) string {
	parts := make([]string, len(mins))
	for i, m := range mins {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ", ")
}

// splitMinutes reads "1440, 60" (or "" for none).
func splitMinutes(raw string) ([]int, error) {
	out := []int{}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, errors.New("whole numbers of minutes before, separated by commas, such as 1440, 60")
		}
		out = append(out, n)
	}
	return out, nil
}
