package admin

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

func (h *Handler) loginPage(c *fiber.Ctx) error {
	return h.pages.Render(c, "login.html", fiber.Map{"Title": "Sign in", "Next": safeNext(c.Query("next"))})
}

func (h *Handler) login(c *fiber.Ctx) error {
	email, next := strings.TrimSpace(c.FormValue("email")), safeNext(c.FormValue("next"))
	ctx := c.UserContext()
	wait, err := h.Accounts.LoginLockedFor(ctx, h.Pool, email)
	if err != nil {
		return err
	}
	if wait > 0 {
		return h.lockedOut(c, email, next, wait)
	}
	u, err := h.Accounts.Authenticate(ctx, h.Pool, email, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		if wait, err = h.Accounts.RecordLoginFailure(ctx, h.Pool, email); err != nil {
			return err
		}
		h.Log.WarnContext(ctx, "failed sign-in", "email", email, "ip", c.IP(), "locked_for_s", int(wait.Seconds()))
		if wait > 0 {
			return h.lockedOut(c, email, next, wait)
		}
		c.Status(fiber.StatusUnauthorized)
		return h.pages.Render(c, "login.html", fiber.Map{"Title": "Sign in", "Email": email, "Next": next, "Error": ErrBadCredentials.Error()})
	}
	if err != nil {
		return err
	}
	if err := h.Accounts.ClearLoginFailures(ctx, h.Pool, email); err != nil {
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

// lockedOut answers a sign-in to a locked address: 429, with when to try again.
func (h *Handler) lockedOut(c *fiber.Ctx, email, next string, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	c.Status(fiber.StatusTooManyRequests)
	msg := fmt.Sprintf("Too many wrong passwords for this address: try again in %s.", (time.Duration(secs) * time.Second).String())
	return h.pages.Render(c, "login.html", fiber.Map{"Title": "Sign in", "Email": email, "Next": next, "Error": msg})
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
