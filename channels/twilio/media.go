package twilio

import (
	"errors"
	"mime"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
)

// linkTTL is how long Twilio may fetch a reply's file: it fetches at once, and a retried
// send signs a new link.
const linkTTL = time.Hour

// mediaURLs are the signed links Twilio fetches a reply's files from (MediaUrl).
func (ch *Channel) mediaURLs(files []channels.File) ([]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if ch.Links == nil || ch.Media == nil {
		return nil, channels.Permanent(errors.New("twilio: files cannot be sent: no media store or link key is configured"))
	}
	now := time.Now
	if ch.Now != nil {
		now = ch.Now
	}
	urls := make([]string, len(files))
	for i, f := range files {
		urls[i] = ch.BaseURL + "/webhooks/twilio/media/" + ch.Links.Token(f.Key, now().Add(linkTTL)) + "/" + url.PathEscape(f.Name)
	}
	return urls, nil
}

// file serves a reply's file to Twilio by its signed link; no session is needed, and
// a forged, altered or expired link gets 404.
func (ch *Channel) file(c *fiber.Ctx) error {
	if ch.Links == nil || ch.Media == nil {
		return fiber.ErrNotFound
	}
	now := time.Now
	if ch.Now != nil {
		now = ch.Now
	}
	key, err := ch.Links.Open(c.Params("token"), now())
	if err != nil {
		return fiber.NewError(fiber.StatusNotFound, err.Error())
	}
	attrs, err := ch.Media.Stat(c.UserContext(), key)
	if errors.Is(err, media.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	r, err := ch.Media.Reader(c.UserContext(), key)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, attrs.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("inline", map[string]string{"filename": c.Params("name")}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(r, int(attrs.Size))
}
