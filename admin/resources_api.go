package admin

import (
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
)

// resourceBody creates or replaces a member of staff or a room: what it is, the
// services it performs, its own weekly hours ([] or left out: the business's), and its
// own Google calendar ("" for none; left out keeps it).
type resourceBody struct {
	Name             string     `json:"name"`
	Kind             string     `json:"kind"`
	ServiceIDs       []int64    `json:"service_ids"`
	Rules            []ruleBody `json:"rules"`
	GoogleCalendarID *string    `json:"google_calendar_id"`
}

type resourceJSON struct {
	booking.Resource
	ServiceIDs       []int64    `json:"service_ids"`
	Rules            []ruleJSON `json:"rules"`
	GoogleCalendarID string     `json:"google_calendar_id"`
	// GoogleCalendarError is why Google would not read that calendar at the last
	// refresh, and since when; left out once it is read.
	GoogleCalendarError      string     `json:"google_calendar_error,omitempty"`
	GoogleCalendarErrorSince *time.Time `json:"google_calendar_error_since,omitempty"`
}

type ruleJSON struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

const resourceExample = `{"name": "Dr Lee", "kind": "staff", "service_ids": [1], "rules": [{"weekday": 3, "start": "13:00", "end": "17:00"}]}`

func (h *Handler) resourceJSON(c *fiber.Ctx, ws int64, r booking.Resource) (resourceJSON, error) {
	out := resourceJSON{Resource: r, ServiceIDs: []int64{}, Rules: []ruleJSON{}}
	services, err := h.Booking.Services(c.UserContext(), h.Pool, ws)
	if err != nil {
		return out, err
	}
	for _, sv := range services {
		if slices.Contains(sv.ResourceIDs, r.ID) {
			out.ServiceIDs = append(out.ServiceIDs, sv.ID)
		}
	}
	hours, err := h.Booking.ResourceHours(c.UserContext(), h.Pool, ws, r.ID)
	if err != nil {
		return out, err
	}
	if out.GoogleCalendarID, err = h.Booking.ResourceCalendar(c.UserContext(), h.Pool, ws, r.ID); err != nil {
		return out, err
	}
	unreadable, err := h.unreadableCalendars(c, time.UTC)
	if err != nil {
		return out, err
	}
	if u := unreadableOf(unreadable, r.ID); u != nil {
		out.GoogleCalendarError, out.GoogleCalendarErrorSince = u.Error, &u.Since
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		for _, w := range hours[d] {
			out.Rules = append(out.Rules, ruleJSON{Weekday: int(d), Start: w.Opens, End: w.Closes})
		}
	}
	return out, nil
}

func (h *Handler) apiResources(c *fiber.Ctx) error {
	ws := workspaceID(c)
	list, err := h.Booking.Resources(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	out := make([]resourceJSON, 0, len(list))
	for _, r := range list {
		j, err := h.resourceJSON(c, ws, r)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"resources": out})
}

// saveResource writes the body to resource id (0: a new one), all or nothing.
func (h *Handler) saveResource(c *fiber.Ctx, id int64) (booking.Resource, error) {
	var b resourceBody
	if err := c.BodyParser(&b); err != nil {
		return booking.Resource{}, badJSON(resourceExample)
	}
	windows, _, err := availabilityBody{Rules: b.Rules}.parse(nil)
	if err != nil {
		return booking.Resource{}, err
	}
	if b.Kind == "" {
		b.Kind = booking.KindStaff
	}
	ctx, ws := c.UserContext(), workspaceID(c)
	r := booking.Resource{ID: id, Name: b.Name, Kind: b.Kind}
	err = pgx.BeginFunc(ctx, h.Pool, func(tx pgx.Tx) error {
		var err error
		if id == 0 {
			r, err = h.Booking.CreateResource(ctx, tx, ws, r)
		} else {
			err = h.Booking.UpdateResource(ctx, tx, ws, r)
		}
		if err != nil {
			return err
		}
		if err := h.Booking.SetResourceServices(ctx, tx, ws, r.ID, b.ServiceIDs); err != nil {
			return err
		}
		if b.GoogleCalendarID != nil {
			if err := h.Booking.SetResourceCalendar(ctx, tx, ws, r.ID, *b.GoogleCalendarID); err != nil {
				return err
			}
		}
		return h.Booking.SetResourceHours(ctx, tx, ws, r.ID, windows)
	})
	if err != nil {
		return r, err
	}
	return h.Booking.Resource(ctx, h.Pool, ws, r.ID)
}

func (h *Handler) apiCreateResource(c *fiber.Ctx) error {
	r, err := h.saveResource(c, 0)
	if err != nil {
		return err
	}
	out, err := h.resourceJSON(c, workspaceID(c), r)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handler) apiUpdateResource(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if _, err := h.Booking.Resource(c.UserContext(), h.Pool, workspaceID(c), id); err != nil {
		return err
	}
	r, err := h.saveResource(c, id)
	if err != nil {
		return err
	}
	out, err := h.resourceJSON(c, workspaceID(c), r)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
