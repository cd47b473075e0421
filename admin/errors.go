package admin

import (
	"errors"
	"html/template"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/channels/portal"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/internal/reqid"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

// statusOf maps domain errors to HTTP statuses; unknown errors are 500s.
func statusOf(err error) int {
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		return fe.Code
	case errors.Is(err, conversation.ErrNotFound), errors.Is(err, portal.ErrBadLink), errors.Is(err, booking.ErrNotFound),
		errors.Is(err, ErrNotFound), errors.Is(err, ErrInviteUnknown):
		return fiber.StatusNotFound
	case errors.Is(err, ErrLastOwner):
		return fiber.StatusConflict
	case errors.Is(err, ErrInviteExpired), errors.Is(err, ErrInviteUsed):
		return fiber.StatusGone
	case errors.Is(err, conversation.ErrTooLong):
		return fiber.StatusRequestEntityTooLarge
	case errors.Is(err, conversation.ErrDecided), errors.Is(err, booking.ErrSlotTaken), errors.Is(err, rules.ErrTransition):
		return fiber.StatusConflict
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrBadCredentials), errors.Is(err, portal.ErrNoSession):
		return fiber.StatusUnauthorized
	case errors.Is(err, portal.ErrTooManyTry):
		return fiber.StatusTooManyRequests
	case errors.Is(err, conversation.ErrEmptyMessage), errors.Is(err, conversation.ErrInvalid),
		errors.Is(err, ErrInvalidInput), errors.Is(err, channels.ErrBadPhone), errors.Is(err, portal.ErrBadCode),
		errors.Is(err, booking.ErrInvalid), errors.Is(err, booking.ErrNotBookable):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, knowledge.ErrNotFound), errors.Is(err, accounts.ErrNotFound), errors.Is(err, rules.ErrNotFound),
		errors.Is(err, notifymail.ErrNotFound), errors.Is(err, rules.ErrNoConversation):
		return fiber.StatusNotFound
	case errors.Is(err, knowledge.ErrTooLarge), errors.Is(err, media.ErrTooLarge):
		return fiber.StatusRequestEntityTooLarge
	case errors.Is(err, knowledge.ErrUnsupported):
		return fiber.StatusUnsupportedMediaType
	case errors.Is(err, knowledge.ErrUnreadable), errors.Is(err, media.ErrEmpty), errors.Is(err, knowledge.ErrBadURL):
		return fiber.StatusUnprocessableEntity
	default:
		return fiber.StatusInternalServerError
	}
}

// messageOf is what a person is told: the error without the package prefixes.
func messageOf(err error) string {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	msg := err.Error()
	for _, prefix := range []string{"conversation: ", "admin: ", "portal: ", "knowledge: ", "booking: ", "media: ", "rules: ", "analytics: ", "notifymail: "} {
		msg = strings.ReplaceAll(msg, prefix, "")
	}
	return msg
}

// ErrorHandler is the one place errors become HTTP responses: JSON for API and fetch
// routes (see errorBody), a short page for browsers. Unexpected errors are logged and
// their details kept out of the response.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status := statusOf(err)
		msg := messageOf(err)
		if status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "error", err)
			msg = "something went wrong on our side; please try again"
		}
		if wantsJSON(c) {
			return c.Status(status).JSON(errorBody(c, status, msg))
		}
		c.Status(status).Type("html", "utf-8")
		ref := ""
		if id := reqid.From(c.UserContext()); id != "" {
			ref = "<p>Reference: " + template.HTMLEscapeString(id) + "</p>"
		}
		return c.SendString("<!doctype html><meta name=viewport content=\"width=device-width\"><title>Error</title>" +
			"<body><h1>" + template.HTMLEscapeString(msg) +
			"</h1>" + ref + "</body>")
	}
}

// errorBody is the one shape of every JSON error: {"error": a sentence for a person,
// "code": the status's name in snake case ("not_found", "too_many_requests"), stable
// for programs to branch on, "request_id": the id in the logs}.
func errorBody(c *fiber.Ctx, status int, msg string) fiber.Map {
	return fiber.Map{
		"error":      msg,
		"code":       strings.ToLower(strings.ReplaceAll(utils.StatusMessage(status), " ", "_")),
		"request_id": reqid.From(c.UserContext()),
	}
}

func wantsJSON(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/c/") ||
		strings.Contains(c.Get(fiber.HeaderAccept), "application/json") ||
		strings.HasPrefix(c.Get(fiber.HeaderContentType), "application/json")
}
