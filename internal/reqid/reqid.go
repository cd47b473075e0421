// Package reqid gives each HTTP request an id: the caller's X-Request-Id when it is a
// sane one, otherwise a new one. The id is sent back in X-Request-Id, kept in the
// request's context, and added to every log line written with that context, so one
// request's lines can be found together (and matched to a JSON error a user reports).
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Header carries the id both ways.
const Header = "X-Request-Id"

type ctxKey struct{}

// Middleware takes or makes the request's id. It must run after anything that replaces
// the request's user context.
func Middleware(c *fiber.Ctx) error {
	// fasthttp reuses the header's bytes after the request: the id outlives it (in spans
	// and jobs' metadata), so it must own its copy.
	id := strings.Clone(c.Get(Header))
	if !valid(id) {
		id = New()
	}
	c.Set(Header, id)
	c.Locals("requestid", id)
	c.SetUserContext(With(c.UserContext(), id))
	return c.Next()
}

// New makes a random id.
func New() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the id ctx carries, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// valid accepts the ids proxies and clients make (UUIDs, hex, base64url): up to 64 of
// letters, digits and -_.: nothing that could forge a log line or a header.
func valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// LogHandler adds request_id to every record logged with a context that carries one.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := From(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
