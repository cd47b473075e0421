package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

func (h *Handler) notificationsPage(c *fiber.Ctx) error {
	ws := workspaceID(c)
	list, err := h.Conversations.Notifications(c.UserContext(), h.Pool, ws, currentUser(c).ID, 200)
	if err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "notifications.html", fiber.Map{
		"Title": "Notifications", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"),
		"Nav": "notifications", "Notifications": list,
	})
}

func (h *Handler) unreadCount(c *fiber.Ctx) error {
	n, err := h.Conversations.UnreadNotifications(c.UserContext(), h.Pool, workspaceID(c), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": n})
}

// markRead marks one notification read (and opens its conversation), or all of them.
func (h *Handler) markRead(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.FormValue("id", "0"), 10, 64)
	if err := h.Conversations.MarkRead(c.UserContext(), workspaceID(c), currentUser(c).ID, id); err != nil {
		return err
	}
	if conv := c.FormValue("conversation_id"); conv != "" && conv != "0" {
		return c.Redirect("/admin/conversations/"+conv, fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/notifications", fiber.StatusSeeOther)
}
