package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ownerRule names routes only an owner may call: a method ("*" for any) and a path
// pattern matched segment by segment against the start of the request's path, where
// ":id" stands for any one segment. A change through a rule with an object is written to
// the audit log here, as object.verb (verb from the method and path, or action when set);
// rules without one are audited by their stores (settings, team, erasure).
type ownerRule struct{ method, pattern, object, action string }

// ownerOnly is the one list of what staff may not do. Staff work the inbox (read,
// approve, edit, reject, assign), contacts (read, merge), appointments (book, move,
// cancel), notifications, analytics, knowledge search and portal links. Whatever
// changes how the business or its assistant is set up, or takes data out in bulk or for
// good, is an owner's. Documented in docs/api.md ("Roles").
var ownerOnly = []ownerRule{ //nolint:gochecknoglobals // read-only table
	// Persona, approval policy, preview, team, audit log.
	{"*", "/admin/settings", "", ""},
	{"*", "/api/v1/team", "", ""},
	{"*", "/api/v1/audit", "", ""},
	// Channel accounts hold the business's credentials.
	{"*", "/admin/channels", "channel", ""},
	{"*", "/api/v1/channels", "channel", ""},
	// Business rules, the status workflow and context schemas (a conversation's own
	// context and status, under /api/v1/context/conversations, are the inbox's).
	{"*", "/admin/rules", "rule", ""},
	{"*", "/admin/workflow", "workflow", ""},
	{"*", "/admin/context", "schema", ""},
	{"*", "/api/v1/context/workspaces", "rule", ""},
	// The knowledge base decides what the assistant says: staff may read and search it.
	{"POST", "/admin/knowledge", "document", ""},
	{"POST", "/admin/attachments/:id/knowledge", "document", "document.from_attachment"},
	{"POST", "/api/v1/knowledge-base/upload", "document", "document.upload"},
	{"POST", "/api/v1/knowledge-base/documents", "document", ""},
	{"PUT", "/api/v1/knowledge-base/documents", "document", "document.replace"},
	{"DELETE", "/api/v1/knowledge-base/documents", "document", ""},
	// Calendar set-up: services, staff and rooms, opening hours and the days that differ,
	// booking settings, Google.
	{"POST", "/admin/calendar/services", "service", "service.create"},
	{"POST", "/admin/calendar/hours", "calendar", "calendar.hours"},
	{"POST", "/admin/calendar/settings", "calendar", "calendar.settings"},
	{"*", "/admin/calendar/google", "calendar", ""},
	{"POST", "/admin/calendar/resources", "resource", "resource.save"},
	{"POST", "/admin/calendar/exceptions", "calendar", "calendar.exception"},
	{"POST", "/api/v1/calendar/services", "service", "service.create"},
	{"GET", "/api/v1/calendar/availability", "", ""},
	{"PUT", "/api/v1/calendar/availability", "calendar", "calendar.hours"},
	{"PUT", "/api/v1/calendar/settings", "calendar", "calendar.settings"},
	{"POST", "/api/v1/calendar/resources", "resource", "resource.create"},
	{"PUT", "/api/v1/calendar/resources", "resource", "resource.update"},
	// Bulk export, export of one person's data, and erasure (GDPR requests).
	{"GET", "/admin/contacts.csv", "", ""},
	{"GET", "/admin/contacts/:id/export", "", ""},
	{"POST", "/admin/contacts/:id/erase", "", ""},
	{"GET", "/api/v1/contacts.csv", "", ""},
	{"GET", "/api/v1/contacts/:id/export", "", ""},
	{"DELETE", "/api/v1/contacts", "", ""},
}

// everyones are pages under an owner-only path that each member has for themselves.
var everyones = []string{"/admin/settings/notifications"} //nolint:gochecknoglobals // read-only table

