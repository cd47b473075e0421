package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// eraseWord is what a person types to confirm an erasure.
const eraseWord = "ERASE"

func (h *Handler) registerContactsUI(ui fiber.Router) {
	ui.Get("/contacts", h.contactsPage)
	ui.Get("/contacts.csv", h.contactsCSV)
	ui.Get("/contacts/:id<int>", h.contactPage)
	ui.Get("/contacts/:id<int>/export", h.exportContact)
	ui.Post("/contacts/:id<int>/merge", h.mergeContactUI)
	ui.Post("/contacts/:id<int>/erase", h.eraseContactUI)
	ui.Get("/analytics", h.analyticsPage)
	ui.Get("/analytics.csv", h.analyticsCSV)
}

func (h *Handler) contactsPage(c *fiber.Ctx) error {
	ws := workspaceID(c)
	page, err := queryInt(c, "page", 1, 1<<20)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	res, err := h.Conversations.SearchContacts(c.UserContext(), h.Pool, ws, q, int(page))
	if err != nil {
		return err
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	return h.pages.Render(c, "contacts.html", fiber.Map{
		"Title": "Contacts", "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "contacts",
		"Query": q, "Result": res, "Erased": c.Query("erased"),
	})
}

// contactView is what a contact's page shows.
type contactView struct {
	Contact    conversation.Contact
	Duplicates []conversation.ContactSummary
	Errors     validation.Error
	Merged     string
	EraseWord  string
	Duplicate  string
	Confirm    string
}

func (h *Handler) renderContact(c *fiber.Ctx, id int64, v contactView) error {
	ws := workspaceID(c)
	var err error
	if v.Contact, err = h.Conversations.Contact(c.UserContext(), h.Pool, ws, id); err != nil {
		return err
	}
	if v.Contact.ErasedAt == nil {
		if v.Duplicates, err = h.Conversations.DuplicateCandidates(c.UserContext(), h.Pool, ws, id); err != nil {
			return err
		}
	}
	w, err := h.Conversations.Workspace(c.UserContext(), h.Pool, ws)
	if err != nil {
		return err
	}
	v.EraseWord = eraseWord
	c.Status(statusFor(v.Errors))
	return h.pages.Render(c, "contact.html", fiber.Map{
		"Title": v.Contact.DisplayName(), "User": currentUser(c), "Workspace": w, "CSRF": c.Locals("csrf"), "Nav": "contacts", "V": v,
	})
}

func (h *Handler) contactPage(c *fiber.Ctx) error {
	return h.renderContact(c, paramID(c), contactView{Merged: c.Query("merged")})
}

// mergeContactUI merges the chosen duplicate into the contact whose page this is.
func (h *Handler) mergeContactUI(c *fiber.Ctx) error {
	id, raw := paramID(c), strings.TrimSpace(strings.TrimPrefix(c.FormValue("duplicate"), "#"))
	dup, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || dup <= 0 {
		return h.renderContact(c, id, contactView{Duplicate: raw, Errors: validation.Error{"duplicate": "choose a contact, or type its number"}})
	}
	u := currentUser(c)
	_, err = h.Conversations.MergeContacts(c.UserContext(), conversation.Merge{WorkspaceID: u.WorkspaceID, From: dup, Into: id, Actor: u.Email})
	var bad validation.Error
	switch {
	case errors.Is(err, conversation.ErrNotFound):
		// Either side may be missing; the page itself 404s if this contact is.
		return h.renderContact(c, id, contactView{Duplicate: raw, Errors: validation.Error{"duplicate": "there is no contact #" + raw}})
	case errors.As(err, &bad):
		return h.renderContact(c, id, contactView{Duplicate: raw, Errors: validation.Error{"duplicate": bad["into"]}})
	case err != nil:
		return err
	}
	return c.Redirect("/admin/contacts/"+strconv.FormatInt(id, 10)+"?merged="+strconv.FormatInt(dup, 10), fiber.StatusSeeOther)
}

// eraseContactUI erases a contact once the person has typed the confirmation word.
func (h *Handler) eraseContactUI(c *fiber.Ctx) error {
	id := paramID(c)
	confirm := strings.TrimSpace(c.FormValue("confirm"))
	if confirm != eraseWord {
		return h.renderContact(c, id, contactView{Confirm: confirm,
			Errors: validation.Error{"confirm": "type " + eraseWord + " in capitals to confirm; nothing was erased"}})
	}
	u := currentUser(c)
	if _, err := h.Conversations.EraseContact(c.UserContext(), u.WorkspaceID, id, u.Email); err != nil {
		return err
	}
	return c.Redirect("/admin/contacts?erased="+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
