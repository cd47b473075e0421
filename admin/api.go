package admin

import (
	"strconv"
	"strings"

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
	f := conversation.ConversationFilter{Limit: int(limit), Sort: sort}
	switch a := c.Query("assigned"); a {
	case "":
	case "none":
		f.Unassigned = true
	default:
		if f.AssignedTo, err = strconv.ParseInt(a, 10, 64); err != nil || f.AssignedTo <= 0 {
			return fiber.NewError(fiber.StatusBadRequest, "assigned must be none or a member's id")
		}
	}
	convs, err := h.Conversations.ConversationsFor(c.UserContext(), h.Pool, workspaceID(c), f)
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

// apiApprove approves a draft. The body is empty, JSON ({"content": "edited reply"}),
// or multipart/form-data with an optional "content" field and up to five "file" fields
// that go out with the reply.
func (h *Handler) apiApprove(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	var b approveBody
	files, remove, err := h.replyFiles(c)
	if err != nil {
		return err
	}
	switch {
	case files != nil || strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm):
		if v := c.FormValue("content"); v != "" {
			b.Content = &v
		}
	case len(c.Body()) > 0:
		if err := c.BodyParser(&b); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, `the body must be empty, JSON like {"content": "edited reply"}, or multipart/form-data with "content" and "file" fields`)
		}
	}
	d, err := h.Conversations.Approve(c.UserContext(), conversation.Decision{WorkspaceID: workspaceID(c), DraftID: id, Content: b.Content, Actor: "api", Files: files})
	if err != nil {
		remove()
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

type assignBody struct {
	UserID *int64 `json:"user_id"`
}

// apiAssign assigns a conversation: {"user_id": 7}, or {"user_id": 0} for nobody.
func (h *Handler) apiAssign(c *fiber.Ctx) error {
	var b assignBody
	if err := c.BodyParser(&b); err != nil || b.UserID == nil {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"user_id": 7}, or {"user_id": 0} to unassign`)
	}
	conv, err := h.Conversations.Assign(c.UserContext(), conversation.Assignment{WorkspaceID: workspaceID(c),
		ConversationID: paramID(c), UserID: *b.UserID, Actor: apiActor})
	if err != nil {
		return err
	}
	return c.JSON(conv)
}
