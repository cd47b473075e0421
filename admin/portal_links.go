package admin

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
)

// PortalLink is a signed-in chat link for one contact.
type PortalLink struct {
	URL       string `json:"url"`
	Token     string `json:"token"`
	ContactID int64  `json:"contact_id"`
}

// createPortalLink finds or creates the contact by phone and makes a link for them.
func (h *Handler) createPortalLink(ctx context.Context, ws int64, rawPhone, name string) (PortalLink, error) {
	w, err := h.Conversations.Workspace(ctx, h.Pool, ws)
	if err != nil {
		return PortalLink{}, err
	}
	phone, err := channels.NormalizePhone(rawPhone, w.PhoneRegion)
	if err != nil {
		return PortalLink{}, err
	}
	if len(name) > 200 {
		return PortalLink{}, fmt.Errorf("%w: contact_name must be at most 200 characters", ErrInvalidInput)
	}
	contactID, err := h.Conversations.UpsertContact(ctx, h.Pool, ws, phone, strings.TrimSpace(name), channels.Portal)
	if err != nil {
		return PortalLink{}, err
	}
	token, err := h.Portal.CreateLink(ctx, h.Pool, ws, contactID, h.PortalLinkTTL)
	if err != nil {
		return PortalLink{}, err
	}
	return PortalLink{URL: h.BaseURL + "/p/" + token, Token: token, ContactID: contactID}, nil
}

// qrDataURL renders a URL as a QR code image for an <img src>. The data URL is built
// here from PNG bytes, so it is safe to mark as a trusted URL for the template.
func qrDataURL(url string) (template.URL, error) {
	png, err := qrcode.Encode(url, qrcode.Medium, 256)
	if err != nil {
		return "", fmt.Errorf("admin: qr code: %w", err)
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil //nolint:gosec // built from our own PNG bytes
}

func (h *Handler) renderPortalLinks(c *fiber.Ctx, data fiber.Map) error {
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	public := h.BaseURL + "/w/" + w.Slug
	publicQR, err := qrDataURL(public)
	if err != nil {
		return err
	}
	data["Title"], data["User"], data["Workspace"], data["CSRF"], data["Nav"] = "Portal links", currentUser(c), w, c.Locals("csrf"), "portal"
	data["PublicURL"], data["PublicQR"] = public, publicQR
	return h.pages.Render(c, "portal_links.html", data)
}

func (h *Handler) portalLinksPage(c *fiber.Ctx) error {
	return h.renderPortalLinks(c, fiber.Map{})
}

func (h *Handler) createPortalLinkUI(c *fiber.Ctx) error {
	phone, name := c.FormValue("contact_phone"), c.FormValue("contact_name")
	link, err := h.createPortalLink(c.UserContext(), workspaceID(c), phone, name)
	if err != nil {
		if statusOf(err) == fiber.StatusUnprocessableEntity {
			c.Status(fiber.StatusUnprocessableEntity)
			return h.renderPortalLinks(c, fiber.Map{"Phone": phone, "Name": name, "Errors": conversation.ValidationError{"contact_phone": messageOf(err)}})
		}
		return err
	}
	qr, err := qrDataURL(link.URL)
	if err != nil {
		return err
	}
	return h.renderPortalLinks(c, fiber.Map{"Link": link, "LinkQR": qr, "Name": name, "Phone": phone})
}
