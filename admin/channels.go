package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/internal/webui"
	"github.com/frontdesk/frontdesk/knowledge"
)

// ChannelView is an account as the owner sees it: never its secrets.
type ChannelView struct {
	accounts.Account
	// WebhookURL is what to paste into the provider's console (empty when there is none).
	WebhookURL string `json:"webhook_url,omitempty"`
}

func (h *Handler) channelView(a accounts.Account) ChannelView {
	v := ChannelView{Account: a}
	switch a.Kind {
	case accounts.Twilio:
		v.WebhookURL = h.BaseURL + "/webhooks/twilio/" + strconv.FormatInt(a.ID, 10)
	case accounts.Telegram:
		v.WebhookURL = h.BaseURL + "/webhooks/telegram/" + strconv.FormatInt(a.ID, 10)
	}
	return v
}

// addChannel checks and stores a new account, then lets its channel connect (Telegram
// registers its webhook, WhatsApp starts pairing).
func (h *Handler) addChannel(ctx context.Context, ws int64, in accounts.Input) (ChannelView, error) {
	w, err := h.Conversations.Workspace(ctx, h.Pool, ws)
	if err != nil {
		return ChannelView{}, err
	}
	a, c, err := accounts.Check(in, w.PhoneRegion)
	if err != nil {
		return ChannelView{}, err
	}
	a, err = h.Channels.Create(ctx, h.Pool, ws, a, c)
	if errors.Is(err, secret.ErrNoKey) {
		return ChannelView{}, fiber.NewError(fiber.StatusServiceUnavailable, err.Error())
	}
	if err != nil {
		return ChannelView{}, err
	}
	if h.ConnectChannel != nil {
		if err := h.ConnectChannel(ctx, a); err != nil {
			// The account is kept: the owner sees why it does not work yet and may retry.
			h.Log.Warn("channel account did not connect", "account_id", a.ID, "error", err)
			_ = h.Channels.SetStatus(ctx, h.Pool, ws, a.ID, "error", err.Error())
			a.Status, a.LastError = "error", err.Error()
		}
	}
	return h.channelView(a), nil
}

func (h *Handler) listChannels(ctx context.Context, ws int64) ([]ChannelView, error) {
	list, err := h.Channels.List(ctx, h.Pool, ws)
	if err != nil {
		return nil, err
	}
	out := make([]ChannelView, len(list))
	for i, a := range list {
		out[i] = h.channelView(a)
	}
	return out, nil
}

func (h *Handler) apiCreateChannel(c *fiber.Ctx) error {
	var in accounts.Input
	if err := c.BodyParser(&in); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "send a JSON object such as {\"kind\": \"telegram\", \"bot_token\": \"…\"}")
	}
	v, err := h.addChannel(c.UserContext(), workspaceID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *Handler) apiChannels(c *fiber.Ctx) error {
	list, err := h.listChannels(c.UserContext(), workspaceID(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"channels": list})
}

func (h *Handler) apiDeleteChannel(c *fiber.Ctx) error {
	id, _ := c.ParamsInt("id")
	if err := h.Channels.Delete(c.UserContext(), h.Pool, workspaceID(c), int64(id)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deleted": id})
}

func (h *Handler) renderChannels(c *fiber.Ctx, data fiber.Map) error {
	ws := workspaceID(c)
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	list, err := h.listChannels(c.UserContext(), ws)
	if err != nil {
		return err
	}
	data["Title"], data["User"], data["Workspace"], data["CSRF"], data["Nav"] = "Channels", currentUser(c), w, c.Locals("csrf"), "channels"
	data["Channels"] = list
	if _, ok := data["Kind"]; !ok {
		data["Kind"] = "twilio"
	}
	return h.pages.Render(c, "channels.html", data)
}

func (h *Handler) channelsPage(c *fiber.Ctx) error { return h.renderChannels(c, fiber.Map{}) }

func (h *Handler) addChannelUI(c *fiber.Ctx) error {
	var in accounts.Input
	if err := c.BodyParser(&in); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the form could not be read")
	}
	v, err := h.addChannel(c.UserContext(), workspaceID(c), in)
	if err != nil {
		var verr validation.Error
		if errors.As(err, &verr) {
			c.Status(fiber.StatusUnprocessableEntity)
			// Secrets are not echoed back into the form.
			in.AuthToken, in.BotToken = "", ""
			return h.renderChannels(c, fiber.Map{"Errors": verr, "Kind": string(in.Kind), "Form": in})
		}
		return err
	}
	if v.Kind == accounts.WhatsApp {
		return c.Redirect("/admin/channels/"+strconv.FormatInt(v.ID, 10)+"/pairing", fiber.StatusSeeOther)
	}
	return h.renderChannels(c, fiber.Map{"Added": v})
}

func (h *Handler) deleteChannelUI(c *fiber.Ctx) error {
	id, _ := c.ParamsInt("id")
	if err := h.Channels.Delete(c.UserContext(), h.Pool, workspaceID(c), int64(id)); err != nil {
		return err
	}
	return c.Redirect("/admin/channels", fiber.StatusSeeOther)
}

// attachment serves a file a customer sent, to the signed-in team of its workspace.
func (h *Handler) attachment(c *fiber.Ctx) error {
	id, _ := c.ParamsInt("id")
	r, a, err := h.Conversations.AttachmentFile(c.UserContext(), workspaceID(c), int64(id), 0)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	return webui.SendFile(c, r, a.FileName, a.ContentType, a.Size)
}

// attachmentToKnowledge adds a document a customer sent to the knowledge base: the
// owner's one click instead of downloading and uploading it again.
func (h *Handler) attachmentToKnowledge(c *fiber.Ctx) error {
	id, _ := c.ParamsInt("id")
	r, a, err := h.Conversations.AttachmentFile(c.UserContext(), workspaceID(c), int64(id), 0)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	limit := h.Knowledge.MaxUpload()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("admin: read attachment %d: %w", id, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("admin: %w: %s is over %d MB", knowledge.ErrTooLarge, a.FileName, limit>>20)
	}
	if _, err := h.Knowledge.Upload(c.UserContext(), h.Pool, workspaceID(c), knowledge.Upload{Filename: a.FileName, Data: data}); err != nil {
		return err
	}
	return c.Redirect("/admin/knowledge", fiber.StatusSeeOther)
}
