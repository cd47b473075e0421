package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/channels/accounts"
)

// Marker strings in workspace B's objects: none may show in a response to workspace A.
const (
	markerContact = "Zebediah Markerson"
	markerMessage = "marker-b-message-7731 how much is whitening"
	markerDoc     = "MarkerDocB price list"
	markerRule    = "MarkerRuleB"
	markerFile    = "marker-b-file.pdf"
	markerNote    = "marker-b-notification"
	markerInvite  = "marker-b-invitee@example.com"
	markerContext = "marker-b-context-value"
)

// isolationParams names the object kind behind each route parameter, by the path's
// prefix. A route under /admin or /api/v1 whose parameter is not covered here fails the
// test: a new route must say what its ids are.
var isolationParams = []struct{ prefix, kind string }{
	{"/admin/conversations/", "conversation"},
	{"/admin/partials/conversations/", "conversation"},
	{"/api/v1/conversations/", "conversation"},
	{"/admin/drafts/", "draft"},
	{"/api/v1/drafts/", "draft"},
	{"/admin/knowledge/documents/", "document"},
	{"/api/v1/knowledge-base/documents/", "document"},
	{"/admin/calendar/appointments/", "appointment"},
	{"/api/v1/calendar/appointments/", "appointment"},
	{"/api/v1/calendar/services/", "service"},
	{"/admin/calendar/resources/", "resource"},
	{"/api/v1/calendar/resources/", "resource"},
	{"/admin/calendar/exceptions/", "exception"},
	{"/admin/channels/", "channel"},
	{"/api/v1/channels/", "channel"},
	{"/admin/attachments/", "attachment"},
	{"/admin/rules/", "rule"},
	{"/admin/contacts/", "contact"},
	{"/api/v1/contacts/", "contact"},
	{"/api/v1/context/workspaces/", "rule"},
	{"/admin/settings/team/invites/", "invite"},
	{"/api/v1/team/invites/", "invite"},
	{"/admin/settings/team/members/", "member"},
	{"/api/v1/team/members/", "member"},
	{"/api/v1/notifications/", "notification"},
	{"/api/v1/context/conversations/", "conversation"},
	{"/admin/context/versions/", "schema_version"},
}

// isolationSkips are routes not called, with why.
var isolationSkips = map[string]string{
	"GET /admin/events":  "a live stream that never ends; its events are filtered by workspace in internal/live",
	"POST /admin/logout": "would end A's session mid-test",
	"HEAD /admin/events": "a live stream",
	"GET /admin/login":   "public",
	"POST /admin/login":  "public",
	// The token is the credential and names its workspace; TestTeamInviteAcceptAndManage covers it.
	"GET /admin/invite/:token":  "public",
	"POST /admin/invite/:token": "public",
}

var routeParam = regexp.MustCompile(`:([a-zA-Z]+)(<[^>]*>)?`)

