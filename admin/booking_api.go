package admin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
)

// maxSlotDays is the longest range of days one available-slots request may ask for.
const maxSlotDays = 62

func badJSON(example string) error {
	return fiber.NewError(fiber.StatusBadRequest, "the body must be JSON like "+example)
}

func (h *Handler) workspace(ctx context.Context, ws int64) (conversation.Workspace, error) {
	return h.Conversations.Workspace(ctx, h.Pool, ws)
}

type serviceBody struct {
	Name                string   `json:"name"`
	Description         string   `json:"description"`
	DurationMinutes     int      `json:"duration_minutes"`
	BufferMinutes       *int     `json:"buffer_minutes"`
	BufferBeforeMinutes *int     `json:"buffer_before_minutes"`
	BufferAfterMinutes  *int     `json:"buffer_after_minutes"`
	Price               *float64 `json:"price"`
	PriceCents          *int64   `json:"price_cents"`
	Currency            string   `json:"currency"`
	// ResourceIDs are the staff or rooms that perform it (none: the default resource).
	ResourceIDs []int64 `json:"resource_ids"`
}

// service turns the body into a booking.Service: buffer_minutes is the time kept free
// after the service; price is in major units (12.50), price_cents in minor ones.
func (b serviceBody) service() (booking.Service, error) {
	sv := booking.Service{Name: b.Name, Description: b.Description, DurationMinutes: b.DurationMinutes,
		Currency: strings.ToUpper(strings.TrimSpace(b.Currency)), PriceCents: b.PriceCents, ResourceIDs: b.ResourceIDs}
	if b.BufferMinutes != nil {
		sv.BufferAfterMinutes = *b.BufferMinutes
	}
	if b.BufferAfterMinutes != nil {
		sv.BufferAfterMinutes = *b.BufferAfterMinutes
	}
	if b.BufferBeforeMinutes != nil {
		sv.BufferBeforeMinutes = *b.BufferBeforeMinutes
	}
	if b.Price != nil {
		if b.PriceCents != nil || *b.Price < 0 || *b.Price > 1e12 || math.IsNaN(*b.Price) {
			return sv, booking.ValidationError{"price": "give either price (such as 12.50) or price_cents, not negative"}
		}
		cents := int64(math.Round(*b.Price * 100))
		sv.PriceCents = &cents
	}
	return sv, nil
}

// serviceJSON is a service with its price also in major units.
type serviceJSON struct {
	booking.Service
	Price *float64 `json:"price"`
}

// PriceText is the price for people ("250.00 GBP"), or "" when there is none.
func (s serviceJSON) PriceText() string {
	if s.PriceCents == nil {
		return ""
	}
	return fmt.Sprintf("%d.%02d %s", *s.PriceCents/100, *s.PriceCents%100, s.Currency)
}

func toServiceJSON(sv booking.Service) serviceJSON {
	out := serviceJSON{Service: sv}
	if sv.PriceCents != nil {
		p := float64(*sv.PriceCents) / 100
		out.Price = &p
	}
	return out
}

func (h *Handler) apiCreateService(c *fiber.Ctx) error {
	var b serviceBody
	if err := c.BodyParser(&b); err != nil {
		return badJSON(`{"name": "Check-up", "duration_minutes": 30, "buffer_minutes": 10, "price": 65}`)
	}
	sv, err := b.service()
	if err != nil {
		return err
	}
	sv, err = h.Booking.CreateService(c.UserContext(), h.Pool, workspaceID(c), sv)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toServiceJSON(sv))
}

