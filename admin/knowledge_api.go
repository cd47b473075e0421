package admin

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/knowledge"
)

// readUpload reads the multipart field "file", refusing one over the store's limit
// before reading it.
func (h *Handler) readUpload(c *fiber.Ctx) (knowledge.Upload, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return knowledge.Upload{}, fiber.NewError(fiber.StatusBadRequest, `send the document as the multipart/form-data field "file"`)
	}
	limit := h.Knowledge.MaxUpload()
	if fh.Size > limit {
		return knowledge.Upload{}, fmt.Errorf("admin: %w: %s is %.1f MB; the limit is %d MB", knowledge.ErrTooLarge,
			fh.Filename, float64(fh.Size)/(1<<20), limit>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return knowledge.Upload{}, fmt.Errorf("admin: open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return knowledge.Upload{}, fmt.Errorf("admin: read upload: %w", err)
	}
	return knowledge.Upload{Filename: fh.Filename, Title: c.FormValue("title"), Data: data}, nil
}

func (h *Handler) apiKnowledgeUpload(c *fiber.Ctx) error {
	up, err := h.readUpload(c)
	if err != nil {
		return err
	}
	doc, err := h.Knowledge.Upload(c.UserContext(), h.Pool, workspaceID(c), up)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

func (h *Handler) apiKnowledgeDocuments(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 100, 1000)
	if err != nil {
		return err
	}
	docs, err := h.Knowledge.Documents(c.UserContext(), h.Pool, workspaceID(c), int(limit))
	if err != nil {
		return err
	}
	index, err := h.Knowledge.Status(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"documents": docs, "index": index})
}

func (h *Handler) apiKnowledgeDocument(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	doc, err := h.Knowledge.Document(c.UserContext(), h.Pool, workspaceID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(doc)
}

func (h *Handler) apiKnowledgeDelete(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := h.Knowledge.Delete(c.UserContext(), h.Pool, workspaceID(c), id); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deleted": id})
}

type addURLBody struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

// apiKnowledgeAddURL adds a web page: {"url": "https://...", "title": "..."}. The page is
// fetched by the ingestion job; the document comes back queued.
func (h *Handler) apiKnowledgeAddURL(c *fiber.Ctx) error {
	var b addURLBody
	if err := c.BodyParser(&b); err != nil || strings.TrimSpace(b.URL) == "" {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"url": "https://example.com/faq", "title": "FAQ"}`)
	}
	doc, err := h.Knowledge.AddURL(c.UserContext(), h.Pool, workspaceID(c), b.URL, b.Title)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(doc)
}

// apiKnowledgeReplace queues a new file (multipart field "file") as the document's next
// version; the current version answers until it is ready.
func (h *Handler) apiKnowledgeReplace(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	up, err := h.readUpload(c)
	if err != nil {
		return err
	}
	doc, err := h.Knowledge.Replace(c.UserContext(), h.Pool, workspaceID(c), id, up)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(doc)
}

func (h *Handler) apiKnowledgeRefetch(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	doc, err := h.Knowledge.Refetch(c.UserContext(), h.Pool, workspaceID(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(doc)
}

type searchBody struct {
	Query string `json:"query"`
	Limit int    `json:"limit"`
}

func (h *Handler) apiKnowledgeSearch(c *fiber.Ctx) error {
	var b searchBody
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"query": "how much is whitening?", "limit": 5}`)
	}
	results, err := h.searchKnowledge(c, b.Query, b.Limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": results})
}

// searchKnowledge runs a search for the UI or the API: limit 0 means 5, at most 50.
func (h *Handler) searchKnowledge(c *fiber.Ctx, query string, limit int) ([]knowledge.Result, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("admin: %w: the query is empty", ErrInvalidInput)
	}
	if limit == 0 {
		limit = 5
	}
	if limit < 0 || limit > 50 {
		return nil, fiber.NewError(fiber.StatusBadRequest, "limit must be from 1 to 50")
	}
	results, err := h.Knowledge.Search(c.UserContext(), h.Pool, workspaceID(c), query, limit)
	if results == nil {
		results = []knowledge.Result{}
	}
	return results, err
}
