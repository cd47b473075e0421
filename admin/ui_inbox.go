package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/webui"
)

// threadView is what the thread pane shows.
type threadView struct {
	Conversation conversation.Conversation
	Messages     []conversation.Message
	Drafts       []conversation.Draft
	// Failed are replies approved but not delivered, for a person to follow up.
	Failed []conversation.Draft
	CSRF   string
	// Context is the sidebar of tracked fields.
	Context sidebar
}

func (h *Handler) loadThread(c *fiber.Ctx, id int64) (*threadView, error) {
	ws := workspaceID(c)
	conv, err := h.Conversations.Conversation(c.UserContext(), h.Pool, ws, id)
	if err != nil {
		return nil, err
	}
	msgs, err := h.Conversations.Messages(c.UserContext(), h.Pool, ws, id, 0, 500)
	if err != nil {
		return nil, err
	}
	drafts, err := h.Conversations.Drafts(c.UserContext(), h.Pool, ws, conversation.DraftFilter{Status: "pending", ConversationID: id})
	if err != nil {
		return nil, err
	}
	failed, err := h.Conversations.Drafts(c.UserContext(), h.Pool, ws, conversation.DraftFilter{Status: "failed", ConversationID: id, Limit: 5})
	if err != nil {
		return nil, err
	}
	sb, err := h.loadSidebar(c, ws, id)
	if err != nil {
		return nil, err
	}
	return &threadView{Conversation: conv, Messages: msgs, Drafts: drafts, Failed: failed, CSRF: c.Locals("csrf").(string), Context: sb}, nil //nolint:forcetypeassert // set by requireUser
}

// inboxSort is the list order the inbox was asked for.
func inboxSort(c *fiber.Ctx) string {
	switch s := c.Query("sort"); s {
	case "priority", "completion":
		return s
	}
	return "recent"
}

func (h *Handler) inbox(c *fiber.Ctx) error {
	var selected int64
	if id := c.Params("id"); id != "" {
		selected, _ = strconv.ParseInt(id, 10, 64)
	}
	return h.renderInbox(c, selected, nil)
}

// renderInbox shows the inbox with conversation selected (0: the first one), and
// thread when the caller loaded it already (with errors to show).
func (h *Handler) renderInbox(c *fiber.Ctx, selected int64, thread *threadView) error {
	ws := workspaceID(c)
	sort := inboxSort(c)
	convs, err := h.Conversations.SortedConversations(c.UserContext(), h.Pool, ws, 200, sort)
	if err != nil {
		return err
	}
	if selected == 0 && len(convs) > 0 {
		selected = convs[0].ID
	}
	if selected != 0 && thread == nil {
		if thread, err = h.loadThread(c, selected); err != nil {
			return err
		}
	}
	workspace, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "inbox.html", fiber.Map{
		"Title": "Inbox", "User": currentUser(c), "Workspace": workspace, "CSRF": c.Locals("csrf"),
		"Conversations": convs, "Selected": selected, "Thread": thread, "Nav": "inbox", "Sort": sort,
	})
}

func (h *Handler) conversationListPartial(c *fiber.Ctx) error {
	sort := inboxSort(c)
	convs, err := h.Conversations.SortedConversations(c.UserContext(), h.Pool, workspaceID(c), 200, sort)
	if err != nil {
		return err
	}
	selected, _ := strconv.ParseInt(c.Query("selected"), 10, 64)
	return h.pages.Render(c, "inbox.html#convlist", fiber.Map{"Conversations": convs, "Selected": selected, "Sort": sort})
}

func (h *Handler) threadPartial(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	thread, err := h.loadThread(c, id)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "inbox.html#thread", thread)
}

func (h *Handler) decide(c *fiber.Ctx, approve bool) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	u := currentUser(c)
	dec := conversation.Decision{WorkspaceID: u.WorkspaceID, DraftID: id, UserID: u.ID, Actor: u.Email}
	var d conversation.Draft
	var err error
	if approve {
		content := c.FormValue("content")
		dec.Content = &content
		d, err = h.Conversations.Approve(c.UserContext(), dec)
	} else {
		d, err = h.Conversations.Reject(c.UserContext(), dec)
	}
	if errors.Is(err, conversation.ErrDecided) {
		// Someone else decided first: show the thread as it now is.
		if d, err = h.Conversations.Draft(c.UserContext(), h.Pool, u.WorkspaceID, id); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	return c.Redirect("/admin/conversations/"+strconv.FormatInt(d.ConversationID, 10), fiber.StatusSeeOther)
}

func (h *Handler) approveDraft(c *fiber.Ctx) error { return h.decide(c, true) }
func (h *Handler) rejectDraft(c *fiber.Ctx) error  { return h.decide(c, false) }

func (h *Handler) events(c *fiber.Ctx) error {
	return webui.Stream(c, h.Hub, workspaceID(c), func(live.Event) bool { return true }, h.Done)
}
