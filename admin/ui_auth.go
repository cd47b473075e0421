package admin

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

func (h *Handler) loginPage(c *fiber.Ctx) error {
	return h.pages.Render(c, "login.html", fiber.Map{"Title": "Sign in", "Next": safeNext(c.Query("next"))})
}

func (h *Handler) login(c *fiber.Ctx) error {
	email, next := c.FormValue("email"), safeNext(c.FormValue("next"))
	u, err := h.Accounts.Authenticate(c.UserContext(), h.Pool, email, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		c.Status(fiber.StatusUnauthorized)
		return h.pages.Render(c, "login.html", fiber.Map{"Title": "Sign in", "Email": email, "Next": next, "Error": err.Error()})
	}
	if err != nil {
		return err
	}
	token, err := h.Accounts.CreateSession(c.UserContext(), h.Pool, u, h.SessionTTL)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: h.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(h.SessionTTL),
	})
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.Accounts.EndSession(c.UserContext(), h.Pool, c.Cookies(sessionCookie)); err != nil {
		return err
	}
	c.ClearCookie(sessionCookie)
	return c.Redirect("/admin/login", fiber.StatusSeeOther)
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/admin"
	}
	return next
}
