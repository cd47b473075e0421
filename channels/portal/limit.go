package portal

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
)

// sendLimit bounds how fast one customer can post: a burst for a flurry of short
// messages, then one every few seconds. It is per node and in memory; a shared limit
// across nodes belongs with the other rate limits in PostgreSQL.
type sendLimit struct {
	mu       sync.Mutex
	every    time.Duration
	burst    int
	limiters map[int64]*rate.Limiter
}

func newSendLimit(every time.Duration, burst int) *sendLimit {
	return &sendLimit{every: every, burst: burst, limiters: map[int64]*rate.Limiter{}}
}

// allow reports whether the contact may post now, and if not, how long to wait.
func (l *sendLimit) allow(contactID int64) (bool, time.Duration) {
	l.mu.Lock()
	lim, ok := l.limiters[contactID]
	if !ok {
		if len(l.limiters) > 100_000 {
			clear(l.limiters)
		}
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.limiters[contactID] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// limitPosts answers 429 with Retry-After when a customer posts too fast.
func (h *Handler) limitPosts(c *fiber.Ctx) error {
	ok, wait := h.limit.allow(session(c).ContactID)
	if !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
		return fiber.NewError(fiber.StatusTooManyRequests, "you are sending messages very fast; please wait a moment")
	}
	return c.Next()
}