func TestTenantIsolationEveryRoute(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	a := s.app
	b := s.ws // B is the demo clinic, with documents, services and a user; more is added below.
	ownerB := s.ownerAPI(t, b.ID)

	// B's objects of every kind.
	ids := map[string]int64{}
	customer := s.portalSession(t, ownerB, "+447700900987", markerContact)
	_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": markerMessage})
	d := waitDraft(t, ownerB, msg["id"].(float64))
	ids["draft"], ids["conversation"] = int64(d["id"].(float64)), int64(d["conversation_id"].(float64))
	var contact int64
	require.NoError(t, a.pool.QueryRow(ctx, "SELECT contact_id FROM conversations WHERE workspace_id = $1 AND id = $2",
		b.ID, ids["conversation"]).Scan(&contact))
	ids["contact"] = contact
	var attachment int64
	require.NoError(t, a.pool.QueryRow(ctx, `INSERT INTO attachments (workspace_id, message_id, status, file_name)
		VALUES ($1, $2, 'failed', $3) RETURNING id`, b.ID, int64(msg["id"].(float64)), markerFile).Scan(&attachment))
	ids["attachment"] = attachment
	var err error
	docID, err := a.knowledge.AddText(ctx, a.pool, b.ID, markerDoc, "Whitening costs 250 pounds at the marker clinic.")
	require.NoError(t, err)
	ids["document"] = docID
	status, rule := ownerB.do("POST", "/api/v1/context/workspaces/"+b.Slug+"/rules", `{"name": "`+markerRule+`", "trigger": "new_message",
		"actions": [{"type": "add_tag", "tag": "marker"}]}`)
	require.Equal(t, http.StatusCreated, status, rule)
	ids["rule"] = int64(rule["id"].(float64))
	status, _ = ownerB.do("POST", "/api/v1/context/workspaces/"+b.Slug+"/schemas/templates/general", nil)
	require.Equal(t, http.StatusCreated, status)
	ids["schema_version"] = 1 // numbered per workspace: A, with none, must find no version 1
	status, ctxB := ownerB.do("PATCH", fmt.Sprintf("/api/v1/context/conversations/%d/contexts", ids["conversation"]),
		map[string]any{"values": map[string]any{"topic": markerContext}})
	require.Equal(t, http.StatusOK, status, ctxB)
	acc, cred, err := accounts.Check(accounts.Input{Kind: accounts.Twilio, AccountSID: "AC" + strings.Repeat("7", 32),
		AuthToken: strings.Repeat("b", 32), PhoneNumber: "+15550007777"}, "US")
	require.NoError(t, err)
	acc, err = a.channels.Create(ctx, a.pool, b.ID, acc, cred)
	require.NoError(t, err)
	ids["channel"] = acc.ID
	require.NoError(t, a.conv.Notify(ctx, b.ID, "test", markerNote, ids["conversation"]))
	var note, ownerUserB int64
	require.NoError(t, a.pool.QueryRow(ctx, "SELECT id FROM notifications WHERE workspace_id = $1 AND title = $2", b.ID, markerNote).Scan(&note))
	ids["notification"] = note
	require.NoError(t, a.pool.QueryRow(ctx, "SELECT id FROM users WHERE workspace_id = $1 AND email = $2", b.ID, demoEmail).Scan(&ownerUserB))
	loc := b.Location()
	monday := nextWeekday(loc, time.Monday)
	ids["service"] = int64(calendarSetup(t, ownerB, monday))
	status, appt := ownerB.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": ids["service"], "start": time.Date(monday.Year(), monday.Month(), monday.Day(), 11, 0, 0, 0, loc).Format(time.RFC3339),
		"contact_phone": "+447700900987", "contact_name": markerContact,
	})
	require.Equal(t, http.StatusCreated, status, appt)
	ids["appointment"] = int64(appt["id"].(float64))
	resB, err := a.booking.CreateResource(ctx, a.pool, b.ID, booking.Resource{Name: "Marker room", Kind: booking.KindRoom})
	require.NoError(t, err)
	ids["resource"] = resB.ID
	ids["exception"], err = a.booking.AddException(ctx, a.pool, b.ID, booking.Exception{Day: booking.LocalDate(monday.AddDate(0, 0, 9), loc), Closed: true, ResourceID: &resB.ID})
	require.NoError(t, err)
	invite, _, err := a.accounts.CreateInvite(ctx, a.pool, b.ID, 0, markerInvite, "staff")
	require.NoError(t, err)
	ids["invite"] = invite.ID
	var member int64
	require.NoError(t, a.pool.QueryRow(ctx, "SELECT id FROM users WHERE workspace_id = $1 ORDER BY id LIMIT 1", b.ID).Scan(&member))
	ids["member"] = member
	markers := []string{markerInvite, demoEmail, markerContact, "marker-b-message-7731", markerDoc, markerRule, markerFile, markerNote, markerContext, b.Name, "+447700900987", "+15550007777"}

	// A: a workspace of its own, with a signed-in owner and an API token.
	wsA, err := a.conv.CreateWorkspace(ctx, a.pool, "isolation-a", "Isolation A", "UTC", "GB")
	require.NoError(t, err)
	_, err = a.accounts.CreateUser(ctx, a.pool, wsA.ID, "owner@isolation-a.example", "A Owner", "owner", "a-password-long")
	require.NoError(t, err)
	tokenA, err := a.accounts.CreateToken(ctx, a.pool, wsA.ID, "isolation")
	require.NoError(t, err)
	browserA := browserClient(t)
	resp := postForm(t, browserA, s.url+"/admin/login", url.Values{"email": {"owner@isolation-a.example"}, "password": {"a-password-long"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page := get(t, browserA, s.url+"/admin/settings")
	csrf := csrfField.FindStringSubmatch(page)
	require.NotNil(t, csrf)

	before := workspaceSnapshot(t, s, b.ID)
	called := 0
	for _, r := range a.http.GetRoutes(true) {
		admin := strings.HasPrefix(r.Path, "/admin")
		if !admin && !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Path, "/api/v1/portal") {
			continue // customer, webhook and public routes: not a workspace member's
		}
		if r.Method == http.MethodHead || r.Method == "USE" || r.Method == http.MethodOptions || r.Method == http.MethodConnect || r.Method == http.MethodTrace {
			continue
		}
		key := r.Method + " " + r.Path
		if _, skip := isolationSkips[key]; skip {
			continue
		}
		// :ws is a workspace slug: B's, and A's own with B's object ids.
		for _, slug := range []string{b.Slug, wsA.Slug} {
			if slug == wsA.Slug && !strings.Contains(r.Path, ":ws") {
				continue
			}
			path := routeParam.ReplaceAllStringFunc(r.Path, func(p string) string {
				if strings.HasPrefix(p, ":ws") {
					return slug
				}
				for _, ip := range isolationParams {
					if strings.HasPrefix(r.Path, ip.prefix) {
						id, ok := ids[ip.kind]
						require.True(t, ok, "no %s of B was made", ip.kind)
						return fmt.Sprint(id)
					}
				}
				t.Fatalf("route %s has parameter %s that the isolation test does not know: add it to isolationParams", key, p)
				return ""
			})
			// With A's own slug only routes that also name a B id must refuse.
			withB := path != r.Path && (slug != wsA.Slug || strings.Contains(r.Path, ":id"))
			callAsA(t, s.url, r.Method, path, withB, admin, browserA, csrf[1], tokenA, markers)
			called++
		}
	}
	t.Logf("called %d admin and API routes as workspace A", called)
	require.Greater(t, called, 40, "the routes were enumerated")
	// Ids of B in query strings too.
	for _, p := range []string{
		fmt.Sprintf("/admin/knowledge?doc=%d", ids["document"]),
		fmt.Sprintf("/admin/partials/conversations?selected=%d", ids["conversation"]),
		fmt.Sprintf("/admin/rules/%d?page=1", ids["rule"]),
	} {
		resp, body := get(t, browserA, s.url+p)
		for _, m := range markers {
			require.NotContains(t, body, m, "%s (%d) leaked B's data", p, resp.StatusCode)
		}
	}
	// A user of B named in the query string of the e-mail preferences API.
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		callAsA(t, s.url, m, fmt.Sprintf("/api/v1/notification-preferences?user_id=%d", ownerUserB), true, false, browserA, csrf[1], tokenA,
			append(markers, demoEmail))
	}
	require.Equal(t, before, workspaceSnapshot(t, s, b.ID), "nothing of B changed")
}

