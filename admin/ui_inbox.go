package admin

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/webui"
	"github.com/frontdesk/frontdesk/rules"
)

// threadView is what the thread pane shows.
type threadView struct {
	Conversation conversation.Conversation
	Messages     []conversation.Message
	Drafts       []conversation.Draft
	// Failed are replies approved but not delivered, for a person to follow up.
	Failed []conversation.Draft
	CSRF   string
	// Members are who the conversation can be assigned to.
	Members []Member
	// Status is the conversation's place in the workflow, with the moves open to it.
	Status rules.StatusView
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
	members, err := h.Accounts.Members(c.UserContext(), h.Pool, ws)
	if err != nil {
		return nil, err
	}
	status, err := h.Rules.Status(c.UserContext(), h.Pool, ws, id)
	if err != nil {
		return nil, err
	}
	sb, err := h.loadSidebar(c, ws, id)
	if err != nil {
		return nil, err
	}
	return &threadView{Conversation: conv, Messages: msgs, Drafts: drafts, Failed: failed, Members: members, Status: status,
		Context: sb, CSRF: c.Locals("csrf").(string)}, nil //nolint:forcetypeassert // set by requireUser
}

// inboxSort is the list order the inbox was asked for.
func inboxSort(c *fiber.Ctx) string {
	switch s := c.Query("sort"); s {
	case "priority", "completion":
		return s
	}
	return "recent"
}

// inboxFilter reads ?assigned=me|none and ?sort=priority|completion into a list filter,
// and the query string that keeps both on the inbox's links.
func inboxFilter(c *fiber.Ctx) (conversation.ConversationFilter, string) {
	f := conversation.ConversationFilter{Limit: 200, Sort: inboxSort(c)}
	keep := url.Values{}
	switch a := c.Query("assigned"); a {
	case "me":
		f.AssignedTo = currentUser(c).ID
		keep.Set("assigned", a)
	case "none":
		f.Unassigned = true
		keep.Set("assigned", a)
	}
	if f.Sort != "recent" {
		keep.Set("sort", f.Sort)
	}
	if len(keep) == 0 {
		return f, ""
	}
	return f, "?" + keep.Encode()
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
	filter, keep := inboxFilter(c)
	convs, err := h.Conversations.ConversationsFor(c.UserContext(), h.Pool, ws, filter)
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
		"Conversations": convs, "Selected": selected, "Thread": thread, "Nav": "inbox",
		"Keep": keep, "Assigned": c.Query("assigned"), "Sort": filter.Sort,
	})
}

func (h *Handler) conversationListPartial(c *fiber.Ctx) error {
	filter, keep := inboxFilter(c)
	convs, err := h.Conversations.ConversationsFor(c.UserContext(), h.Pool, workspaceID(c), filter)
	if err != nil {
		return err
	}
	selected, _ := strconv.ParseInt(c.Query("selected"), 10, 64)
	return h.pages.Render(c, "inbox.html#convlist", fiber.Map{"Conversations": convs, "Selected": selected, "Keep": keep})
}

// assignUI assigns the conversation to the member chosen (none: to nobody).
func (h *Handler) assignUI(c *fiber.Ctx) error {
	u := currentUser(c)
	to, err := strconv.ParseInt(c.FormValue("user_id", "0"), 10, 64)
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "choose a member to assign the conversation to")
	}
	conv, err := h.Conversations.Assign(c.UserContext(), conversation.Assignment{WorkspaceID: u.WorkspaceID,
		ConversationID: paramID(c), UserID: to, By: u.ID, Actor: u.Email})
	if err != nil {
		return err
	}
	return c.Redirect("/admin/conversations/"+strconv.FormatInt(conv.ID, 10), fiber.StatusSeeOther)
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
		files, remove, ferr := h.replyFiles(c)
		if ferr != nil {
			return ferr
		}
		dec.Files = files
		if d, err = h.Conversations.Approve(c.UserContext(), dec); err != nil {
			remove()
		}
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
