package admin

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation"
)

// apiActor names who acted through the API in the audit log.
const apiActor = "api"

func (h *Handler) registerContactsAPI(app *fiber.App) {
	app.Get("/api/v1/contacts", h.requireToken, h.apiContacts)
	app.Get("/api/v1/contacts.csv", h.requireToken, h.contactsCSV)
	app.Get("/api/v1/contacts/:id<int>", h.requireToken, h.apiContact)
	app.Get("/api/v1/contacts/:id<int>/export", h.requireToken, h.exportContact)
	app.Post("/api/v1/contacts/:id<int>/merge", h.requireToken, h.apiMergeContact)
	app.Delete("/api/v1/contacts/:id<int>", h.requireToken, h.apiEraseContact)
	app.Get("/api/v1/analytics", h.requireToken, h.apiAnalytics)
	app.Get("/api/v1/analytics.csv", h.requireToken, h.analyticsCSV)
}

func paramID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

func (h *Handler) apiContacts(c *fiber.Ctx) error {
	page, err := queryInt(c, "page", 1, 1<<20)
	if err != nil {
		return err
	}
	res, err := h.Conversations.SearchContacts(c.UserContext(), h.Pool, workspaceID(c), c.Query("q"), int(page))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (h *Handler) apiContact(c *fiber.Ctx) error {
	ct, err := h.Conversations.Contact(c.UserContext(), h.Pool, workspaceID(c), paramID(c))
	if err != nil {
		return err
	}
	return c.JSON(ct)
}

type mergeBody struct {
	Into int64 `json:"into"`
}

func (h *Handler) apiMergeContact(c *fiber.Ctx) error {
	var b mergeBody
	if err := c.BodyParser(&b); err != nil || b.Into <= 0 {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be JSON like {"into": 42}: the contact to keep`)
	}
	ct, err := h.Conversations.MergeContacts(c.UserContext(), conversation.Merge{
		WorkspaceID: workspaceID(c), From: paramID(c), Into: b.Into, Actor: apiActor,
	})
	if err != nil {
		return err
	}
	return c.JSON(ct)
}

func (h *Handler) apiEraseContact(c *fiber.Ctx) error {
	e, err := h.Conversations.EraseContact(c.UserContext(), workspaceID(c), paramID(c), apiActor)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// exportContact sends everything held about one contact as a JSON file.
func (h *Handler) exportContact(c *fiber.Ctx) error {
	id := paramID(c)
	ex, err := h.Conversations.ExportContact(c.UserContext(), workspaceID(c), id)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return fmt.Errorf("admin: export contact %d: %w", id, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="contact-%d.json"`, id))
	return c.Send(body)
}

// contactsCSV sends the whole directory as a CSV file.
func (h *Handler) contactsCSV(c *fiber.Ctx) error {
	list, err := h.Conversations.AllContacts(c.UserContext(), h.Pool, workspaceID(c))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"id", "name", "phone", "email", "channels", "conversations", "appointments", "last_message_at", "created_at"})
	for _, ct := range list {
		last := ""
		if ct.LastMessageAt != nil {
			last = ct.LastMessageAt.UTC().Format(time.RFC3339)
		}
		_ = w.Write([]string{strconv.FormatInt(ct.ID, 10), csvText(ct.Name), ct.Phone, csvText(ct.Email),
			strings.Join(ct.Channels, " "), strconv.FormatInt(ct.Conversations, 10), strconv.FormatInt(ct.Appointments, 10),
			last, ct.CreatedAt.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("admin: contacts csv: %w", err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="contacts.csv"`)
	return c.Send(buf.Bytes())
}

// csvText keeps a customer's text from being read as a formula by a spreadsheet.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
