package admin

import (
	"context"
	"fmt"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation"
)

// replyFiles stores the files of a multipart approve request (fields "file"), within
// the media store's limits, and returns them with a function that removes them again
// when the draft is not approved after all. A request that is not multipart has none.
func (h *Handler) replyFiles(c *fiber.Ctx) ([]media.File, func(), error) {
	none := func() {}
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		return nil, none, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, none, fiber.NewError(fiber.StatusBadRequest, "the form could not be read: "+err.Error())
	}
	var uploads []*multipart.FileHeader
	for _, fh := range form.File["file"] {
		if fh.Size > 0 || fh.Filename != "" { // an empty file input sends an empty part
			uploads = append(uploads, fh)
		}
	}
	if len(uploads) == 0 {
		return nil, none, nil
	}
	store := h.Conversations.Media
	if store == nil {
		return nil, none, fiber.NewError(fiber.StatusServiceUnavailable, "files cannot be attached: no media store is configured")
	}
	if len(uploads) > conversation.MaxReplyFiles {
		return nil, none, fmt.Errorf("%w: %d files; a reply carries at most %d", conversation.ErrInvalid, len(uploads), conversation.MaxReplyFiles)
	}
	ws := workspaceID(c)
	var files []media.File
	remove := func() {
		for _, f := range files {
			if err := store.Delete(context.WithoutCancel(c.UserContext()), f.Key); err != nil {
				h.Log.Warn("unused reply file not removed", "key", f.Key, "error", err)
			}
		}
	}
	for _, fh := range uploads {
		if limit := store.Limits.Max(); fh.Size > limit {
			remove()
			return nil, none, fmt.Errorf("%w: %s is %.1f MB; the limit is %d MB", media.ErrTooLarge, fh.Filename, float64(fh.Size)/(1<<20), limit>>20)
		}
		f, err := putUpload(c.UserContext(), store, ws, fh)
		if err != nil {
			remove()
			return nil, none, fmt.Errorf("%s: %w", fh.Filename, err)
		}
		files = append(files, f)
	}
	return files, remove, nil
}

func putUpload(ctx context.Context, store *media.Store, ws int64, fh *multipart.FileHeader) (media.File, error) {
	r, err := fh.Open()
	if err != nil {
		return media.File{}, fmt.Errorf("admin: open upload: %w", err)
	}
	defer func() { _ = r.Close() }()
	return store.Put(ctx, ws, fh.Filename, fh.Header.Get(fiber.HeaderContentType), r)
}
