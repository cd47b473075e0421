package portal

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/webui"
)

// fetchHeader must accompany cookie-authenticated uploads. A multipart form is a
// "simple" request another site could send; a custom header needs a CORS preflight,
// which this server never grants.
const fetchHeader = "X-Frontdesk-Portal"

func (h *Handler) requireFetch(c *fiber.Ctx) error {
	if c.Get(fetchHeader) == "" {
		return fiber.NewError(fiber.StatusForbidden, "upload files from the chat page")
	}
	return c.Next()
}

// postFile stores a photo, a document or a recorded voice note, with optional text,
// as one message. The file is stored before the message; if the message cannot be
// stored, the file is removed again.
func (h *Handler) postFile(c *fiber.Ctx) error {
	s := session(c)
	if h.Media == nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, "file uploads are not configured")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, `send the file as the multipart/form-data field "file"`)
	}
	if limit := h.Media.Limits.Max(); fh.Size > limit {
		return fmt.Errorf("%w: %s is %.1f MB; the limit is %d MB", media.ErrTooLarge, fh.Filename, float64(fh.Size)/(1<<20), limit>>20)
	}
	clientID := c.FormValue("client_id")
	if len(clientID) > 64 {
		return fiber.NewError(fiber.StatusBadRequest, "client_id must be at most 64 characters")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("portal: open upload: %w", err)
	}
	defer func() { _ = f.Close() }()
	stored, err := h.Media.Put(c.UserContext(), s.WorkspaceID, fh.Filename, fh.Header.Get(fiber.HeaderContentType), f)
	if err != nil {
		return err
	}
	in := channels.Inbound{
		WorkspaceID: s.WorkspaceID, Channel: channels.Portal, ContactID: s.ContactID,
		Address: conversation.PortalAddress(s.ContactID), Text: c.FormValue("text"),
		Attachments: []channels.Attachment{{
			Key: stored.Key, Kind: string(stored.Kind), Size: stored.Size, Name: stored.Name, ContentType: stored.ContentType,
		}},
	}
	if clientID != "" {
		in.ExternalID = "client:" + strconv.FormatInt(s.ContactID, 10) + ":" + clientID
	}
	res, err := h.Conversations.Ingest(c.UserContext(), in)
	if err != nil || res.Duplicate {
		// Nothing refers to the file: a retried upload keeps the first one's.
		if derr := h.Media.Delete(c.UserContext(), stored.Key); derr != nil {
			h.Log.Warn("orphan upload not removed", "key", stored.Key, "error", derr)
		}
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res.Message)
}

// file serves one of the customer's own files (or one the business sent them).
func (h *Handler) file(c *fiber.Ctx) error {
	s := session(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.NewError(fiber.StatusNotFound, "no such file")
	}
	r, a, err := h.Conversations.AttachmentFile(c.UserContext(), s.WorkspaceID, id, s.ContactID)
	if errors.Is(err, conversation.ErrNotFound) {
		return fiber.NewError(fiber.StatusNotFound, "no such file")
	}
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	return webui.SendFile(c, r, a.FileName, a.ContentType, a.Size)
}
