package webui

import (
	"io"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// SendFile streams a file a customer sent. ?inline=1 shows it in the page (a picture,
// a voice note); otherwise it downloads under its own name. Either way it is
// sandboxed: an uploaded HTML or SVG file never runs as a page of ours.
func SendFile(c *fiber.Ctx, r io.Reader, name, contentType string, size int64) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentLength, strconv.FormatInt(size, 10))
	disposition := "attachment"
	if c.Query("inline") == "1" {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set("X-Content-Type-Options", "nosniff")
	_, err := io.Copy(c.Response().BodyWriter(), r)
	return err
}
