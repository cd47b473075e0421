package webui

import "github.com/gofiber/fiber/v2"

// csp allows only this origin's own scripts, styles and connections: no inline script
// or style can run, so injected markup stays inert. Images may be data: URLs (QR codes).
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// SecurityHeaders sets the headers every response carries; HSTS only over HTTPS.
func SecurityHeaders(https bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", csp)
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Referrer-Policy", "same-origin")
		c.Set("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)")
		if https {
			c.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return c.Next()
	}
}
