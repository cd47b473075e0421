package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	out := map[string]any{}
	raw := readAll(c.t, resp.Body)
	require.NoError(c.t, json.Unmarshal([]byte(raw), &out), "response to %s %s is not JSON: %s", method, path, raw)
	return resp.StatusCode, out
}

func (s *testServer) ownerAPI(t *testing.T, ws int64) apiClient {
	t.Helper()
	token, err := s.app.accounts.CreateToken(context.Background(), s.app.pool, ws, "test")
	require.NoError(t, err)
	return apiClient{t: t, base: s.url, token: token}
}

// portalSession opens a chat link through the API and returns the customer's client.
func (s *testServer) portalSession(t *testing.T, owner apiClient, phone, name string) apiClient {
	t.Helper()
	status, link := owner.do("POST", "/api/v1/portal-links", map[string]string{"contact_phone": phone, "contact_name": name})
	require.Equal(t, http.StatusCreated, status, link)
	require.True(t, strings.HasPrefix(link["url"].(string), s.url+"/p/"), link)
	status, sess := apiClient{t: t, base: s.url}.do("POST", "/api/v1/portal/sessions", map[string]string{"link_token": link["token"].(string)})
	require.Equal(t, http.StatusCreated, status, sess)
	return apiClient{t: t, base: s.url, token: sess["session_token"].(string)}
}

// waitDraft polls the pending drafts until one answers messageID.
func waitDraft(t *testing.T, owner apiClient, messageID float64) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		status, body := owner.do("GET", "/api/v1/drafts?status=pending", nil)
		require.Equal(t, http.StatusOK, status, body)
		for _, d := range body["drafts"].([]any) {
			d := d.(map[string]any)
			if d["message_id"] == messageID {
				return d
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no draft for message %v", messageID)
	return nil
}

func TestAPIPortalMessageToApprovedReply(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "07700 900456", "Jane Doe")

	status, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Hi, are you open on Saturday?"})
	require.Equal(t, http.StatusCreated, status, msg)
	require.Equal(t, "inbound", msg["direction"])
	require.NotEmpty(t, msg["created_at"])

	d := waitDraft(t, owner, msg["id"].(float64))
	require.Equal(t, "ask_hours", d["intent"])
	require.Contains(t, d["content"], "Saturday")
	require.Greater(t, d["confidence"].(float64), 0.0)

	status, convs := owner.do("GET", "/api/v1/conversations", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, convs["conversations"], 1)
	conv := convs["conversations"].([]any)[0].(map[string]any)
	require.Equal(t, "+447700900456", conv["contact_phone"], "a local number is stored in E.164 for the workspace's region")

	edited := "Yes Jane, we are open 9am to 1pm on Saturday."
	status, approved := owner.do("POST", fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), map[string]string{"content": edited})
	require.Equal(t, http.StatusOK, status, approved)
	require.Equal(t, "edited", approved["status"])

	status, again := owner.do("POST", fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), nil)
	require.Equal(t, http.StatusConflict, status, again)
	require.Contains(t, again["error"], "already decided")

	var reply map[string]any
	require.Eventually(t, func() bool {
		_, body := customer.do("GET", "/api/v1/portal/messages", nil)
		for _, m := range body["messages"].([]any) {
			if m := m.(map[string]any); m["direction"] == "outbound" {
				reply = m
				return true
			}
		}
		return false
	}, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, edited, reply["text"])

	status, thread := owner.do("GET", fmt.Sprintf("/api/v1/conversations/%v/messages", conv["id"]), nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, thread["messages"], 2)
}

func TestAPIRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900457", "")
	anon := apiClient{t: t, base: s.url}

	for _, tc := range []struct {
		name   string
		client apiClient
		method string
		path   string
		body   any
		status int
	}{
		{"EmptyText", customer, "POST", "/api/v1/portal/messages", map[string]string{"text": "   "}, http.StatusUnprocessableEntity},
		{"HugeText", customer, "POST", "/api/v1/portal/messages", map[string]string{"text": strings.Repeat("a", 1<<20)}, http.StatusRequestEntityTooLarge},
		{"NotJSON", customer, "POST", "/api/v1/portal/messages", "text=hello", http.StatusBadRequest},
		{"UnknownSession", apiClient{t: t, base: s.url, token: "ps_nope"}, "GET", "/api/v1/portal/messages", nil, http.StatusUnauthorized},
		{"NoSession", anon, "POST", "/api/v1/portal/messages", map[string]string{"text": "hi"}, http.StatusUnauthorized},
		{"BadLink", anon, "POST", "/api/v1/portal/sessions", map[string]string{"link_token": "pl_nope"}, http.StatusNotFound},
		{"NoToken", anon, "GET", "/api/v1/conversations", nil, http.StatusUnauthorized},
		{"BadToken", apiClient{t: t, base: s.url, token: "fdt_nope"}, "GET", "/api/v1/drafts", nil, http.StatusUnauthorized},
		{"BadPhone", owner, "POST", "/api/v1/portal-links", map[string]string{"contact_phone": "call me"}, http.StatusUnprocessableEntity},
		{"BadStatus", owner, "GET", "/api/v1/drafts?status=maybe", nil, http.StatusBadRequest},
		{"UnknownDraft", owner, "POST", "/api/v1/drafts/999999/approve", nil, http.StatusNotFound},
		{"UnknownConversation", owner, "GET", "/api/v1/conversations/999999/messages", nil, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.client.t = t
			status, body := tc.client.do(tc.method, tc.path, tc.body)
			require.Equal(t, tc.status, status, body)
			require.NotEmpty(t, body["error"], "errors are JSON with a message")
		})
	}
	_, msgs := customer.do("GET", "/api/v1/portal/messages", nil)
	require.Empty(t, msgs["messages"], "nothing was stored from bad input")
}

func TestAPIClientIDMakesRetriesIdempotent(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900458", "")
	body := map[string]string{"text": "Do you take Bupa?", "client_id": "retry-1"}
	_, first := customer.do("POST", "/api/v1/portal/messages", body)
	_, second := customer.do("POST", "/api/v1/portal/messages", body)
	require.Equal(t, first["id"], second["id"])
	_, msgs := customer.do("GET", "/api/v1/portal/messages", nil)
	inbound := 0
	for _, m := range msgs["messages"].([]any) {
		if m.(map[string]any)["direction"] == "inbound" {
			inbound++
		}
	}
	require.Equal(t, 1, inbound)
}

func TestAPITenantIsolation(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	ownerA := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, ownerA, "+447700900459", "")
	_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "How much is whitening?"})
	d := waitDraft(t, ownerA, msg["id"].(float64))

	other, err := s.app.conv.CreateWorkspace(ctx, s.app.pool, "other-clinic", "Other Clinic", "UTC", "US")
	require.NoError(t, err)
	ownerB := s.ownerAPI(t, other.ID)

	status, body := ownerB.do("GET", fmt.Sprintf("/api/v1/conversations/%v/messages", d["conversation_id"]), nil)
	require.Equal(t, http.StatusNotFound, status, body)
	status, body = ownerB.do("POST", fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), nil)
	require.Equal(t, http.StatusNotFound, status, body)
	status, body = ownerB.do("POST", fmt.Sprintf("/api/v1/drafts/%v/reject", d["id"]), nil)
	require.Equal(t, http.StatusNotFound, status, body)
	_, body = ownerB.do("GET", "/api/v1/drafts", nil)
	require.Empty(t, body["drafts"])
	_, body = ownerB.do("GET", "/api/v1/conversations", nil)
	require.Empty(t, body["conversations"])

	// A's draft is still pending and untouched.
	status, body = ownerA.do("GET", "/api/v1/drafts?status=pending", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, body["drafts"], 1)
}

func TestAdminLiveEvents(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	client := browserClient(t)
	login(t, s, client)

	req, err := http.NewRequest("GET", s.url+"/admin/events", nil)
	require.NoError(t, err)
	resp, err := client.Do(req) //nolint:bodyclose // closed below; the stream is read in a goroutine
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))

	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900460", "")
	customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "hello"})

	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if kind, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- kind
			}
		}
	}()
	seen := map[string]bool{}
	timeout := time.After(20 * time.Second)
	for !seen["message"] || !seen["draft"] {
		select {
		case k := <-events:
			seen[k] = true
		case <-timeout:
			t.Fatalf("saw only %v", seen)
		}
	}
}

func TestAPIPortalRateLimit(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900462", "")
	// The test server allows a burst of 5, then one a minute.
	for i := range 5 {
		status, body := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": fmt.Sprintf("message %d", i)})
		require.Equal(t, http.StatusCreated, status, body)
	}
	status, body := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "one too many"})
	require.Equal(t, http.StatusTooManyRequests, status, body)
	require.Contains(t, body["error"], "please wait")

	other := s.portalSession(t, owner, "+447700900463", "")
	status, _ = other.do("POST", "/api/v1/portal/messages", map[string]string{"text": "hello"})
	require.Equal(t, http.StatusCreated, status, "each customer has a limit of their own")
}
