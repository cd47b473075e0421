package admin

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// The invitation link is public: the token in it is the credential. The form carries a
// CSRF token derived from the invitation token, like the session's forms.

func (h *Handler) invitePage(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := h.Accounts.InviteByToken(c.UserContext(), h.Pool, token)
	if err != nil {
		return h.inviteRefused(c, err)
	}
	return h.pages.Render(c, "invite.html", fiber.Map{"Title": "Join " + inv.Workspace, "Invite": inv,
		"CSRF": h.csrfToken("invite:" + token), "Token": token, "Errors": validation.Error(nil)})
}

func (h *Handler) acceptInvite(c *fiber.Ctx) error {
	token := c.Params("token")
	if c.FormValue("_csrf") != h.csrfToken("invite:"+token) {
		return fiber.NewError(fiber.StatusForbidden, "this form has expired; open the invitation link again")
	}
	name := c.FormValue("name")
	u, err := h.Accounts.AcceptInvite(c.UserContext(), h.Pool, token, name, c.FormValue("password"))
	var bad validation.Error
	if errors.As(err, &bad) || errors.Is(err, ErrInvalidInput) {
		inv, ierr := h.Accounts.InviteByToken(c.UserContext(), h.Pool, token)
		if ierr != nil {
			return h.inviteRefused(c, ierr)
		}
		if bad == nil {
			bad = validation.Error{"password": messageOf(err)}
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.pages.Render(c, "invite.html", fiber.Map{"Title": "Join " + inv.Workspace, "Invite": inv,
			"CSRF": h.csrfToken("invite:" + token), "Token": token, "Name": name, "Errors": bad})
	}
	if err != nil {
		return h.inviteRefused(c, err)
	}
	session, err := h.Accounts.CreateSession(c.UserContext(), h.Pool, u, h.SessionTTL)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: session, Path: "/", HTTPOnly: true, Secure: h.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(h.SessionTTL),
	})
	return c.Redirect("/admin", fiber.StatusSeeOther)
}

// inviteRefused explains a link that does not work (unknown, expired, used) on a page of
// its own; other errors go to the error handler.
func (h *Handler) inviteRefused(c *fiber.Ctx, err error) error {
	if !errors.Is(err, ErrInviteUnknown) && !errors.Is(err, ErrInviteExpired) && !errors.Is(err, ErrInviteUsed) {
		return err
	}
	c.Status(statusOf(err))
	return h.pages.Render(c, "invite.html", fiber.Map{"Title": "Invitation", "Refused": messageOf(err)})
}
