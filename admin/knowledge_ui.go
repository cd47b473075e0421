package admin

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/knowledge"
)

// knowledgeView is what the knowledge page shows.
type knowledgeView struct {
	Documents []knowledge.Document
	Index     knowledge.IndexStatus
	Preview   *knowledge.Document
	Query     string
	Results   []knowledge.Result
	Error     string
	MaxMB     int64
	CSRF      any
	// Owner shows the forms that change the knowledge base (staff may only read it).
	Owner bool
}

// snippetHTML marks a search snippet as safe: knowledge escapes the document's text and
// adds only <b> tags.
func snippetHTML(r knowledge.Result) template.HTML { return template.HTML(r.Snippet) } //nolint:gosec // escaped by knowledge.Search

func (h *Handler) renderKnowledge(c *fiber.Ctx, v knowledgeView) error {
	ws := workspaceID(c)
	docs, err := h.Knowledge.Documents(c.UserContext(), h.Pool, ws, 500)
	if err != nil {
		return err
	}
	workspace, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	if v.Index, err = h.Knowledge.Status(c.UserContext(), h.Pool, ws); err != nil {
		return err
	}
	v.Documents, v.MaxMB, v.CSRF, v.Owner = docs, h.Knowledge.MaxUpload()>>20, c.Locals("csrf"), currentUser(c).Role == RoleOwner
	snippets := make([]template.HTML, len(v.Results))
	for i, r := range v.Results {
		snippets[i] = snippetHTML(r)
	}
	return h.pages.Render(c, "knowledge.html", fiber.Map{
		"Title": "Knowledge base", "User": currentUser(c), "Workspace": workspace, "CSRF": c.Locals("csrf"),
		"Nav": "knowledge", "KB": v, "Snippets": snippets,
	})
}

func (h *Handler) knowledgePage(c *fiber.Ctx) error {
	var v knowledgeView
	if id, err := strconv.ParseInt(c.Query("doc"), 10, 64); err == nil {
		doc, err := h.Knowledge.Document(c.UserContext(), h.Pool, workspaceID(c), id)
		if err != nil {
			return err
		}
		v.Preview = &doc
	}
	if v.Query = strings.TrimSpace(c.Query("q")); v.Query != "" {
		results, err := h.searchKnowledge(c, v.Query, 10)
		if err != nil {
			return err
		}
		v.Results = results
	}
	return h.renderKnowledge(c, v)
}

func (h *Handler) knowledgeUploadUI(c *fiber.Ctx) error {
	up, err := h.readUpload(c)
	if err == nil {
		_, err = h.Knowledge.Upload(c.UserContext(), h.Pool, workspaceID(c), up)
	}
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			return err
		}
		c.Status(status)
		return h.renderKnowledge(c, knowledgeView{Error: messageOf(err)})
	}
	return c.Redirect("/admin/knowledge", fiber.StatusSeeOther)
}

// knowledgeFormDone redirects back to the page, or shows it with the error when the
// owner can fix it.
func (h *Handler) knowledgeFormDone(c *fiber.Ctx, err error) error {
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			return err
		}
		c.Status(status)
		return h.renderKnowledge(c, knowledgeView{Error: messageOf(err)})
	}
	return c.Redirect("/admin/knowledge", fiber.StatusSeeOther)
}

func (h *Handler) knowledgeURLUI(c *fiber.Ctx) error {
	_, err := h.Knowledge.AddURL(c.UserContext(), h.Pool, workspaceID(c), c.FormValue("url"), c.FormValue("title"))
	return h.knowledgeFormDone(c, err)
}

func (h *Handler) knowledgeReplaceUI(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	up, err := h.readUpload(c)
	if err == nil {
		_, err = h.Knowledge.Replace(c.UserContext(), h.Pool, workspaceID(c), id, up)
	}
	return h.knowledgeFormDone(c, err)
}

func (h *Handler) knowledgeRefetchUI(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	_, err := h.Knowledge.Refetch(c.UserContext(), h.Pool, workspaceID(c), id)
	return h.knowledgeFormDone(c, err)
}

func (h *Handler) knowledgeDeleteUI(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := h.Knowledge.Delete(c.UserContext(), h.Pool, workspaceID(c), id); err != nil {
		return err
	}
	return c.Redirect("/admin/knowledge", fiber.StatusSeeOther)
}

// knowledgeDocumentsPartial is the document list, reloaded as ingestion moves on.
func (h *Handler) knowledgeDocumentsPartial(c *fiber.Ctx) error {
	docs, err := h.Knowledge.Documents(c.UserContext(), h.Pool, workspaceID(c), 500)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "knowledge.html#doclist", fiber.Map{"KB": knowledgeView{Documents: docs, CSRF: c.Locals("csrf"),
		Owner: currentUser(c).Role == RoleOwner}})
}
