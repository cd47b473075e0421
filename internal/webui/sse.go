package webui

import (
	"bufio"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/live"
)

// Stream answers with a server-sent event stream of the workspace's events that match,
// until the client goes away or done closes (server shutdown). Each event is sent as
// JSON; a comment every 20 seconds keeps proxies from closing the stream.
func Stream(c *fiber.Ctx, hub *live.Hub, workspaceID int64, match func(live.Event) bool, done <-chan struct{}) error {
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderConnection, "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	sub := hub.Subscribe(workspaceID)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer hub.Unsubscribe(sub)
		ping := time.NewTicker(20 * time.Second)
		defer ping.Stop()
		if _, err := fmt.Fprint(w, "retry: 2000\n: connected\n\n"); err != nil || w.Flush() != nil {
			return
		}
		for {
			select {
			case <-done:
				return
			case <-ping.C:
				if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
					return
				}
			case e := <-sub.C:
				if !match(e) {
					continue
				}
				b, _ := json.Marshal(e) // an Event always encodes
				if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Kind, b); err != nil {
					return
				}
			}
			if err := w.Flush(); err != nil {
				return // the client went away
			}
		}
	})
	return nil
}
