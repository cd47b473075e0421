package tracing

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/frontdesk/frontdesk/internal/reqid"
)

// HTTP is fiber middleware giving each request a server span named after its route
// template. It must run after reqid.Middleware (for the id) and before the middleware
// that turns errors into responses (metrics.HTTP), so the status it records is the one
// sent. A caller's traceparent header makes the span its child.
func (t *Tracing) HTTP() fiber.Handler {
	tr := t.Tracer()
	return func(c *fiber.Ctx) error {
		// fasthttp reuses the request's bytes: attributes must own their strings.
		method := strings.Clone(c.Method())
		ctx := t.prop.Extract(c.UserContext(), headerCarrier{c})
		ctx, span := tr.Start(ctx, method, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
			attribute.String("http.request.method", method),
			attribute.String("url.path", strings.Clone(c.Path())),
			attribute.String("request_id", reqid.From(ctx)),
		))
		defer span.End()
		c.SetUserContext(ctx)
		err := c.Next()
		route := c.Route().Path
		if c.Route().Method == "USE" || route == "/" && c.Path() != "/" {
			route = "unmatched"
		}
		status := c.Response().StatusCode()
		span.SetName(method + " " + route)
		span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
		if status >= 500 || err != nil {
			span.SetStatus(codes.Error, "")
		}
		return err
	}
}

// headerCarrier reads the W3C trace headers of a fiber request.
type headerCarrier struct{ c *fiber.Ctx }

func (h headerCarrier) Get(key string) string { return strings.Clone(h.c.Get(key)) }
func (h headerCarrier) Set(string, string)    {}
func (h headerCarrier) Keys() []string        { return []string{"traceparent", "tracestate"} }