// workspaceSnapshot digests every row of every table with a workspace_id that belongs to ws.
func workspaceSnapshot(t *testing.T, s *testServer, ws int64) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.app.pool.Query(ctx, `SELECT table_name FROM information_schema.columns
		WHERE column_name = 'workspace_id' AND table_schema = current_schema() AND table_name <> 'api_tokens'`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	out := map[string]string{}
	for _, tbl := range tables {
		var sum *string
		require.NoError(t, s.app.pool.QueryRow(ctx, fmt.Sprintf(
			`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM %s t WHERE workspace_id = $1`,
			pgx.Identifier{tbl}.Sanitize()), ws).Scan(&sum))
		if sum != nil {
			out[tbl] = *sum
		}
	}
	require.NotEmpty(t, out)
	return out
}

// callAsA calls one route as workspace A: a page with A's session (and a valid CSRF
// token, so that it is the workspace check that refuses), the API with A's token.
// withB says the path names B's objects: then only 404 or 403 (or an input error before
// any lookup) will do. Either way no marker of B may appear.
func callAsA(t *testing.T, base, method, path string, withB, admin bool, browser *http.Client, csrf, token string, markers []string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	client := http.DefaultClient
	if admin {
		client = browser
		req.Header.Set("X-CSRF-Token", csrf)
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	got := readPage(t, resp, err)
	if withB && got.StatusCode < 300 {
		t.Errorf("%s %s answered %d for B's object: %.300s", method, path, got.StatusCode, got.Body)
	}
	for _, m := range markers {
		require.NotContains(t, got.Body, m, "%s %s (%d) leaked B's data", method, path, got.StatusCode)
	}
}