// auditedForAll are changes staff may make that no store audits with the person's name:
// appointments booked, moved or cancelled from the calendar or the API.
var auditedForAll = []ownerRule{ //nolint:gochecknoglobals // read-only table
	{"POST", "/admin/calendar/appointments/:id/cancel", "appointment", "appointment.cancel"},
	{"POST", "/api/v1/calendar/appointments/:id/cancel", "appointment", "appointment.cancel"},
	{"PATCH", "/api/v1/calendar/appointments", "appointment", "appointment.move"},
	{"POST", "/api/v1/calendar/appointments", "appointment", "appointment.book"},
}

// ownerRuleFor returns the rule that makes a request owner-only, if any.
func ownerRuleFor(method, path string) (ownerRule, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, p := range everyones {
		if matchPrefix(strings.Split(strings.Trim(p, "/"), "/"), segs) {
			return ownerRule{}, false
		}
	}
	return matchRule(ownerOnly, method, path)
}

// matchRule returns the first rule of rules that covers a request.
func matchRule(rules []ownerRule, method, path string) (ownerRule, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range rules {
		if r.method != "*" && r.method != method && (method != fiber.MethodHead || r.method != fiber.MethodGet) {
			continue
		}
		if matchPrefix(strings.Split(strings.Trim(r.pattern, "/"), "/"), segs) {
			return r, true
		}
	}
	return ownerRule{}, false
}

// OwnerOnly says whether a request needs an owner.
func OwnerOnly(method, path string) bool {
	_, ok := ownerRuleFor(method, path)
	return ok
}

// matchPrefix says whether pattern's segments begin path's, whole segments only (so
// /admin/settings covers /admin/settings/team but not /admin/settingsx).
func matchPrefix(pattern, path []string) bool {
	if len(pattern) > len(path) {
		return false
	}
	for i, p := range pattern {
		if p != path[i] && (p != ":id" || path[i] == "") {
			return false
		}
	}
	return true
}

// guardRole refuses owner-only routes to staff sessions and staff tokens: 403 with the
// JSON error shape for the API, a short page in the browser (see ErrorHandler). A
// successful change through a rule with an object is then written to the audit log.
func (h *Handler) guardRole(c *fiber.Ctx, role string) error {
	rule, owner := ownerRuleFor(c.Method(), c.Path())
	if owner && role != RoleOwner {
		return fiber.NewError(fiber.StatusForbidden, "only an owner of this workspace can do this; ask an owner to change it for you")
	}
	if !owner {
		if rule, owner = matchRule(auditedForAll, c.Method(), c.Path()); !owner {
			return c.Next()
		}
	}
	if rule.object == "" || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	if err := c.Next(); err != nil || c.Response().StatusCode() >= fiber.StatusBadRequest {
		return err
	}
	action, id := auditAction(rule, c.Method(), c.Path())
	ctx := c.UserContext()
	// The change is made: a failed audit write is logged rather than turned into an error.
	if err := h.Accounts.Audit(ctx, h.Pool, workspaceID(c), actorOf(ctx), action, rule.object, id,
		map[string]any{"method": c.Method(), "path": c.Path()}); err != nil {
		h.Log.ErrorContext(ctx, "audit entry not written", "action", action, "error", err)
	}
	return nil
}

// collections are the last words of paths that a POST adds to.
var collections = map[string]bool{"channels": true, "rules": true, "documents": true, "services": true} //nolint:gochecknoglobals // read-only table

// auditAction names a change for the audit log: object.verb, where the verb is the
// rule's, or create for a POST to a collection, update and delete from the method, or
// the path's last word (delete, toggle, upload, connect); id is the first number in the path.
func auditAction(rule ownerRule, method, path string) (string, int64) {
	var id int64
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, s := range segs {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			id = n
			break
		}
	}
	if rule.action != "" {
		return rule.action, id
	}
	last := segs[len(segs)-1]
	_, err := strconv.ParseInt(last, 10, 64)
	switch {
	case method == fiber.MethodDelete:
		return rule.object + ".delete", id
	case method == fiber.MethodPut || method == fiber.MethodPatch || err == nil:
		return rule.object + ".update", id
	case id == 0 && collections[last]:
		return rule.object + ".create", id
	}
	return rule.object + "." + last, id
}
