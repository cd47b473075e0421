package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func formatID(v any) string { return fmt.Sprintf("%.0f", v) }

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestPortalPublicPageWithOneTimeCode(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)

	resp, page := get(t, c, s.url+"/w/"+s.ws.Slug)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "Bright Smile Dental")

	resp = postForm(t, c, s.url+"/w/"+s.ws.Slug+"/code", url.Values{"phone": {"not a phone"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "Please enter a mobile number")

	resp = postForm(t, c, s.url+"/w/"+s.ws.Slug+"/code", url.Values{"phone": {"07700 900321"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Body, "&#43;447700900321", "the page confirms the number in E.164")
	// No SMS channel: the code reaches the team's notifications (and the log).
	list, err := s.app.conv.Notifications(t.Context(), s.app.pool, s.ws.ID, 0, 10)
	require.NoError(t, err)
	require.NotEmpty(t, list)
	require.Regexp(t, `Chat sign-in code for \+447700900321: \d{6}`, list[0].Title)
	// The test issues a fresh code through the store to know it.
	code, err := s.app.portal.CreateCode(t.Context(), s.app.pool, s.ws.ID, "+447700900321")
	require.NoError(t, err)

	resp = postForm(t, c, s.url+"/w/"+s.ws.Slug+"/verify", url.Values{"phone": {"+447700900321"}, "code": {"000000"}})
	if code != "000000" {
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	}
	resp = postForm(t, c, s.url+"/w/"+s.ws.Slug+"/verify", url.Values{"phone": {"+447700900321"}, "code": {code}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/c", resp.Header.Get("Location"))

	resp, page = get(t, c, s.url+"/c")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, `id="composer"`)
	require.Contains(t, page, `name="viewport"`)

	// The chat page's own API: JSON only, so a cross-site form cannot post as the customer.
	resp = postForm(t, c, s.url+"/c/messages", url.Values{"text": {"forged"}})
	require.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	req, _ := http.NewRequest("POST", s.url+"/c/messages", strings.NewReader(`{"text":"Are you open today?"}`))
	req.Header.Set("Content-Type", "application/json")
	httpResp, err := c.Do(req)
	posted := readPage(t, httpResp, err)
	require.Equal(t, http.StatusCreated, posted.StatusCode, posted.Body)

	// A used code cannot sign in again.
	resp = postForm(t, browserClient(t), s.url+"/w/"+s.ws.Slug+"/verify", url.Values{"phone": {"+447700900321"}, "code": {code}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
}

func TestPortalExpiredLink(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	resp, page := get(t, browserClient(t), s.url+"/p/pl_doesnotexist")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, page, "ask the business for a new one")
	resp, _ = get(t, browserClient(t), s.url+"/c")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
