package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking/gcal"
	"github.com/frontdesk/frontdesk/booking/gcal/gcaltest"
	"github.com/frontdesk/frontdesk/internal/config"
)

func TestGoogleCalendarNotConfigured(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, body := get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, `id="google-setup"`)
	require.Contains(t, body, "GOOGLE_CLIENT_ID")
	require.Contains(t, body, "GOOGLE_CLIENT_SECRET")
	require.Contains(t, body, s.url+"/admin/calendar/google/callback", "the redirect URI to register is shown")
	require.NotContains(t, body, "Connect Google Calendar")
}

func TestGoogleCalendarConnect(t *testing.T) {
	t.Parallel()
	fake := gcaltest.New(t)
	s := startServerWith(t, serverOptions{config: func(cfg *config.Config) {
		cfg.GoogleClientID, cfg.GoogleClientSecret = "client-id", "client-secret"
		cfg.GoogleAuthURL, cfg.GoogleTokenURL, cfg.GoogleCalendarEndpoint = fake.Server.URL+"/auth", fake.TokenURL(), fake.Endpoint()
	}})
	c := browserClient(t)
	login(t, s, c)
	_, body := get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "Connect Google Calendar")
	csrf := csrfField.FindStringSubmatch(body)[1]

	page := postForm(t, c, s.url+"/admin/calendar/google/connect", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	to, err := url.Parse(page.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, fake.Server.URL+"/auth", to.Scheme+"://"+to.Host+to.Path, "the owner is sent to Google")
	require.Equal(t, s.url+"/admin/calendar/google/callback", to.Query().Get("redirect_uri"))
	state := to.Query().Get("state")
	require.NotEmpty(t, state)

	// A callback with another session's state is refused (CSRF).
	other := browserClient(t)
	login(t, s, other)
	resp, _ := get(t, other, s.url+"/admin/calendar/google/callback?code=good-code&state="+url.QueryEscape(state))
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = get(t, c, s.url+"/admin/calendar/google/callback?code=good-code&state=forged")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	resp, _ = get(t, c, s.url+"/admin/calendar/google/callback?code=good-code&state="+url.QueryEscape(state))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "Connected to calendar <strong>primary</strong>")

	// A booking made now appears in Google, pushed by the running workers.
	owner := s.ownerAPI(t, s.ws.ID)
	_, services := owner.do("GET", "/api/v1/calendar/services", nil)
	svc := services["services"].([]any)[0].(map[string]any)["id"]
	monday := nextWeekday(s.ws.Location(), time.Monday)
	start := time.Date(monday.Year(), monday.Month(), monday.Day(), 10, 0, 0, 0, s.ws.Location())
	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": start.Format(time.RFC3339), "contact_phone": "+447700900301", "contact_name": "Sam Lee",
	})
	require.Equal(t, http.StatusCreated, status, appt)
	id := gcal.EventID(s.ws.ID, int64(appt["id"].(float64)))
	require.Eventually(t, func() bool { return fake.Event(id) != nil }, 15*time.Second, 50*time.Millisecond, "the event is created in Google")
	require.Equal(t, start.Format(time.RFC3339), fake.Event(id).Start)

	page = postForm(t, c, s.url+"/admin/calendar/google/disconnect", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "Connect Google Calendar")
}

func TestCalendarReminderSettings(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	status, body := owner.do("PUT", "/api/v1/calendar/settings", map[string]any{"reminder_minutes": []int{120, 1440}})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, []any{1440.0, 120.0}, body["reminder_minutes"])
	status, body = owner.do("PUT", "/api/v1/calendar/settings", map[string]any{"min_notice_minutes": 30})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, []any{1440.0, 120.0}, body["reminder_minutes"], "left out, they are kept")
	status, body = owner.do("PUT", "/api/v1/calendar/settings", map[string]any{"reminder_minutes": []int{1}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, strings.ToLower(body["error"].(string)), "5 to 43200")

	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/calendar")
	require.Contains(t, page, `name="reminder_minutes" value="1440, 120"`)
}
