package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

func TestContextAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	base := "/api/v1/context/workspaces/" + s.ws.Slug + "/schemas"

	status, body := owner.do("GET", base+"/templates", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Len(t, body["templates"], 5)

	// An invalid schema is refused with the path of each offending field.
	status, body = owner.do("PUT", base, `{"schema": {"fields": [{"key": "a", "label": "A", "type": "text"},
		{"key": "b", "label": "B", "type": "single_choice", "options": []}]}}`)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "fields[1].options")
	require.Equal(t, "unprocessable_entity", body["code"])

	status, body = owner.do("POST", base+"/templates/dental", nil)
	require.Equal(t, http.StatusCreated, status, body)
	require.Equal(t, 1.0, body["version"].(map[string]any)["version"])

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900491", Text: "Hi, I'm a new patient with terrible toothache, email me at pat@example.com"})
	require.NoError(t, err)
	path := fmt.Sprintf("/api/v1/context/conversations/%d/contexts", res.ConversationID)
	require.Eventually(t, func() bool {
		_, body := owner.do("GET", path, nil)
		v, _ := body["values"].(map[string]any)
		return v["reason"] == "pain"
	}, 20*time.Second, 50*time.Millisecond, "the pipeline extracted the reason")
	status, body = owner.do("GET", path, nil)
	require.Equal(t, http.StatusOK, status)
	values := body["values"].(map[string]any)
	require.Equal(t, "new", values["patient_status"])
	require.Equal(t, "pat@example.com", values["email"])
	require.Equal(t, "ai", body["meta"].(map[string]any)["reason"].(map[string]any)["set_by"])
	require.Equal(t, 100.0, body["completion"])
	require.Equal(t, 30.0, body["priority"]) // pain 20 + new patient 10
	require.NotEmpty(t, body["history"])

	// The context analytics give each schema field's fill rate.
	status, body = owner.do("GET", "/api/v1/context/workspaces/"+s.ws.Slug+"/analytics?days=7", nil)
	require.Equal(t, http.StatusOK, status, body)
	rates := map[string]float64{}
	for _, r := range body["fill_rates"].([]any) {
		rates[r.(map[string]any)["key"].(string)] = r.(map[string]any)["filled"].(float64)
	}
	require.Equal(t, 1.0, rates["email"], "the e-mail was read from the message")
	require.Contains(t, rates, "pain_level", "a field nobody filled is listed too")
	require.Zero(t, rates["pain_level"])

	// A person's correction, checked per field.
	status, body = owner.do("PATCH", path, map[string]any{"values": map[string]any{"pain_level": 12}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "values.pain_level")
	status, body = owner.do("PATCH", path, map[string]any{"values": map[string]any{"reason": "emergency", "pain_level": 9}})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "user", body["meta"].(map[string]any)["reason"].(map[string]any)["set_by"])
	require.Equal(t, 60.0, body["priority"])
	// Extraction run again leaves the person's reason.
	status, body = owner.do("POST", path+"/extract", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "emergency", body["context"].(map[string]any)["values"].(map[string]any)["reason"])

	// The inbox API sorts by priority.
	other, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900492", Text: "What are your opening hours?"})
	require.NoError(t, err)
	status, body = owner.do("GET", "/api/v1/conversations?sort=priority", nil)
	require.Equal(t, http.StatusOK, status, body)
	convs := body["conversations"].([]any)
	require.Equal(t, float64(res.ConversationID), convs[0].(map[string]any)["id"])
	require.Equal(t, 60.0, convs[0].(map[string]any)["priority"])
	status, body = owner.do("GET", "/api/v1/conversations?sort=recent", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(other.ConversationID), body["conversations"].([]any)[0].(map[string]any)["id"])
	status, _ = owner.do("GET", "/api/v1/conversations?sort=size", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)

	// Changing a field's type needs a choice; a preview says which values would fail.
	status, body = owner.do("GET", base, nil)
	require.Equal(t, http.StatusOK, status)
	cur := body["current"].(map[string]any)["schema"].(map[string]any)
	fields := cur["fields"].([]any)
	for _, f := range fields {
		if f.(map[string]any)["key"] == "email" {
			f.(map[string]any)["type"] = "phone"
		}
	}
	status, body = owner.do("PUT", base, map[string]any{"schema": cur})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "convert or drop")
	status, body = owner.do("POST", base+"/preview", map[string]any{"schema": cur})
	require.Equal(t, http.StatusOK, status, body)
	require.Len(t, body["failures"], 1)
	require.Equal(t, "pat@example.com", body["failures"].([]any)[0].(map[string]any)["value"])
	status, body = owner.do("PUT", base, map[string]any{"schema": cur, "migrate": map[string]string{"email": "drop"}})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, 2.0, body["version"].(map[string]any)["version"])
	status, body = owner.do("GET", base, nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, body["versions"], 2)
	// An old version reads as it was saved: email was still an e-mail field in version 1.
	status, body = owner.do("GET", base+"/1", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, 1.0, body["version"])
	types := map[any]any{}
	for _, f := range body["schema"].(map[string]any)["fields"].([]any) {
		types[f.(map[string]any)["key"]] = f.(map[string]any)["type"]
	}
	require.Equal(t, "email", types["email"])
	status, _ = owner.do("GET", base+"/3", nil)
	require.Equal(t, http.StatusNotFound, status)
	_, body = owner.do("GET", path, nil)
	require.NotContains(t, body["values"], "email")

	// Other workspaces and unknown conversations are 404s.
	status, _ = owner.do("GET", "/api/v1/context/workspaces/other-clinic/schemas", nil)
	require.Equal(t, http.StatusNotFound, status)
	status, _ = owner.do("GET", "/api/v1/context/conversations/999999/contexts", nil)
	require.Equal(t, http.StatusNotFound, status)
	status, _ = owner.do("POST", base+"/templates/bakery", nil)
	require.Equal(t, http.StatusNotFound, status)
}
