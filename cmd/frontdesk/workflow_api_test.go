package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

func TestWorkflowAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	base := "/api/v1/context/workspaces/" + s.ws.Slug

	status, body := owner.do("GET", base+"/workflow", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, false, body["saved"])
	require.Equal(t, []any{"new", "qualified", "booked", "won", "lost"}, body["workflow"].(map[string]any)["statuses"])

	status, body = owner.do("PUT", base+"/workflow", `{"statuses": ["new", "won"], "transitions": {"new": ["lost"]}, "automatic": []}`)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "transitions.new[0]")
	require.Equal(t, "unprocessable_entity", body["code"])
	status, body = owner.do("PUT", base+"/workflow", `{"statuses": ["new"], "transition": {}}`)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "unknown field")

	status, body = owner.do("PUT", base+"/workflow", `{"statuses": ["new", "qualified", "won", "lost"],
		"transitions": {"new": ["qualified", "lost"], "qualified": ["won", "lost"]},
		"automatic": [{"when": "appointment_booked", "to": "qualified"}]}`)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, true, body["saved"])

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900731", Text: "Hello, I need a check-up"})
	require.NoError(t, err)
	conv := "/api/v1/context/conversations/" + strconv.FormatInt(res.ConversationID, 10) + "/status"

	status, body = owner.do("POST", conv, map[string]string{"status": "won"})
	require.Equal(t, http.StatusConflict, status, body)
	require.Contains(t, body["error"], "new → won")
	require.Contains(t, body["error"], "qualified, lost")
	require.NotEmpty(t, body["request_id"])
	status, body = owner.do("POST", conv, map[string]string{})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	status, body = owner.do("POST", conv, map[string]string{"status": "qualified"})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "qualified", body["status"])
	require.Equal(t, []any{"won", "lost"}, body["next"])
	ctxStatus := "/api/v1/context/conversations/" + strconv.FormatInt(res.ConversationID, 10) + "/contexts/change-status"
	status, body = owner.do("POST", ctxStatus, map[string]string{"status": "new"})
	require.Equal(t, http.StatusConflict, status, body)
	require.Contains(t, body["error"], "qualified → new")
	status, _ = owner.do("POST", "/api/v1/context/conversations/987654/status", map[string]string{"status": "qualified"})
	require.Equal(t, http.StatusNotFound, status)

	status, body = owner.do("GET", base+"/analytics?days=7", nil)
	require.Equal(t, http.StatusOK, status, body)
	funnel := body["funnel"].([]any)
	require.Equal(t, map[string]any{"status": "qualified", "conversations": 1.0}, funnel[1])
	require.Equal(t, []any{map[string]any{"from": "new", "to": "qualified", "source": "person", "count": 1.0}}, body["transitions"])
	rulesOut := body["rules"].([]any)
	require.Len(t, rulesOut, 1, "the automatic move is a rule")
	require.Equal(t, true, rulesOut[0].(map[string]any)["workflow"])
	require.NotNil(t, body["fields"])
	status, _ = owner.do("GET", base+"/analytics?days=x", nil)
	require.Equal(t, http.StatusBadRequest, status)
}

func TestWorkflowPageAndInboxStatus(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/workflow")
	require.Contains(t, page, "Not saved yet")
	require.Contains(t, page, `value="new>qualified"`)
	csrf := csrfField.FindStringSubmatch(page)[1]

	form := url.Values{"_csrf": {csrf}, "statuses": {"new, qualified, won"},
		"transition": {"new>qualified", "qualified>won"},
		"auto_when":  {"no_reply", ""}, "auto_hours": {"", ""}, "auto_field": {"", ""}, "auto_from": {"", ""}, "auto_to": {"won", ""}}
	resp := postForm(t, c, s.url+"/admin/workflow", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "must be 1 to 2160 hours", "the error is shown next to the row")
	require.Contains(t, resp.Body, `value="new, qualified, won"`, "the owner's input is kept")

	form.Set("auto_hours", "24")
	form["auto_hours"] = []string{"24", ""}
	form["auto_from"] = []string{"qualified", ""}
	resp = postForm(t, c, s.url+"/admin/workflow", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	w, saved, err := s.app.rules.Workflow(context.Background(), s.app.pool, s.ws.ID)
	require.NoError(t, err)
	require.True(t, saved)
	require.Equal(t, []string{"new", "qualified", "won"}, w.Statuses)
	require.Equal(t, 24, w.Automatic[0].Hours)
	_, page = get(t, c, s.url+"/admin/rules")
	require.Contains(t, page, "Workflow: won after 24 h without a reply")

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900732", Text: "Hi there"})
	require.NoError(t, err)
	id := strconv.FormatInt(res.ConversationID, 10)
	_, page = get(t, c, s.url+"/admin/conversations/"+id)
	require.Contains(t, page, `id="status-now">new<`)
	require.Contains(t, page, `<option value="qualified">qualified</option>`)
	require.NotContains(t, page, `<option value="won">`, "new may not move to won")

	resp = postForm(t, c, s.url+"/admin/conversations/"+id+"/status", url.Values{"_csrf": {csrf}, "status": {"won"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Contains(t, resp.Body, "new → won")
	resp = postForm(t, c, s.url+"/admin/conversations/"+id+"/status", url.Values{"_csrf": {csrf}, "status": {"qualified"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	_, page = get(t, c, s.url+"/admin/conversations/"+id)
	require.Contains(t, page, `id="status-now">qualified<`)
	_, page = get(t, c, s.url+"/admin/workflow")
	require.Contains(t, page, "<tr><td>new</td><td>qualified</td><td>person</td><td>1</td></tr>", "the move is counted")
}
