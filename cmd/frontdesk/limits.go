package main

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/internal/ratelimit"
)

// webhookLimit slows floods of provider webhooks: per channel account (the path's
// /webhooks/<provider>/<id>) and per client address, answering 429 with Retry-After.
// The limits are per node and in memory: a flood spread over many nodes is slowed on
// each, which is what matters for the node's own work.
func webhookLimit(every time.Duration, burst int) fiber.Handler {
	perAccount := ratelimit.New(every, burst)
	perIP := ratelimit.New(every/2, 2*burst)
	return func(c *fiber.Ctx) error {
		if ok, wait := perIP.Allow(c.IP()); !ok {
			return ratelimit.Refuse(c, wait, "too many webhook calls from this address; slow down")
		}
		// /webhooks/twilio/12/status: the account is the provider and the id.
		parts := strings.SplitN(strings.TrimPrefix(c.Path(), "/webhooks/"), "/", 3)
		if len(parts) >= 2 {
			if ok, wait := perAccount.Allow(parts[0] + "/" + parts[1]); !ok {
				return ratelimit.Refuse(c, wait, "too many webhook calls for this channel account; slow down")
			}
		}
		return c.Next()
	}
}
