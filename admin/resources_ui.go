package admin

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal"
)

// resourceRow is a member of staff or a room in the calendar page's list.
type resourceRow struct {
	booking.Resource
	Services []string // names of the services it performs
}

// resourceRows lists the resources with the services each performs.
func resourceRows(resources []booking.Resource, services []serviceJSON) []resourceRow {
	out := make([]resourceRow, len(resources))
	for i, r := range resources {
		out[i].Resource = r
		for _, sv := range services {
			if slices.Contains(sv.ResourceIDs, r.ID) {
				out[i].Services = append(out[i].Services, sv.Name)
			}
		}
	}
	return out
}

func (h *Handler) addResourceUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	form := map[string]string{"name": strings.TrimSpace(c.FormValue("name")), "kind": c.FormValue("kind")}
	r, err := h.Booking.CreateResource(c.UserContext(), h.Pool, workspaceID(c), booking.Resource{Name: form["name"], Kind: form["kind"]})
	if err != nil {
		return h.refused(c, prefixed(err, "resource_"), calendarView{ResourceForm: form})
	}
	return c.Redirect("/admin/calendar/resources/"+strconv.FormatInt(r.ID, 10)+"?saved=created", fiber.StatusSeeOther)
}

// prefixed renames a validation error's fields, for a page with several forms.
func prefixed(err error, prefix string) error {
	if fe, ok := err.(booking.ValidationError); ok { //nolint:errorlint // a map type, returned unwrapped by the store
		out := booking.ValidationError{}
		for k, v := range fe {
			out[prefix+k] = v
		}
		return out
	}
	return err
}

// resourceView is what resource.html shows; the form keeps what was typed.
type resourceView struct {
	Resource booking.Resource
	Services []serviceJSON
	Checked  map[int64]bool
	Hours    []hoursRow
	Errors   map[string]string
	Saved    string
	// Calendar is their own Google calendar id; formRead says it came from the form.
	Calendar string
	formRead bool
	// CalendarError is why Google would not read their calendar, or nil.
	CalendarError *gcal.UnreadableCalendar
}

// HoursForm is the resource's own hours table.
func (v resourceView) HoursForm() hoursForm { return hoursForm{Rows: v.Hours, Errors: v.Errors} }

func (h *Handler) renderResource(c *fiber.Ctx, v resourceView) error {
	ctx, ws := c.UserContext(), workspaceID(c)
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	w, err := h.workspace(ctx, ws)
	if err != nil {
		return err
	}
	r, err := h.Booking.Resource(ctx, h.Pool, ws, id)
	if err != nil {
		return err
	}
	if v.Resource.Name == "" {
		v.Resource = r
	}
	v.Resource.ID = r.ID
	services, err := h.Booking.Services(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	for _, sv := range services {
		v.Services = append(v.Services, toServiceJSON(sv))
	}
	if v.Checked == nil {
		v.Checked = map[int64]bool{}
		for _, sv := range services {
			v.Checked[sv.ID] = slices.Contains(sv.ResourceIDs, r.ID)
		}
	}
	if v.Hours == nil {
		hours, err := h.Booking.ResourceHours(ctx, h.Pool, ws, r.ID)
		if err != nil {
			return err
		}
		v.Hours = hoursRows(hours)
	}
	if !v.formRead {
		if v.Calendar, err = h.Booking.ResourceCalendar(ctx, h.Pool, ws, r.ID); err != nil {
			return err
		}
	}
	unreadable, err := h.unreadableCalendars(c, w.Location())
	if err != nil {
		return err
	}
	v.CalendarError = unreadableOf(unreadable, r.ID)
	if v.Saved == "" {
		v.Saved = c.Query("saved")
	}
	return h.pages.Render(c, "resource.html", fiber.Map{
		"Title": r.Name, "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "calendar",
		"Timezone": w.Timezone, "R": v,
	})
}

func (h *Handler) resourcePage(c *fiber.Ctx) error { return h.renderResource(c, resourceView{}) }

// saveResourceUI saves a resource's name, the services it performs and its own hours,
// all or nothing.
func (h *Handler) saveResourceUI(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	ctx, ws := c.UserContext(), workspaceID(c)
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if _, err := h.Booking.Resource(ctx, h.Pool, ws, id); err != nil {
		return err
	}
	rows, windows, bad := readHoursForm(c)
	v := resourceView{Resource: booking.Resource{ID: id, Name: strings.TrimSpace(c.FormValue("name")), Kind: c.FormValue("kind")},
		Checked: map[int64]bool{}, Hours: rows, Calendar: strings.TrimSpace(c.FormValue("google_calendar_id")), formRead: true}
	var services []int64
	for _, raw := range c.Request().PostArgs().PeekMulti("services") {
		sid, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			bad["services"] = "names a service this business does not have"
			continue
		}
		services = append(services, sid)
		v.Checked[sid] = true
	}
	if len(bad) == 0 {
		err := pgx.BeginFunc(ctx, h.Pool, func(tx pgx.Tx) error {
			if err := h.Booking.UpdateResource(ctx, tx, ws, v.Resource); err != nil {
				return err
			}
			if err := h.Booking.SetResourceServices(ctx, tx, ws, id, services); err != nil {
				return err
			}
			if err := h.Booking.SetResourceCalendar(ctx, tx, ws, id, v.Calendar); err != nil {
				return err
			}
			return h.Booking.SetResourceHours(ctx, tx, ws, id, windows)
		})
		if err == nil {
			return c.Redirect("/admin/calendar/resources/"+strconv.FormatInt(id, 10)+"?saved=saved", fiber.StatusSeeOther)
		}
		fe, ok := err.(booking.ValidationError) //nolint:errorlint // a map type, returned unwrapped by the store
		if !ok {
			return err
		}
		bad = fe
	}
	v.Errors = bad
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderResource(c, v)
}
