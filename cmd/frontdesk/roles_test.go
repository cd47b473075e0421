package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/admin"
)

const (
	staffEmail    = "staff@bright-smile.example"
	staffPassword = "staff-password-1"
)

// staffSession adds a staff member to the demo clinic and signs them in.
func staffSession(t *testing.T, s *testServer) (*http.Client, string, int64) {
	t.Helper()
	u, err := s.app.accounts.CreateUser(context.Background(), s.app.pool, s.ws.ID, staffEmail, "Robin Staff", admin.RoleStaff, staffPassword)
	require.NoError(t, err)
	c := browserClient(t)
	resp := postForm(t, c, s.url+"/admin/login", url.Values{"email": {staffEmail}, "password": {staffPassword}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page := get(t, c, s.url+"/admin")
	csrf := csrfField.FindStringSubmatch(page)
	require.NotNil(t, csrf, page)
	return c, csrf[1], u.ID
}

// settingsAreas are where settings live: every route under them must be owner-only,
// whatever the route table in admin/roles.go says (this list is kept apart from it on
// purpose, so that shrinking the table fails here). Staff may list services, to book.
var settingsAreas = []string{"/admin/settings", "/admin/channels", "/admin/rules", "/admin/workflow", "/admin/context",
	"/admin/calendar/google", "/api/v1/team", "/api/v1/audit", "/api/v1/channels", "/api/v1/context/workspaces",
	"/api/v1/calendar/availability", "/api/v1/calendar/settings"}

// ownSettings are each member's own, under a settings area.
var ownSettings = []string{"/admin/settings/notifications"}

// TestStaffForbiddenOnEverySettingsRoute signs in as staff and calls every owner-only
// route of the app, page and API, expecting 403 and no change to the workspace.
func TestStaffForbiddenOnEverySettingsRoute(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	browser, csrf, _ := staffSession(t, s)
	token, err := s.app.accounts.CreateRoleToken(context.Background(), s.app.pool, s.ws.ID, "staff", admin.RoleStaff)
	require.NoError(t, err)
	before := workspaceSnapshot(t, s, s.ws.ID)

	forbidden, allowed := 0, 0
	for _, r := range s.app.http.GetRoutes(true) {
		isAdmin := strings.HasPrefix(r.Path, "/admin")
		if !isAdmin && !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Path, "/api/v1/portal") ||
			strings.HasPrefix(r.Path, "/admin/invite/") || strings.HasPrefix(r.Path, "/admin/login") {
			continue
		}
		if r.Method == http.MethodHead || r.Method == "USE" || r.Method == http.MethodOptions || r.Method == http.MethodConnect || r.Method == http.MethodTrace {
			continue
		}
		path := routeParam.ReplaceAllStringFunc(r.Path, func(p string) string {
			if strings.HasPrefix(p, ":ws") {
				return s.ws.Slug
			}
			return "1"
		})
		for _, area := range settingsAreas {
			if strings.HasPrefix(path, area) && !slices.ContainsFunc(ownSettings, func(own string) bool { return strings.HasPrefix(path, own) }) {
				require.True(t, admin.OwnerOnly(r.Method, path), "%s %s is a setting but staff may call it", r.Method, r.Path)
			}
		}
		if !admin.OwnerOnly(r.Method, path) {
			allowed++
			continue
		}
		req, err := http.NewRequest(r.Method, s.url+path, strings.NewReader("{}"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		client := http.DefaultClient
		if isAdmin {
			client = browser
			req.Header.Set("X-CSRF-Token", csrf)
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		got := readPage(t, resp, err)
		require.Equal(t, http.StatusForbidden, got.StatusCode, "%s %s as staff: %.300s", r.Method, path, got.Body)
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(got.Body), &body), "%s %s", r.Method, path)
		require.Equal(t, "forbidden", body["code"])
		require.Contains(t, body["error"], "only an owner")
		require.NotEmpty(t, body["request_id"])
		forbidden++
	}
	t.Logf("staff: %d owner-only routes refused, %d routes open to staff", forbidden, allowed)
	require.Greater(t, forbidden, 40)
	require.Equal(t, before, workspaceSnapshot(t, s, s.ws.ID), "staff changed nothing")

	// In the browser: a friendly page, and the staff's own pages work.
	resp, page := get(t, browser, s.url+"/admin/settings")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, page, "only an owner of this workspace can do this")
	for _, p := range []string{"/admin", "/admin/contacts", "/admin/calendar", "/admin/notifications", "/admin/knowledge", "/admin/analytics"} {
		resp, _ := get(t, browser, s.url+p)
		require.Equal(t, http.StatusOK, resp.StatusCode, p)
	}
	// Owners still may.
	owner := s.ownerAPI(t, s.ws.ID)
	status, body := owner.do("GET", "/api/v1/team", nil)
	require.Equal(t, http.StatusOK, status, body)
}

// TestStaffSeeNoSettingsForms: the forms that only an owner may send are not shown to
// staff, who would only get 403 from them.
func TestStaffSeeNoSettingsForms(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	staff, _, _ := staffSession(t, s)
	owner := browserClient(t)
	login(t, s, owner)
	for _, page := range []struct{ path, form, note string }{
		{"/admin/knowledge", `action="/admin/knowledge/upload"`, `/delete" data-confirm`},
		{"/admin/calendar", `action="/admin/calendar/services"`, `action="/admin/calendar/hours"`},
	} {
		resp, body := get(t, owner, s.url+page.path)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, page.form, "the owner has the form")
		require.Contains(t, body, page.note)
		resp, body = get(t, staff, s.url+page.path)
		require.Equal(t, http.StatusOK, resp.StatusCode, "staff may look")
		require.NotContains(t, body, page.form, "staff are not offered what they may not do")
		require.NotContains(t, body, page.note)
	}
	_, body := get(t, staff, s.url+"/admin/partials/knowledge/documents")
	require.NotContains(t, body, `/delete" data-confirm`, "nor in the live-refreshed list")
	require.Contains(t, body, "Location and parking", "the list itself is there")
}
