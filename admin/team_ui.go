package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// InviteMailer sends an invitation e-mail; Options.InviteMail may be nil, and the link is
// always shown to copy as well.
type InviteMailer func(ctx context.Context, to, subject, text string) error

func (h *Handler) registerTeam(app *fiber.App, ui fiber.Router) {
	ui.Get("/settings/team", h.teamPage)
	ui.Post("/settings/team/invites", h.inviteUI)
	ui.Post("/settings/team/invites/:id<int>/revoke", h.revokeInviteUI)
	ui.Post("/settings/team/members/:id<int>/role", h.setRoleUI)
	ui.Post("/settings/team/members/:id<int>/remove", h.removeMemberUI)

	app.Get("/api/v1/team", h.requireToken, h.apiTeam)
	app.Post("/api/v1/team/invites", h.requireToken, h.apiInvite)
	app.Delete("/api/v1/team/invites/:id<int>", h.requireToken, h.apiRevokeInvite)
	app.Patch("/api/v1/team/members/:id<int>", h.requireToken, h.apiSetRole)
	app.Delete("/api/v1/team/members/:id<int>", h.requireToken, h.apiRemoveMember)
}

// teamView is what the team page shows; Link and Mailed after an invitation is made.
type teamView struct {
	Members []Member
	Invites []Invite
	Link    string
	Mailed  string
	Email   string
	Role    string
	Errors  validation.Error
	Flash   string
}

func (h *Handler) renderTeam(c *fiber.Ctx, v teamView) error {
	ctx, ws := c.UserContext(), workspaceID(c)
	var err error
	if v.Members, err = h.Accounts.Members(ctx, h.Pool, ws); err != nil {
		return err
	}
	if v.Invites, err = h.Accounts.Invites(ctx, h.Pool, ws); err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(ctx, h.Pool, ws)
	if err != nil {
		return err
	}
	if v.Role == "" {
		v.Role = RoleStaff
	}
	return h.pages.Render(c, "team.html", fiber.Map{
		"Title": "Team", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "settings",
		"Team": v, "Roles": []string{RoleStaff, RoleOwner},
	})
}

func (h *Handler) teamPage(c *fiber.Ctx) error {
	return h.renderTeam(c, teamView{Flash: c.Query("done")})
}

// invite makes an invitation, e-mails it when a mailer is set, and returns the link.
func (h *Handler) invite(c *fiber.Ctx, email, role string) (Invite, string, string, error) {
	u, ok := c.Locals("user").(User)
	var by int64
	if ok {
		by = u.ID
	}
	inv, token, err := h.Accounts.CreateInvite(c.UserContext(), h.Pool, workspaceID(c), by, email, role)
	if err != nil {
		return Invite{}, "", "", err
	}
	link := h.BaseURL + "/admin/invite/" + token
	mailed := "not sent: no mail server is set up, so send the link yourself"
	if h.InviteMail != nil {
		w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
		if err != nil {
			return Invite{}, "", "", err
		}
		text := fmt.Sprintf("You have been invited to join %s on frontdesk as %s.\n\nOpen this link to choose your name and password:\n%s\n\nThe link works until %s.\n",
			w.Name, inv.Role, link, inv.ExpiresAt.Format(time.RFC1123))
		if err := h.InviteMail(c.UserContext(), inv.Email, "You are invited to "+w.Name+" on frontdesk", text); err != nil {
			h.Log.WarnContext(c.UserContext(), "invite e-mail failed", "invite_id", inv.ID, "error", err)
			mailed = "could not be sent (" + messageOf(err) + "), so send the link yourself"
		} else {
			mailed = "sent to " + inv.Email
		}
	}
	return inv, link, mailed, nil
}

func (h *Handler) inviteUI(c *fiber.Ctx) error {
	email, role := c.FormValue("email"), c.FormValue("role")
	_, link, mailed, err := h.invite(c, email, role)
	var bad validation.Error
	if errors.As(err, &bad) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTeam(c, teamView{Email: email, Role: role, Errors: bad})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderTeam(c, teamView{Link: link, Mailed: mailed})
}

func (h *Handler) revokeInviteUI(c *fiber.Ctx) error {
	if err := h.Accounts.RevokeInvite(c.UserContext(), h.Pool, workspaceID(c), paramID(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/settings/team?done=Invitation+revoked.", fiber.StatusSeeOther)
}

// teamChangeUI shows the page again with a refused change (one that would leave no
// owner, or a bad role) next to the list, or goes back to it with done.
func (h *Handler) teamChangeUI(c *fiber.Ctx, err error, done string) error {
	var bad validation.Error
	if errors.Is(err, ErrLastOwner) || errors.As(err, &bad) {
		c.Status(fiber.StatusConflict)
		return h.renderTeam(c, teamView{Flash: messageOf(err)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/settings/team?done="+done, fiber.StatusSeeOther)
}

func (h *Handler) setRoleUI(c *fiber.Ctx) error {
	err := h.Accounts.SetRole(c.UserContext(), h.Pool, workspaceID(c), paramID(c), c.FormValue("role"))
	return h.teamChangeUI(c, err, "Role+changed.")
}

func (h *Handler) removeMemberUI(c *fiber.Ctx) error {
	id := paramID(c)
	err := h.Accounts.RemoveMember(c.UserContext(), h.Pool, workspaceID(c), id)
	if err == nil && id == currentUser(c).ID {
		// An owner who removed themselves has no session left.
		c.ClearCookie(sessionCookie)
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	return h.teamChangeUI(c, err, "Member+removed.")
}

type inviteBody struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (h *Handler) apiTeam(c *fiber.Ctx) error {
	members, err := h.Accounts.Members(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	invites, err := h.Accounts.Invites(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	if invites == nil {
		invites = []Invite{}
	}
	return c.JSON(fiber.Map{"members": members, "invites": invites})
}

func (h *Handler) apiInvite(c *fiber.Ctx) error {
	var b inviteBody
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"email": "sam@example.com", "role": "staff"}`)
	}
	inv, link, mailed, err := h.invite(c, b.Email, b.Role)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"invite": inv, "url": link, "email": mailed})
}

func (h *Handler) apiRevokeInvite(c *fiber.Ctx) error {
	if err := h.Accounts.RevokeInvite(c.UserContext(), h.Pool, workspaceID(c), paramID(c)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"revoked": paramID(c)})
}

func (h *Handler) apiSetRole(c *fiber.Ctx) error {
	var b struct {
		Role string `json:"role"`
	}
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"role": "owner"}`)
	}
	if err := h.Accounts.SetRole(c.UserContext(), h.Pool, workspaceID(c), paramID(c), b.Role); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": paramID(c), "role": b.Role})
}

func (h *Handler) apiRemoveMember(c *fiber.Ctx) error {
	if err := h.Accounts.RemoveMember(c.UserContext(), h.Pool, workspaceID(c), paramID(c)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"removed": paramID(c)})
}
