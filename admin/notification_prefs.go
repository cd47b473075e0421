package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/internal/mail"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// Each user chooses which notifications reach them by e-mail, on their own page and
// through the API (for the user an API token names with ?user_id=, or the first owner).

type prefsView struct {
	notifymail.Preferences
	Errors validation.Error
	Saved  bool
	// TestTo is where a test e-mail went; TestError is why it did not.
	TestTo, TestError string
}

func (h *Handler) renderNotificationPrefs(c *fiber.Ctx, v prefsView) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	failures, err := h.Mail.Failures(c.UserContext(), h.Pool, w.ID, currentUser(c).ID, 5)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "notification_settings.html", fiber.Map{
		"Failures": failures,
		"Title":    "E-mail notifications", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "notifications",
		"Kinds": notifymail.Kinds(), "Prefs": v.Preferences, "Errors": v.Errors, "Saved": v.Saved,
		"TestTo": v.TestTo, "TestError": v.TestError, "MailOn": h.Mail.Enabled(),
	})
}

func (h *Handler) notificationPrefsPage(c *fiber.Ctx) error {
	u := currentUser(c)
	p, err := h.Mail.Get(c.UserContext(), h.Pool, u.WorkspaceID, u.ID)
	if err != nil {
		return err
	}
	return h.renderNotificationPrefs(c, prefsView{Preferences: p, Saved: c.Query("saved") == "1"})
}

func (h *Handler) saveNotificationPrefs(c *fiber.Ctx) error {
	u := currentUser(c)
	p := notifymail.Preferences{Kinds: map[string]bool{}, QuietStart: c.FormValue("quiet_start"), QuietEnd: c.FormValue("quiet_end")}
	if c.FormValue("quiet") != "on" {
		p.QuietStart, p.QuietEnd = "", ""
	}
	for _, k := range notifymail.Kinds() {
		p.Kinds[k.Key] = c.FormValue("email_"+k.Key) == "on"
	}
	err := h.Mail.Save(c.UserContext(), h.Pool, u.WorkspaceID, u.ID, p)
	var bad validation.Error
	if errors.As(err, &bad) {
		cur, gerr := h.Mail.Get(c.UserContext(), h.Pool, u.WorkspaceID, u.ID)
		if gerr != nil {
			return gerr
		}
		cur.Kinds, cur.QuietStart, cur.QuietEnd = p.Kinds, c.FormValue("quiet_start"), c.FormValue("quiet_end")
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderNotificationPrefs(c, prefsView{Preferences: cur, Errors: bad})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/settings/notifications?saved=1", fiber.StatusSeeOther)
}

// testNotificationEmail mails the signed-in user now and shows the server's answer.
func (h *Handler) testNotificationEmail(c *fiber.Ctx) error {
	u := currentUser(c)
	p, err := h.Mail.Get(c.UserContext(), h.Pool, u.WorkspaceID, u.ID)
	if err != nil {
		return err
	}
	v := prefsView{Preferences: p}
	to, err := h.Mail.SendTest(c.UserContext(), h.Pool, u.WorkspaceID, u.ID)
	switch {
	case errors.Is(err, notifymail.ErrNotConfigured):
		v.TestError = "No SMTP server is configured: set FRONTDESK_SMTP_URL and FRONTDESK_MAIL_FROM and restart."
		c.Status(fiber.StatusServiceUnavailable)
	case err != nil:
		v.TestError = "The mail server did not take it: " + mail.Describe(err)
		c.Status(fiber.StatusBadGateway)
	default:
		v.TestTo = to
	}
	return h.renderNotificationPrefs(c, v)
}

// apiUser is the user named by ?user_id=, or the workspace's first owner.
func (h *Handler) apiUser(c *fiber.Ctx) (int64, error) {
	if raw := c.Query("user_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			return 0, validation.Error{"user_id": "must be a user's id"}
		}
		return id, nil
	}
	return h.Mail.DefaultUser(c.UserContext(), h.Pool, workspaceID(c))
}

func (h *Handler) apiNotificationPrefs(c *fiber.Ctx) error {
	id, err := h.apiUser(c)
	if err != nil {
		return err
	}
	p, err := h.Mail.Get(c.UserContext(), h.Pool, workspaceID(c), id)
	if err != nil {
		return err
	}
	failures, err := h.Mail.Failures(c.UserContext(), h.Pool, workspaceID(c), id, 20)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"preferences": p, "kinds": notifymail.Kinds(), "email_enabled": h.Mail.Enabled(), "failures": failures})
}

func (h *Handler) apiSaveNotificationPrefs(c *fiber.Ctx) error {
	id, err := h.apiUser(c)
	if err != nil {
		return err
	}
	var p notifymail.Preferences
	if err := c.BodyParser(&p); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body must be JSON: {\"email\": {\"handoff\": true}, \"quiet_start\": \"22:00\", \"quiet_end\": \"07:00\"}")
	}
	if err := h.Mail.Save(c.UserContext(), h.Pool, workspaceID(c), id, p); err != nil {
		return err
	}
	return h.apiNotificationPrefs(c)
}

// The bell's list and its mark read, for API clients.

func (h *Handler) apiNotifications(c *fiber.Ctx) error {
	limit := c.QueryInt("limit", 50)
	if limit < 1 || limit > 500 {
		return validation.Error{"limit": "must be between 1 and 500"}
	}
	// An API token belongs to the workspace, not to a member: it sees the team's
	// notifications, not those addressed to one person.
	ws := workspaceID(c)
	list, err := h.Conversations.Notifications(c.UserContext(), h.Pool, ws, 0, limit)
	if err != nil {
		return err
	}
	unread, err := h.Conversations.UnreadNotifications(c.UserContext(), h.Pool, ws, 0)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notifications": list, "unread": unread})
}

func (h *Handler) apiMarkRead(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id < 1 {
		return fiber.NewError(fiber.StatusNotFound, "no such notification")
	}
	ok, err := h.Conversations.MarkOneRead(c.UserContext(), workspaceID(c), int64(id))
	if err != nil {
		return err
	}
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "no such notification")
	}
	return c.JSON(fiber.Map{"id": id, "read": true})
}

func (h *Handler) apiMarkAllRead(c *fiber.Ctx) error {
	ws := workspaceID(c)
	if err := h.Conversations.MarkRead(c.UserContext(), ws, 0, 0); err != nil {
		return err
	}
	unread, err := h.Conversations.UnreadNotifications(c.UserContext(), h.Pool, ws, 0)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": unread})
}
