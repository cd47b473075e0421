package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation"
)

type portalLinkBody struct {
	ContactPhone string `json:"contact_phone"`
	ContactName  string `json:"contact_name"`
}

func (h *Handler) apiCreatePortalLink(c *fiber.Ctx) error {
	var b portalLinkBody
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"contact_phone": "+14155550100", "contact_name": "Jane"}`)
	}
	link, err := h.createPortalLink(c.UserContext(), workspaceID(c), b.ContactPhone, b.ContactName)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(link)
}

func queryInt(c *fiber.Ctx, name string, def, max int64) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, fiber.NewError(fiber.StatusBadRequest, name+" must be a whole number from 0 to "+strconv.FormatInt(max, 10))
	}
	return n, nil
}

func (h *Handler) apiConversations(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 50, 500)
	if err != nil {
		return err
	}
	sort := c.Query("sort", "recent")
	if sort != "recent" && sort != "priority" && sort != "completion" {
		return fiber.NewError(fiber.StatusUnprocessableEntity, "sort must be recent, priority or completion")
	}
	convs, err := h.Conversations.SortedConversations(c.UserContext(), h.Pool, workspaceID(c), int(limit), sort)
	if err != nil {
		return err
	}
	if convs == nil {
		convs = []conversation.Conversation{}
	}
	return c.JSON(fiber.Map{"conversations": convs})
}

func (h *Handler) apiMessages(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	after, err := queryInt(c, "after", 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 200, 1000)
	if err != nil {
		return err
	}
	msgs, err := h.Conversations.Messages(c.UserContext(), h.Pool, workspaceID(c), id, after, int(limit))
	if err != nil {
		return err
	}
	if msgs == nil {
		msgs = []conversation.Message{}
	}
	return c.JSON(fiber.Map{"messages": msgs})
}

var draftStatuses = map[string]bool{"": true, "pending": true, "approved": true, "edited": true, "rejected": true, //nolint:gochecknoglobals // read-only table
	"superseded": true, "sending": true, "sent": true, "failed": true}

func (h *Handler) apiDrafts(c *fiber.Ctx) error {
	status := c.Query("status")
	if !draftStatuses[status] {
		return fiber.NewError(fiber.StatusBadRequest, "status must be one of pending, approved, edited, rejected, superseded, sending, sent, failed")
	}
	limit, err := queryInt(c, "limit", 100, 500)
	if err != nil {
		return err
	}
	drafts, err := h.Conversations.Drafts(c.UserContext(), h.Pool, workspaceID(c), conversation.DraftFilter{Status: status, Limit: int(limit)})
	if err != nil {
		return err
	}
	if drafts == nil {
		drafts = []conversation.Draft{}
	}
	return c.JSON(fiber.Map{"drafts": drafts})
}

type approveBody struct {
	Content *string `json:"content"`
}

func (h *Handler) apiApprove(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	var b approveBody
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&b); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, `the body must be empty or JSON like {"content": "edited reply"}`)
		}
	}
	d, err := h.Conversations.Approve(c.UserContext(), conversation.Decision{WorkspaceID: workspaceID(c), DraftID: id, Content: b.Content, Actor: "api"})
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handler) apiReject(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	d, err := h.Conversations.Reject(c.UserContext(), conversation.Decision{WorkspaceID: workspaceID(c), DraftID: id, Actor: "api"})
	if err != nil {
		return err
	}
	return c.JSON(d)
}
