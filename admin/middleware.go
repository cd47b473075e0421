package admin

import (
	"crypto/subtle"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/tenant"
)

const sessionCookie = "fd_session"

func currentUser(c *fiber.Ctx) User { return c.Locals("user").(User) } //nolint:forcetypeassert // set by requireUser

func workspaceID(c *fiber.Ctx) int64 { return c.Locals("workspace").(int64) } //nolint:forcetypeassert // set by the auth middleware

// requireUser lets signed-in users through and sends everyone else to the login page.
func (h *Handler) requireUser(c *fiber.Ctx) error {
	u, err := h.Accounts.SessionUser(c.UserContext(), h.Pool, c.Cookies(sessionCookie))
	if err != nil {
		if err == ErrUnauthorized {
			if c.Method() == fiber.MethodGet && !strings.HasPrefix(c.Path(), "/admin/partials") && c.Path() != "/admin/events" {
				return c.Redirect("/admin/login?next="+c.OriginalURL(), fiber.StatusSeeOther)
			}
		}
		return err
	}
	c.Locals("user", u)
	c.Locals("workspace", u.WorkspaceID)
	c.Locals("csrf", h.csrfToken(c.Cookies(sessionCookie)))
	c.SetUserContext(tenant.With(withActor(c.UserContext(), u.Email), u.WorkspaceID))
	return h.guardRole(c, u.Role)
}

// checkCSRF refuses a state-changing form that was not rendered for this session.
func (h *Handler) checkCSRF(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	want := c.Locals("csrf").(string) //nolint:forcetypeassert // set by requireUser
	got := c.FormValue("_csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "this form has expired; reload the page and try again")
	}
	return c.Next()
}

// requireToken authenticates the JSON API by bearer API token.
func (h *Handler) requireToken(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return fiber.NewError(fiber.StatusUnauthorized, "send an API token as Authorization: Bearer <token>")
	}
	ws, role, err := h.Accounts.TokenWorkspace(c.UserContext(), h.Pool, strings.TrimSpace(token))
	if err != nil {
		return err
	}
	c.Locals("workspace", ws)
	c.SetUserContext(tenant.With(withActor(c.UserContext(), apiActor), ws))
	return h.guardRole(c, role)
}
