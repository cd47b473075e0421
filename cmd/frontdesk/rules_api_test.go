package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

func TestRulesAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	base := "/api/v1/context/workspaces/bright-smile/rules"

	status, body := owner.do("POST", base, `{"name": "Bad", "trigger": "new_message", "conditions": {"all": [{"field": "intent", "op": "near"}]}, "actions": [{"type": "add_tag", "tag": "x"}]}`)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "conditions.all[0].op")

	status, body = owner.do("POST", base, `{"name": "Complaints", "trigger": "new_message", "priority": 5,
		"conditions": {"any": [{"field": "intent", "op": "equals", "value": "complaint"}, {"field": "message.text", "op": "contains", "value": "refund"}]},
		"actions": [{"type": "add_tag", "tag": "urgent"}, {"type": "notify", "message": "Unhappy customer"}]}`)
	require.Equal(t, http.StatusCreated, status, body)
	id := formatID(body["id"])

	// The workspace in the path must be the token's own, by slug or id.
	status, _ = owner.do("GET", "/api/v1/context/workspaces/other-clinic/rules", nil)
	require.Equal(t, http.StatusNotFound, status)
	status, body = owner.do("GET", "/api/v1/context/workspaces/"+formatID(float64(s.ws.ID))+"/rules", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, body["rules"], 1)

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900481", Text: "I want a refund, the filling fell out"})
	require.NoError(t, err)
	conv := formatID(float64(res.ConversationID))

	status, body = owner.do("POST", base+"/"+id+"/test", map[string]any{"conversation_id": res.ConversationID})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, true, body["matched"])
	require.Equal(t, []any{"add_tag urgent", "notify: Unhappy customer"}, body["actions"])

	require.Eventually(t, func() bool {
		_, body := owner.do("GET", base+"/"+id+"/runs", nil)
		runs := body["runs"].([]any)
		return len(runs) == 1 && runs[0].(map[string]any)["matched"] == true
	}, 20*time.Second, 50*time.Millisecond, "the rule ran on the new message")
	status, body = owner.do("GET", base+"/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, 1.0, body["success_rate"])
	require.Equal(t, conv, formatID(float64(res.ConversationID)))

	status, body = owner.do("POST", base+"/"+id+"/toggle", map[string]any{"enabled": false})
	require.Equal(t, http.StatusOK, status, body)
	status, body = owner.do("PUT", base+"/"+id, `{"name": "Complaints v2", "trigger": "draft_rejected", "actions": [{"type": "set_status", "status": "review"}]}`)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "Complaints v2", body["rule"].(map[string]any)["name"])
	status, _ = owner.do("DELETE", base+"/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	status, _ = owner.do("GET", base+"/"+id, nil)
	require.Equal(t, http.StatusNotFound, status)
}

func TestRulesPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/rules")
	require.Contains(t, page, "Add a rule")
	csrf := csrfField.FindStringSubmatch(page)[1]

	resp := postForm(t, c, s.url+"/admin/rules", url.Values{"_csrf": {csrf}, "definition": {`{"name": "x", "trigger": "whenever", "actions": []}`}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "<code>trigger</code>")
	require.Contains(t, resp.Body, "<code>actions</code>")
	require.Contains(t, resp.Body, "whenever", "the owner's text is kept to fix")

	resp = postForm(t, c, s.url+"/admin/rules", url.Values{"_csrf": {csrf}, "definition": {`{"name": "Pain after hours",
		"trigger": "new_message", "conditions": {"field": "message.text", "op": "contains", "value": "pain"},
		"actions": [{"type": "add_tag", "tag": "urgent"}]}`}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	_, page = get(t, c, s.url+"/admin/rules")
	require.Contains(t, page, "Pain after hours")

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900482", Text: "I am in pain, can I come today?"})
	require.NoError(t, err)
	list, err := s.app.rules.List(context.Background(), s.app.pool, s.ws.ID, 0)
	require.NoError(t, err)
	id := strconv.FormatInt(list[0].ID, 10)
	_, page = get(t, c, s.url+"/admin/rules/"+id+"?conversation_id="+strconv.FormatInt(res.ConversationID, 10))
	require.Contains(t, page, "It would match.")
	require.Contains(t, page, "add_tag urgent")
	require.Eventually(t, func() bool {
		_, page := get(t, c, s.url+"/admin/rules/"+id)
		return strings.Contains(page, "#"+strconv.FormatInt(res.ConversationID, 10))
	}, 20*time.Second, 100*time.Millisecond, "the run is listed")

	// The rule page edits the rule: the same builder and JSON, errors by path.
	require.Contains(t, page, `action="/admin/rules/`+id+`" id="add-rule"`)
	require.Contains(t, page, "Save rule")
	resp = postForm(t, c, s.url+"/admin/rules/"+id, url.Values{"_csrf": {csrf}, "definition": {`{"name": "Pain", "trigger": "new_message", "actions": [{"type": "add_tag"}]}`}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "actions[0].tag")
	resp = postForm(t, c, s.url+"/admin/rules/"+id, url.Values{"_csrf": {csrf}, "definition": {`{"name": "Pain, any time",
		"trigger": "new_message", "conditions": {"field": "message.text", "op": "contains", "value": "pain"},
		"actions": [{"type": "add_tag", "tag": "pain"}]}`}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	require.Equal(t, "/admin/rules/"+id, resp.Header.Get("Location"))
	list, err = s.app.rules.List(context.Background(), s.app.pool, s.ws.ID, list[0].ID)
	require.NoError(t, err)
	require.Equal(t, "Pain, any time", list[0].Rule.Name)

	resp = postForm(t, c, s.url+"/admin/rules/"+id+"/toggle", url.Values{"_csrf": {csrf}, "enabled": {"false"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = get(t, c, s.url+"/admin/rules")
	require.Contains(t, page, "Turn on")
}
