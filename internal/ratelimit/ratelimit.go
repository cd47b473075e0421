// Package ratelimit limits how fast one key (a customer, an IP address, a phone number)
// may act: a burst, then one action per interval. Limiter is per node and in memory;
// Shared keeps the allowance in PostgreSQL for limits every node must share.
package ratelimit

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/time/rate"
)

// maxKeys bounds memory: past it the limiter forgets everyone (a fresh burst each).
const maxKeys = 100_000

// Limiter holds one token bucket per key.
type Limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*rate.Limiter
}

// New returns a limiter allowing burst actions at once, then one every interval.
func New(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, buckets: map[string]*rate.Limiter{}}
}

// Allow reports whether key may act now, and if not, how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxKeys {
			clear(l.buckets)
		}
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.buckets[key] = b
	}
	l.mu.Unlock()
	r := b.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}

// Middleware answers 429 with Retry-After when key(c) acts too fast.
func (l *Limiter) Middleware(key func(*fiber.Ctx) string, message string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if ok, wait := l.Allow(key(c)); !ok {
			return Refuse(c, wait, message)
		}
		return c.Next()
	}
}

// Refuse answers 429 with Retry-After: wait rounded up to whole seconds.
func Refuse(c *fiber.Ctx, wait time.Duration, message string) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
	return fiber.NewError(fiber.StatusTooManyRequests, message)
}
