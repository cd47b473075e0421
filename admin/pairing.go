package admin

import (
	"context"
	"errors"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/whatsapp"
)

// Pairer links a phone to a WhatsApp account by QR code.
type Pairer interface {
	Pair(ctx context.Context, ws, id int64) error
	QR(ws, id int64) (code, status string, err error)
}

// pairingState is what the pairing page and API show.
type pairingState struct {
	Status string `json:"status"`
	// Code is what the QR encodes; QR is it as a PNG data URL.
	Code string       `json:"code,omitempty"`
	QR   template.URL `json:"qr_png,omitempty"`
	// AccountStatus is the account's own: active once paired.
	AccountStatus string `json:"account_status"`
	LastError     string `json:"last_error,omitempty"`
}

func (h *Handler) pairingState(c *fiber.Ctx) (accounts.Account, pairingState, error) {
	ws := workspaceID(c)
	id, _ := c.ParamsInt("id")
	a, _, err := h.Channels.Get(c.UserContext(), h.Pool, ws, int64(id))
	if err != nil {
		return a, pairingState{}, err
	}
	if a.Kind != accounts.WhatsApp {
		return a, pairingState{}, fiber.NewError(fiber.StatusNotFound, "only WhatsApp accounts are paired by QR code")
	}
	st := pairingState{AccountStatus: a.Status, LastError: a.LastError, Status: "not_started"}
	if h.Pairing == nil {
		return a, st, nil
	}
	code, status, err := h.Pairing.QR(ws, a.ID)
	switch {
	case errors.Is(err, whatsapp.ErrNotPairing):
		if a.Status == "active" {
			st.Status = whatsapp.PairPaired
		}
	case err != nil:
		return a, st, err
	default:
		st.Status, st.Code = status, code
	}
	if st.Code != "" {
		if st.QR, err = qrDataURL(st.Code); err != nil {
			return a, st, err
		}
	}
	return a, st, nil
}

func (h *Handler) apiPairing(c *fiber.Ctx) error {
	_, st, err := h.pairingState(c)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handler) pairingPage(c *fiber.Ctx) error {
	a, st, err := h.pairingState(c)
	if err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	return h.pages.Render(c, "pairing.html", fiber.Map{
		"Title": "Pair WhatsApp", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "channels",
		"Account": a, "State": st,
	})
}

// pairAgain starts a new pairing session (after the codes ran out, or to link another phone).
func (h *Handler) pairAgain(c *fiber.Ctx) error {
	id, _ := c.ParamsInt("id")
	if h.Pairing == nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, "WhatsApp is not available on this server")
	}
	err := h.Pairing.Pair(c.UserContext(), workspaceID(c), int64(id))
	switch {
	case errors.Is(err, whatsapp.ErrPaired):
		return fiber.NewError(fiber.StatusConflict, "this account is already linked to a phone")
	case errors.Is(err, whatsapp.ErrBusy):
		return fiber.NewError(fiber.StatusConflict, "another server is pairing or running this account; try again in a minute")
	case err != nil:
		return err
	}
	return c.Redirect("/admin/channels/"+c.Params("id")+"/pairing", fiber.StatusSeeOther)
}