func (h *Handler) apiServices(c *fiber.Ctx) error {
	list, err := h.Booking.Services(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	out := make([]serviceJSON, len(list))
	for i, sv := range list {
		out[i] = toServiceJSON(sv)
	}
	return c.JSON(fiber.Map{"services": out})
}

type ruleBody struct {
	Weekday *int   `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// exceptionBody is a day that differs from the weekly hours, for the whole business or,
// with resource_id, one member of staff or room.
type exceptionBody struct {
	ID         int64  `json:"id,omitempty"`
	Date       string `json:"date"`
	Closed     bool   `json:"closed"`
	Start      string `json:"start,omitempty"`
	End        string `json:"end,omitempty"`
	Note       string `json:"note"`
	ResourceID *int64 `json:"resource_id"`
}

type availabilityBody struct {
	Rules      []ruleBody      `json:"rules"`
	Exceptions []exceptionBody `json:"exceptions"`
}

// parse checks every rule and exception, naming each bad field by its position;
// resources are the workspace's active staff and rooms an exception may name.
func (b availabilityBody) parse(resources []booking.Resource) ([]booking.Window, []booking.Exception, error) {
	bad := booking.ValidationError{}
	windows := make([]booking.Window, 0, len(b.Rules))
	for i, r := range b.Rules {
		key := fmt.Sprintf("rules[%d]", i)
		if r.Weekday == nil {
			bad[key+".weekday"] = "is required: 0 (Sunday) to 6 (Saturday)"
			continue
		}
		w := booking.Window{Weekday: time.Weekday(*r.Weekday), Opens: r.Start, Closes: r.End}
		if _, err := w.Rule(); err != nil {
			bad[key] = strings.TrimPrefix(err.Error(), booking.ErrInvalid.Error()+": ")
			continue
		}
		windows = append(windows, w)
	}
	exceptions := make([]booking.Exception, 0, len(b.Exceptions))
	for i, e := range b.Exceptions {
		key := fmt.Sprintf("exceptions[%d]", i)
		day, err := booking.ParseDate(e.Date)
		if err != nil {
			bad[key+".date"] = fmt.Sprintf("%q is not a date like 2026-12-25", e.Date)
			continue
		}
		ex := booking.Exception{Day: day, Closed: e.Closed, Note: strings.TrimSpace(e.Note), ResourceID: e.ResourceID}
		if e.ResourceID != nil && !slices.ContainsFunc(resources, func(r booking.Resource) bool { return r.ID == *e.ResourceID }) {
			bad[key+".resource_id"] = fmt.Sprintf("there is no member of staff or room %d (leave it out for the whole business)", *e.ResourceID)
			continue
		}
		if len(ex.Note) > 200 {
			bad[key+".note"] = "must be at most 200 characters"
			continue
		}
		if !e.Closed {
			w := booking.Window{Weekday: day.Weekday(), Opens: e.Start, Closes: e.End}
			r, err := w.Rule()
			if err != nil {
				bad[key] = "either closed: true, or start and end: " + strings.TrimPrefix(err.Error(), booking.ErrInvalid.Error()+": ")
				continue
			}
			ex.Start, ex.End = r.Start, r.End
		}
		exceptions = append(exceptions, ex)
	}
	if len(bad) > 0 {
		return nil, nil, bad
	}
	return windows, exceptions, nil
}

func (h *Handler) apiSetAvailability(c *fiber.Ctx) error {
	var b availabilityBody
	if err := c.BodyParser(&b); err != nil {
		return badJSON(`{"rules": [{"weekday": 1, "start": "09:00", "end": "17:00"}], "exceptions": [{"date": "2026-12-25", "closed": true}]}`)
	}
	ws := workspaceID(c)
	resources, err := h.Booking.Resources(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	windows, exceptions, err := b.parse(resources)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(c.UserContext(), h.Pool, func(tx pgx.Tx) error {
		if err := h.Booking.SetHours(c.UserContext(), tx, ws, windows); err != nil {
			return err
		}
		return h.Booking.SetExceptions(c.UserContext(), tx, ws, exceptions)
	})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"rules": len(windows), "exceptions": len(exceptions)})
}

// apiAvailability is what PUT availability sets: the business's weekly hours and the
// exceptions from today on (the business's and each resource's), with their ids.
func (h *Handler) apiAvailability(c *fiber.Ctx) error {
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	hours, err := h.Booking.Hours(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	rules := []ruleJSON{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		for _, win := range hours[d] {
			rules = append(rules, ruleJSON{Weekday: int(d), Start: win.Opens, End: win.Closes})
		}
	}
	list, err := h.Booking.UpcomingExceptions(c.UserContext(), h.Pool, ws, booking.LocalDate(h.Booking.Now(), w.Location()))
	if err != nil {
		return err
	}
	exceptions := make([]exceptionBody, len(list))
	for i, e := range list {
		exceptions[i] = exceptionBody{ID: e.ID, Date: e.Day.Format(time.DateOnly), Closed: e.Closed, Note: e.Note, ResourceID: e.ResourceID}
		if !e.Closed {
			exceptions[i].Start, exceptions[i].End = e.Start.String(), e.End.String()
		}
	}
	return c.JSON(fiber.Map{"timezone": w.Timezone, "rules": rules, "exceptions": exceptions})
}

type settingsBody struct {
	MinNoticeMinutes *int  `json:"min_notice_minutes"`
	HorizonDays      *int  `json:"horizon_days"`
	SlotStepMinutes  *int  `json:"slot_step_minutes"`
	ReminderMinutes  []int `json:"reminder_minutes"`
}

// settingsJSON is the booking settings with the reminder times (minutes before).
type settingsJSON struct {
	booking.Settings
	ReminderMinutes []int `json:"reminder_minutes"`
}

// apiSetSettings saves the settings given; those left out keep their values.
func (h *Handler) apiSetSettings(c *fiber.Ctx) error {
	var b settingsBody
	if err := c.BodyParser(&b); err != nil {
		return badJSON(`{"min_notice_minutes": 120, "horizon_days": 60, "slot_step_minutes": 15, "reminder_minutes": [1440, 60]}`)
	}
	ws := workspaceID(c)
	st, err := h.Booking.Settings(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		v   *int
		dst *int
	}{{b.MinNoticeMinutes, &st.MinNoticeMinutes}, {b.HorizonDays, &st.HorizonDays}, {b.SlotStepMinutes, &st.SlotStepMinutes}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if err := h.Booking.SetSettings(c.UserContext(), h.Pool, ws, st); err != nil {
		return err
	}
	// reminder_minutes left out keeps the reminders; [] turns them off.
	if b.ReminderMinutes != nil {
		if err := h.Booking.SetReminders(c.UserContext(), h.Pool, ws, b.ReminderMinutes); err != nil {
			return err
		}
	}
	rem, err := h.Booking.Reminders(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	return c.JSON(settingsJSON{Settings: st, ReminderMinutes: rem})
}

// knownService checks a service id of a request; an unknown service is bad input
// here, not a missing page.
func (h *Handler) knownService(ctx context.Context, ws, id int64) error {
	if id <= 0 {
		return booking.ValidationError{"service_id": "is required: the id of one of your services"}
	}
	if _, err := h.Booking.Service(ctx, h.Pool, ws, id); err != nil {
		if errors.Is(err, booking.ErrNotFound) {
			return booking.ValidationError{"service_id": fmt.Sprintf("there is no service %d", id)}
		}
		return err
	}
	return nil
}

// dateRange reads from and to (local days, inclusive); from defaults to today and to
// to a week after from.
func dateRange(c *fiber.Ctx, today time.Time) (time.Time, time.Time, error) {
	from, to := today, time.Time{}
	if raw := c.Query("from"); raw != "" {
		d, err := booking.ParseDate(raw)
		if err != nil {
			return from, to, fiber.NewError(fiber.StatusBadRequest, "from must be a date like 2026-12-01")
		}
		from = d
	}
	to = from.AddDate(0, 0, 6)
	if raw := c.Query("to"); raw != "" {
		d, err := booking.ParseDate(raw)
		if err != nil {
			return from, to, fiber.NewError(fiber.StatusBadRequest, "to must be a date like 2026-12-07")
		}
		to = d
	}
	if to.Before(from) {
		return from, to, booking.ValidationError{"to": "must not be before from"}
	}
	return from, to, nil
}

type slotJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func slotsJSON(slots []booking.Slot, loc *time.Location) []slotJSON {
	out := make([]slotJSON, len(slots))
	for i, s := range slots {
		out[i] = slotJSON{Start: s.Start.In(loc).Format(time.RFC3339), End: s.End.In(loc).Format(time.RFC3339)}
	}
	return out
}

func (h *Handler) apiAvailableSlots(c *fiber.Ctx) error {
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	loc := w.Location()
	serviceID, err := strconv.ParseInt(c.Query("service_id"), 10, 64)
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "service_id must be the id of one of your services")
	}
	today := booking.LocalDate(h.Booking.Now(), loc)
	from, to, err := dateRange(c, today)
	if err != nil {
		return err
	}
	switch {
	case to.Before(today):
		return booking.ValidationError{"to": fmt.Sprintf("%s is in the past (today is %s in %s)", to.Format(time.DateOnly), today.Format(time.DateOnly), w.Timezone)}
	case to.Sub(from) >= maxSlotDays*24*time.Hour:
		return booking.ValidationError{"to": fmt.Sprintf("ask for at most %d days at a time", maxSlotDays)}
	}
	slots, err := h.Booking.AvailableSlots(c.UserContext(), h.Pool, ws, loc, serviceID, from, to, 0)
	if errors.Is(err, booking.ErrNotFound) {
		return booking.ValidationError{"service_id": fmt.Sprintf("there is no service %d", serviceID)}
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"service_id": serviceID, "timezone": w.Timezone, "slots": slotsJSON(slots, loc)})
}

// appointmentJSON shows times in the workspace's zone.
func appointmentJSON(a booking.Appointment, loc *time.Location) booking.Appointment {
	a.Start, a.End = a.Start.In(loc), a.End.In(loc)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.In(loc), a.UpdatedAt.In(loc)
	return a
}

// bookingError answers a lost race with 409 and the alternatives; other errors go to
// the error handler.
func bookingError(c *fiber.Ctx, err error, loc *time.Location) error {
	var taken *booking.SlotTakenError
	if errors.As(err, &taken) {
		body := errorBody(c, fiber.StatusConflict, messageOf(err)+"; choose one of the alternatives")
		body["alternatives"] = slotsJSON(taken.Alternatives, loc)
		return c.Status(fiber.StatusConflict).JSON(body)
	}
	return err
}

func parseStart(raw string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(raw))
	if err != nil {
		return t, booking.ValidationError{"start": fmt.Sprintf("%q is not an RFC 3339 time such as 2026-12-01T09:30:00Z", raw)}
	}
	return t, nil
}

type bookBody struct {
	ServiceID    int64  `json:"service_id"`
	Start        string `json:"start"`
	ContactPhone string `json:"contact_phone"`
	ContactName  string `json:"contact_name"`
	Notes        string `json:"notes"`
}

func (h *Handler) apiBook(c *fiber.Ctx) error {
	var b bookBody
	if err := c.BodyParser(&b); err != nil {
		return badJSON(`{"service_id": 1, "start": "2026-12-01T09:30:00Z", "contact_phone": "+447700900123", "contact_name": "Jane"}`)
	}
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	start, err := parseStart(b.Start)
	if err != nil {
		return err
	}
	if err := h.knownService(c.UserContext(), ws, b.ServiceID); err != nil {
		return err
	}
	phone, err := channels.NormalizePhone(b.ContactPhone, w.PhoneRegion)
	if err != nil {
		return booking.ValidationError{"contact_phone": messageOf(err)}
	}
	if len(b.ContactName) > 200 {
		return booking.ValidationError{"contact_name": "must be at most 200 characters"}
	}
	contactID, err := h.Conversations.UpsertContact(c.UserContext(), h.Pool, ws, phone, strings.TrimSpace(b.ContactName), channels.SMS)
	if err != nil {
		return err
	}
	a, err := h.Booking.Book(c.UserContext(), h.Pool, booking.BookRequest{
		WorkspaceID: ws, ServiceID: b.ServiceID, ContactID: contactID, Start: start, Location: w.Location(), Notes: b.Notes,
	})
	if err != nil {
		return bookingError(c, err, w.Location())
	}
	return c.Status(fiber.StatusCreated).JSON(appointmentJSON(a, w.Location()))
}

type rescheduleBody struct {
	Start string `json:"start"`
}

func (h *Handler) apiReschedule(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	var b rescheduleBody
	if err := c.BodyParser(&b); err != nil {
		return badJSON(`{"start": "2026-12-01T10:00:00Z"}`)
	}
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	start, err := parseStart(b.Start)
	if err != nil {
		return err
	}
	a, err := h.Booking.Reschedule(c.UserContext(), h.Pool, ws, id, w.Location(), start)
	if err != nil {
		return bookingError(c, err, w.Location())
	}
	return c.JSON(appointmentJSON(a, w.Location()))
}

func (h *Handler) apiCancelAppointment(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	a, err := h.Booking.Cancel(c.UserContext(), h.Pool, ws, id)
	if err != nil {
		return err
	}
	return c.JSON(appointmentJSON(a, w.Location()))
}

// localMidnight is the first instant of a local day.
func localMidnight(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

func (h *Handler) apiAppointments(c *fiber.Ctx) error {
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	loc := w.Location()
	from, to, err := dateRange(c, booking.LocalDate(h.Booking.Now(), loc))
	if err != nil {
		return err
	}
	if to.Sub(from) > 366*24*time.Hour {
		return booking.ValidationError{"to": "ask for at most a year at a time"}
	}
	list, err := h.Booking.Appointments(c.UserContext(), h.Pool, ws, localMidnight(from, loc), localMidnight(to.AddDate(0, 0, 1), loc))
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = appointmentJSON(list[i], loc)
	}
	if list == nil {
		list = []booking.Appointment{}
	}
	// A full page may have left some out: the caller asks again for fewer days.
	return c.JSON(fiber.Map{"appointments": list, "truncated": len(list) >= booking.AppointmentsLimit})
}

func (h *Handler) apiAppointmentICS(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	ws := workspaceID(c)
	w, err := h.workspace(c.UserContext(), ws)
	if err != nil {
		return err
	}
	a, err := h.Booking.Appointment(c.UserContext(), h.Pool, ws, id)
	if err != nil {
		return err
	}
	domain := "frontdesk.invalid"
	if u, err := url.Parse(h.BaseURL); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="appointment-%d.ics"`, a.ID))
	return c.SendString(a.ICS(booking.ICSOptions{BusinessName: w.Name, Domain: domain, WorkspaceID: ws}))
}
