package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal"
)

// googleView is the Google Calendar card of the calendar page.
type googleView struct {
	Available bool   // frontdesk was built with Google Calendar wired in
	NotReady  string // why connecting is not possible yet, for the owner
	Connected bool
	Conn      gcal.Connection
	Redirect  string
	// Unreadable are the staff's and rooms' own calendars Google would not read (Since
	// in the workspace's time zone).
	Unreadable []gcal.UnreadableCalendar
}

func (h *Handler) googleView(c *fiber.Ctx, loc *time.Location) (googleView, error) {
	if h.Google == nil {
		return googleView{}, nil
	}
	v := googleView{Available: true, Redirect: h.Google.RedirectURL()}
	switch err := h.Google.Ready(); {
	case errors.Is(err, gcal.ErrNotConfigured):
		v.NotReady = "To connect Google Calendar, create an OAuth client (web application) in the Google Cloud console, " +
			"add " + v.Redirect + " as an authorised redirect URI, and start frontdesk with GOOGLE_CLIENT_ID and " +
			"GOOGLE_CLIENT_SECRET set (and FRONTDESK_BASE_URL set to this server's public address)."
	case err != nil:
		v.NotReady = "Set FRONTDESK_SECRET_KEY (32 characters or more) and restart: the calendar's token is stored encrypted with it."
	}
	conn, err := h.Google.Connection(c.UserContext(), workspaceID(c))
	switch {
	case errors.Is(err, gcal.ErrNotConnected):
		return v, nil
	case err != nil:
		return v, err
	}
	v.Connected, v.Conn = true, conn
	v.Unreadable, err = h.unreadableCalendars(c, loc)
	return v, err
}

// unreadableCalendars lists the resources' own calendars Google would not read, with
// Since in loc; none without Google Calendar.
func (h *Handler) unreadableCalendars(c *fiber.Ctx, loc *time.Location) ([]gcal.UnreadableCalendar, error) {
	if h.Google == nil {
		return nil, nil
	}
	list, err := h.Google.UnreadableCalendars(c.UserContext(), workspaceID(c))
	for i := range list {
		list[i].Since = list[i].Since.In(loc)
	}
	return list, err
}

// unreadableOf is the resource's own calendar in list, or nil when it was read.
func unreadableOf(list []gcal.UnreadableCalendar, resource int64) *gcal.UnreadableCalendar {
	for i := range list {
		if list[i].ResourceID == resource {
			return &list[i]
		}
	}
	return nil
}

// oauthState binds an OAuth round trip to the session that started it, so a callback
// forged for another browser is refused.
func (h *Handler) oauthState(c *fiber.Ctx) string {
	m := hmac.New(sha256.New, h.SecretKey)
	m.Write([]byte("google-oauth:" + c.Cookies(sessionCookie)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (h *Handler) requireGoogle(c *fiber.Ctx) error {
	if err := h.requireOwner(c); err != nil {
		return err
	}
	if h.Google == nil {
		return fiber.NewError(fiber.StatusNotFound, "Google Calendar is not available in this build")
	}
	return nil
}

func (h *Handler) googleConnect(c *fiber.Ctx) error {
	if err := h.requireGoogle(c); err != nil {
		return err
	}
	if err := h.Google.Ready(); err != nil {
		return fiber.NewError(fiber.StatusConflict, err.Error())
	}
	return c.Redirect(h.Google.AuthCodeURL(h.oauthState(c)), fiber.StatusSeeOther)
}

func (h *Handler) googleCallback(c *fiber.Ctx) error {
	if err := h.requireGoogle(c); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(h.oauthState(c))) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "this Google sign-in was not started from your session; connect again from the calendar page")
	}
	if e := c.Query("error"); e != "" {
		return fiber.NewError(fiber.StatusBadRequest, "Google did not grant access ("+e+"); connect again to retry")
	}
	if err := h.Google.Connect(c.UserContext(), workspaceID(c), c.Query("code"), ""); err != nil {
		return fiber.NewError(fiber.StatusBadGateway, "could not connect Google Calendar: "+err.Error())
	}
	return c.Redirect("/admin/calendar?saved=google", fiber.StatusSeeOther)
}

func (h *Handler) googleSetCalendar(c *fiber.Ctx) error {
	if err := h.requireGoogle(c); err != nil {
		return err
	}
	id := strings.TrimSpace(c.FormValue("calendar_id"))
	if len(id) > 300 {
		return h.refused(c, booking.ValidationError{"calendar_id": "at most 300 characters, such as you@example.com or primary"}, calendarView{})
	}
	err := h.Google.SetCalendar(c.UserContext(), workspaceID(c), id)
	if errors.Is(err, gcal.ErrNotConnected) {
		return fiber.NewError(fiber.StatusConflict, "connect Google Calendar first")
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/calendar?saved=google", fiber.StatusSeeOther)
}

func (h *Handler) googleDisconnect(c *fiber.Ctx) error {
	if err := h.requireGoogle(c); err != nil {
		return err
	}
	if err := h.Google.Disconnect(c.UserContext(), workspaceID(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/calendar?saved=google-off", fiber.StatusSeeOther)
}
