package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// conversationWithDraft makes a customer write in through the portal and returns the
// conversation's and the draft's ids.
func conversationWithDraft(t *testing.T, s *testServer, owner apiClient, phone, name, text string) (conv, draft int64) {
	t.Helper()
	customer := s.portalSession(t, owner, phone, name)
	status, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": text})
	require.Equal(t, http.StatusCreated, status, msg)
	d := waitDraft(t, owner, msg["id"].(float64))
	return int64(d["conversation_id"].(float64)), int64(d["id"].(float64))
}

func TestAssignConversation(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	api := s.ownerAPI(t, s.ws.ID)
	conv, draft := conversationWithDraft(t, s, api, "+447700900555", "Jane Assignee", "Do you open on Saturdays?")
	staff, staffCSRF, staffID := staffSession(t, s)
	owner, ownerCSRF := ownerSession(t, s)
	convPath := fmt.Sprintf("%s/admin/conversations/%d", s.url, conv)
	inList := fmt.Sprintf(`data-conversation-id="%d"`, conv)

	// The owner assigns the conversation to the staff member from the thread pane.
	_, page := get(t, owner, convPath)
	require.Contains(t, page, `id="assign-form"`)
	require.Contains(t, page, "Robin Staff")
	resp := postForm(t, owner, convPath+"/assign", url.Values{"_csrf": {ownerCSRF}, "user_id": {fmt.Sprint(staffID)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)

	// Only the assignee is notified.
	_, page = get(t, staff, s.url+"/admin/notifications")
	require.Contains(t, page, demoEmail+" assigned you the conversation with Jane Assignee")
	_, page = get(t, owner, s.url+"/admin/notifications")
	require.NotContains(t, page, "assigned you")
	_, count := get(t, staff, s.url+"/admin/partials/notifications/count")
	require.Contains(t, count, `"unread":`)
	require.NotContains(t, count, `"unread":0`)

	// Filters: assigned to me, unassigned.
	_, page = get(t, staff, s.url+"/admin?assigned=me")
	require.Contains(t, page, inList)
	_, page = get(t, owner, s.url+"/admin?assigned=me")
	require.NotContains(t, page, inList)
	_, page = get(t, owner, s.url+"/admin?assigned=none")
	require.NotContains(t, page, inList)
	_, page = get(t, staff, s.url+"/admin/partials/conversations?assigned=me")
	require.Contains(t, page, inList)
	require.Contains(t, page, "Robin Staff")

	// Staff approve the draft (with an edit): allowed, and audited under their name.
	resp = postForm(t, staff, fmt.Sprintf("%s/admin/drafts/%d/approve", s.url, draft), url.Values{"_csrf": {staffCSRF}, "content": {"Yes, 9 to 1 on Saturdays."}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)

	// The API: unassign, filter, and a member that is not one.
	status, body := api.do("POST", fmt.Sprintf("/api/v1/conversations/%d/assign", conv), map[string]any{"user_id": 0})
	require.Equal(t, http.StatusOK, status, body)
	require.Nil(t, body["assigned_to"])
	status, body = api.do("GET", "/api/v1/conversations?assigned=none", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Len(t, body["conversations"], 1)
	status, body = api.do("POST", fmt.Sprintf("/api/v1/conversations/%d/assign", conv), map[string]any{"user_id": 999999})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	status, body = api.do("POST", fmt.Sprintf("/api/v1/conversations/%d/assign", conv), map[string]any{})
	require.Equal(t, http.StatusBadRequest, status, body)

	var actions []string
	rows, err := s.app.pool.Query(ctx, `SELECT actor || ' ' || action FROM audit_log WHERE workspace_id = $1 AND object_type IN ('conversation', 'draft') ORDER BY id`, s.ws.ID)
	require.NoError(t, err)
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{demoEmail + " conversation.assigned", staffEmail + " draft.edited", "api conversation.unassigned"}, actions)
}

func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	api := s.ownerAPI(t, s.ws.ID)
	owner, csrf := ownerSession(t, s)

	// Changes through the API and the pages, each audited.
	status, rule := api.do("POST", "/api/v1/context/workspaces/"+s.ws.Slug+"/rules", `{"name": "Tag complaints", "trigger": "new_message",
		"actions": [{"type": "add_tag", "tag": "audit"}]}`)
	require.Equal(t, http.StatusCreated, status, rule)
	status, _ = api.do("DELETE", fmt.Sprintf("/api/v1/context/workspaces/%s/rules/%d", s.ws.Slug, int64(rule["id"].(float64))), nil)
	require.Equal(t, http.StatusOK, status)
	resp := postForm(t, owner, s.url+"/admin/settings/team/invites", url.Values{"_csrf": {csrf}, "email": {"new@bright-smile.example"}, "role": {"staff"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	// Sixty older entries, to page through.
	_, err := s.app.pool.Exec(ctx, `INSERT INTO audit_log (workspace_id, actor, action, object_type, object_id, created_at)
		SELECT $1, 'old@bright-smile.example', 'draft.approved', 'draft', g, now() - interval '10 days' - g * interval '1 minute'
		FROM generate_series(1, 60) g`, s.ws.ID)
	require.NoError(t, err)

	resp, page := get(t, owner, s.url+"/admin/settings/audit")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"rule.create", "rule.delete", "invite.created", "api", demoEmail, `rel="next"`} {
		require.Contains(t, page, want)
	}
	_, page = get(t, owner, s.url+"/admin/settings/audit?page=2")
	require.Contains(t, page, `rel="prev"`)
	require.NotContains(t, page, `rel="next"`)
	var total int
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE workspace_id = $1`, s.ws.ID).Scan(&total))
	require.Equal(t, total-50, strings.Count(page, "<tr>")-1, "the second page holds the rest")

	_, page = get(t, owner, s.url+"/admin/settings/audit?action=rule")
	require.Contains(t, page, "<td>rule.create</td>")
	require.NotContains(t, page, "<td>invite.created</td>")
	require.NotContains(t, page, "<td>draft.approved</td>")
	_, page = get(t, owner, s.url+"/admin/settings/audit?actor="+url.QueryEscape(demoEmail))
	require.Contains(t, page, "<td>invite.created</td>")
	require.NotContains(t, page, "<td>rule.create</td>")
	today := time.Now().In(s.ws.Location())
	_, page = get(t, owner, s.url+"/admin/settings/audit?from="+today.AddDate(0, 0, 1).Format("2006-01-02"))
	require.Contains(t, page, "No entries match.")
	_, page = get(t, owner, s.url+"/admin/settings/audit?to="+today.AddDate(0, 0, -5).Format("2006-01-02"))
	require.Contains(t, page, "<td>draft.approved</td>")
	require.NotContains(t, page, "<td>rule.create</td>")
	resp, _ = get(t, owner, s.url+"/admin/settings/audit?from=yesterday")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// CSV, with the same filters.
	resp, body := get(t, owner, s.url+"/admin/settings/audit.csv?object_type=rule")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/csv")
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"time", "actor", "action", "object_type", "object_id", "detail"}, records[0])
	require.Len(t, records, 3)
	require.Equal(t, "rule.delete", records[1][2])
	require.Equal(t, "api", records[1][1])

	// The API mirror.
	status, got := api.do("GET", "/api/v1/audit?object_type=invite", nil)
	require.Equal(t, http.StatusOK, status, got)
	require.Len(t, got["entries"], 1)
	require.Equal(t, false, got["more"])
}

// TestCalendarChangesAudited: set-up by the owner and appointments booked and cancelled
// by anyone are audited by the role middleware, under who did them.
func TestCalendarChangesAudited(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	api := s.ownerAPI(t, s.ws.ID)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	service := calendarSetup(t, api, monday)
	status, appt := api.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": service, "start": time.Date(monday.Year(), monday.Month(), monday.Day(), 11, 0, 0, 0, loc).Format(time.RFC3339),
		"contact_phone": "+447700900321", "contact_name": "Cal Audit",
	})
	require.Equal(t, http.StatusCreated, status, appt)
	id := int64(appt["id"].(float64))
	staff, csrf, _ := staffSession(t, s)
	resp := postForm(t, staff, fmt.Sprintf("%s/admin/calendar/appointments/%d/cancel", s.url, id), url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)

	rows, err := s.app.pool.Query(ctx, `SELECT actor || ' ' || action || ' ' || coalesce(object_id, 0) FROM audit_log
		WHERE workspace_id = $1 AND object_type IN ('service', 'calendar', 'appointment') ORDER BY id`, s.ws.ID)
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		got = append(got, line)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"api service.create 0", "api calendar.hours 0", "api calendar.settings 0", "api appointment.book 0",
		fmt.Sprintf("%s appointment.cancel %d", staffEmail, id)}, got)
}
