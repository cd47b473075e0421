package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Past versions of the context schema: each save makes one, and a conversation keeps the
// version it was filled under, so the owner can read what any of them asked for.

// contextVersionPage shows one saved version read-only.
func (h *Handler) contextVersionPage(c *fiber.Ctx) error {
	ws := workspaceID(c)
	n, _ := strconv.Atoi(c.Params("version"))
	v, err := h.Context.Version(c.UserContext(), h.Pool, ws, n)
	if err != nil {
		return contextErr(err)
	}
	cur, err := h.Context.Current(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	versions, err := h.Context.Versions(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	by := ""
	for _, x := range versions {
		if x.Number == n {
			by = x.CreatedByName
		}
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "context_version.html", fiber.Map{
		"Title": "Context fields, version " + strconv.Itoa(n), "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"),
		"Nav": "context", "V": v, "By": by, "Current": cur.Number, "Rows": rowsOf(v.Schema), "Priority": priorityText(v.Schema),
	})
}

// apiSchemaVersion returns one saved version.
func (h *Handler) apiSchemaVersion(c *fiber.Ctx) error {
	n, _ := strconv.Atoi(c.Params("version"))
	v, err := h.Context.Version(c.UserContext(), h.Pool, workspaceID(c), n)
	if err != nil {
		return contextErr(err)
	}
	return c.JSON(v)
}
