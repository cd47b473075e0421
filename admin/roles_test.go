package admin

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOwnerOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path string
		owner        bool
	}{
		{"GET", "/admin/settings", true},
		{"POST", "/admin/settings/team/members/4/role", true},
		{"GET", "/admin/settingsx", false},
		{"GET", "/admin", false},
		{"POST", "/admin/drafts/3/approve", false},
		{"POST", "/admin/conversations/3/assign", false},
		{"GET", "/admin/knowledge", false},
		{"POST", "/admin/knowledge/documents/9/delete", true},
		{"POST", "/admin/attachments/9/knowledge", true},
		{"GET", "/admin/attachments/9", false},
		{"POST", "/admin/calendar/appointments/5/cancel", false},
		{"POST", "/admin/calendar/hours", true},
		{"GET", "/admin/contacts/5", false},
		{"HEAD", "/admin/contacts/5/export", true},
		{"POST", "/api/v1/knowledge-base/search", false},
		{"DELETE", "/api/v1/knowledge-base/documents/4", true},
		{"DELETE", "/api/v1/contacts/4", true},
		{"GET", "/api/v1/contacts/4", false},
		{"PATCH", "/api/v1/calendar/appointments/4", false},
		{"GET", "/api/v1/context/workspaces/x/rules", true},
	} {
		require.Equal(t, tc.owner, OwnerOnly(tc.method, tc.path), "%s %s", tc.method, tc.path)
	}
}

func TestAuditAction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path, action string
		id                   int64
	}{
		{"POST", "/admin/channels", "channel.create", 0},
		{"POST", "/admin/channels/7/delete", "channel.delete", 7},
		{"DELETE", "/api/v1/channels/7", "channel.delete", 7},
		{"POST", "/admin/rules/3/toggle", "rule.toggle", 3},
		{"PUT", "/api/v1/context/workspaces/clinic/rules/3", "rule.update", 3},
		{"POST", "/api/v1/context/workspaces/clinic/rules", "rule.create", 0},
		{"POST", "/admin/knowledge/upload", "document.upload", 0},
		{"POST", "/admin/calendar/hours", "calendar.hours", 0},
		{"POST", "/admin/calendar/google/disconnect", "calendar.disconnect", 0},
		{"POST", "/api/v1/calendar/appointments/12/cancel", "appointment.cancel", 12},
		{"PATCH", "/api/v1/calendar/appointments/12", "appointment.move", 12},
	} {
		rule, ok := ownerRuleFor(tc.method, tc.path)
		if !ok {
			rule, ok = matchRule(auditedForAll, tc.method, tc.path)
		}
		require.True(t, ok, tc.path)
		action, id := auditAction(rule, tc.method, tc.path)
		require.Equal(t, tc.action, action, "%s %s", tc.method, tc.path)
		require.Equal(t, tc.id, id)
	}
}
