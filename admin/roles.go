package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ownerRule names routes only an owner may call: a method ("*" for any) and a path
// pattern matched segment by segment against the start of the request's path, where
// ":id" stands for any one segment.
type ownerRule struct{ method, pattern string }

// ownerOnly is the one list of what staff may not do. Staff work the inbox (read,
// approve, edit, reject, assign), contacts (read, merge), appointments (book, move,
// cancel), notifications, analytics, knowledge search and portal links. Whatever
// changes how the business or its assistant is set up, or takes data out in bulk or for
// good, is an owner's. Documented in docs/api.md ("Roles").
var ownerOnly = []ownerRule{ //nolint:gochecknoglobals // read-only table
	// Persona, approval policy, preview, team, audit log.
	{"*", "/admin/settings"},
	{"*", "/api/v1/team"},
	{"*", "/api/v1/audit"},
	// Channel accounts hold the business's credentials.
	{"*", "/admin/channels"},
	{"*", "/api/v1/channels"},
	// Business rules and context schemas.
	{"*", "/admin/rules"},
	{"*", "/api/v1/context"},
	// The knowledge base decides what the assistant says: staff may read and search it.
	{"POST", "/admin/knowledge"},
	{"POST", "/admin/attachments/:id/knowledge"},
	{"POST", "/api/v1/knowledge-base/upload"},
	{"POST", "/api/v1/knowledge-base/documents"},
	{"PUT", "/api/v1/knowledge-base/documents"},
	{"DELETE", "/api/v1/knowledge-base/documents"},
	// Calendar set-up: services, opening hours, booking settings, Google.
	{"POST", "/admin/calendar/services"},
	{"POST", "/admin/calendar/hours"},
	{"POST", "/admin/calendar/settings"},
	{"*", "/admin/calendar/google"},
	{"POST", "/api/v1/calendar/services"},
	{"PUT", "/api/v1/calendar/availability"},
	{"PUT", "/api/v1/calendar/settings"},
	// Bulk export, export of one person's data, and erasure (GDPR requests).
	{"GET", "/admin/contacts.csv"},
	{"GET", "/admin/contacts/:id/export"},
	{"POST", "/admin/contacts/:id/erase"},
	{"GET", "/api/v1/contacts.csv"},
	{"GET", "/api/v1/contacts/:id/export"},
	{"DELETE", "/api/v1/contacts"},
}

// OwnerOnly says whether a request needs an owner.
func OwnerOnly(method, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range ownerOnly {
		if r.method != "*" && r.method != method && (method != fiber.MethodHead || r.method != fiber.MethodGet) {
			continue
		}
		if matchPrefix(strings.Split(strings.Trim(r.pattern, "/"), "/"), segs) {
			return true
		}
	}
	return false
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

// forbidStaff refuses owner-only routes to staff sessions and staff tokens: 403 with the
// JSON error shape for the API, a short page in the browser (see ErrorHandler).
func forbidStaff(c *fiber.Ctx, role string) error {
	if role != RoleOwner && OwnerOnly(c.Method(), c.Path()) {
		return fiber.NewError(fiber.StatusForbidden, "only an owner of this workspace can do this; ask an owner to change it for you")
	}
	return c.Next()
}
