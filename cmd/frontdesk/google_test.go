package main

import (
	"fmt"
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
	fake, s, c := googleServer(t)
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

// TestGoogleCalendarPushNotifications: connecting opens a push channel to the webhook;
// an event moved in Google comes back here through a notification (long before the
// five-minute periodic sync); a wrong token is refused and queues nothing; disconnecting
// stops the channel.
func TestGoogleCalendarPushNotifications(t *testing.T) {
	t.Parallel()
	fake, s, c, csrf := connectGoogle(t)

	var ch gcaltest.Channel
	require.Eventually(t, func() bool {
		chs := fake.Channels()
		if len(chs) == 1 {
			ch = chs[0]
		}
		return len(chs) == 1
	}, 15*time.Second, 50*time.Millisecond, "connecting opens a channel")
	require.Equal(t, s.url+"/webhooks/google/calendar", ch.Address)
	require.NotEmpty(t, ch.Token)
	_, body := get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "Google notifies changes as they happen")

	owner := s.ownerAPI(t, s.ws.ID)
	_, services := owner.do("GET", "/api/v1/calendar/services", nil)
	svc := services["services"].([]any)[0].(map[string]any)["id"]
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	start := time.Date(monday.Year(), monday.Month(), monday.Day(), 10, 0, 0, 0, loc)
	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": start.Format(time.RFC3339), "contact_phone": "+447700900302", "contact_name": "Kit Push",
	})
	require.Equal(t, http.StatusCreated, status, appt)
	id := gcal.EventID(s.ws.ID, int64(appt["id"].(float64)))
	require.Eventually(t, func() bool { return fake.Event(id) != nil }, 15*time.Second, 50*time.Millisecond)
	// The first full sync (queued on connecting) has run once a sync token is stored.
	require.Eventually(t, func() bool {
		var synced bool
		require.NoError(t, s.app.pool.QueryRow(t.Context(), `SELECT synced_at IS NOT NULL FROM calendar_connections WHERE workspace_id = $1`, s.ws.ID).Scan(&synced))
		return synced
	}, 15*time.Second, 50*time.Millisecond)

	// A wrong token or an unknown channel: 404, and no sync is queued.
	countSyncs := func() int {
		var n int
		require.NoError(t, s.app.pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'gcal_sync'`).Scan(&n))
		return n
	}
	before := countSyncs()
	for _, h := range []map[string]string{
		{"X-Goog-Channel-ID": ch.ID, "X-Goog-Channel-Token": ch.Token + "x"},
		{"X-Goog-Channel-ID": "someone-else", "X-Goog-Channel-Token": ch.Token},
		{"X-Goog-Channel-ID": ch.ID},
	} {
		req, err := http.NewRequest(http.MethodPost, s.url+"/webhooks/google/calendar", http.NoBody)
		require.NoError(t, err)
		req.Header.Set("X-Goog-Resource-State", "exists")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusNotFound, resp.StatusCode, h)
	}
	require.Equal(t, before, countSyncs(), "a refused notification queues nothing")

	// The owner moves the event in Google: the notification brings it here.
	moved := start.Add(2 * time.Hour)
	fake.Move(id, moved.Format(time.RFC3339), moved.Add(30*time.Minute).Format(time.RFC3339))
	require.Eventually(t, func() bool {
		_, a := owner.do("GET", fmt.Sprintf("/api/v1/calendar/appointments?from=%s&to=%s", monday.Format(time.DateOnly), monday.Format(time.DateOnly)), nil)
		for _, x := range a["appointments"].([]any) {
			if x := x.(map[string]any); x["id"] == appt["id"] {
				st, _ := time.Parse(time.RFC3339, x["start"].(string))
				return st.Equal(moved)
			}
		}
		return false
	}, 15*time.Second, 100*time.Millisecond, "the move in Google shows up here")
	for _, c := range fake.Channels() {
		require.Equal(t, []int{http.StatusOK}, c.Deliveries)
	}

	page := postForm(t, c, s.url+"/admin/calendar/google/disconnect", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	require.True(t, fake.Channels()[0].Stopped, "disconnecting stops the channel")
}

// TestGoogleCalendarUnreadableStaffCalendar: a member of staff's own calendar Google will
// not read is named on the calendar page, on their page and in the API, with since
// when; slot searches go on; once Google reads it the error is gone from all three.
func TestGoogleCalendarUnreadableStaffCalendar(t *testing.T) {
	t.Parallel()
	fake, s, c, _ := connectGoogle(t)
	require.Eventually(t, func() bool {
		var synced bool
		require.NoError(t, s.app.pool.QueryRow(t.Context(), `SELECT synced_at IS NOT NULL FROM calendar_connections WHERE workspace_id = $1`, s.ws.ID).Scan(&synced))
		return synced
	}, 15*time.Second, 50*time.Millisecond, "the first sync has run")

	owner := s.ownerAPI(t, s.ws.ID)
	_, services := owner.do("GET", "/api/v1/calendar/services", nil)
	svc := services["services"].([]any)[0].(map[string]any)["id"]
	status, lee := owner.do("POST", "/api/v1/calendar/resources", map[string]any{
		"name": "Dr Lee", "kind": "staff", "service_ids": []any{svc}, "google_calendar_id": "lee@example.com"})
	require.Equal(t, http.StatusCreated, status, lee)
	leeJSON := func() map[string]any {
		t.Helper()
		status, body := owner.do("GET", "/api/v1/calendar/resources", nil)
		require.Equal(t, http.StatusOK, status, body)
		for _, r := range body["resources"].([]any) {
			if r := r.(map[string]any); r["id"] == lee["id"] {
				return r
			}
		}
		t.Fatal("Dr Lee is not listed")
		return nil
	}
	leePage := fmt.Sprintf("%s/admin/calendar/resources/%v", s.url, lee["id"])
	monday := nextWeekday(s.ws.Location(), time.Monday).Format(time.DateOnly)
	search := func() {
		t.Helper()
		_, err := s.app.pool.Exec(t.Context(), `UPDATE calendar_connections SET busy_refreshed_at = now() - interval '1 hour' WHERE workspace_id = $1`, s.ws.ID)
		require.NoError(t, err)
		status, body := owner.do("GET", fmt.Sprintf("/api/v1/calendar/available-slots?service_id=%v&from=%s&to=%s", svc, monday, monday), nil)
		require.Equal(t, http.StatusOK, status, body)
		require.NotEmpty(t, body["slots"], "the search goes on")
	}

	fake.FailCalendar("lee@example.com", "notFound")
	search()
	_, body := get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, `id="google-unreadable"`)
	require.Contains(t, body, `Dr Lee</a>: <strong>lee@example.com</strong>, since `)
	require.Contains(t, body, "notFound (it does not exist, or is not shared with the connected Google account)")
	require.NotContains(t, body, "last attempt failed", "the connection itself is fine")
	_, body = get(t, c, leePage)
	require.Contains(t, body, `id="gcal-error"`)
	require.Contains(t, body, "Google has not read this calendar since ")
	got := leeJSON()
	require.Contains(t, got["google_calendar_error"], "notFound")
	since, err := time.Parse(time.RFC3339Nano, got["google_calendar_error_since"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), since, time.Minute)

	fake.FailCalendar("lee@example.com", "")
	search()
	_, body = get(t, c, s.url+"/admin/calendar")
	require.NotContains(t, body, `id="google-unreadable"`)
	_, body = get(t, c, leePage)
	require.NotContains(t, body, `id="gcal-error"`)
	got = leeJSON()
	require.NotContains(t, got, "google_calendar_error")
	require.NotContains(t, got, "google_calendar_error_since")
}

// googleServer starts a server pointed at a fake Google and signs the owner in.
func googleServer(t *testing.T) (*gcaltest.Fake, *testServer, *http.Client) {
	t.Helper()
	fake := gcaltest.New(t)
	s := startServerWith(t, serverOptions{config: func(cfg *config.Config) {
		cfg.GoogleClientID, cfg.GoogleClientSecret = "client-id", "client-secret"
		cfg.GoogleAuthURL, cfg.GoogleTokenURL, cfg.GoogleCalendarEndpoint = fake.Server.URL+"/auth", fake.TokenURL(), fake.Endpoint()
	}})
	c := browserClient(t)
	login(t, s, c)
	return fake, s, c
}

// connectGoogle is googleServer with the calendar connected through the admin pages,
// as a person would.
func connectGoogle(t *testing.T) (*gcaltest.Fake, *testServer, *http.Client, string) {
	t.Helper()
	fake, s, c := googleServer(t)
	_, body := get(t, c, s.url+"/admin/calendar")
	csrf := csrfField.FindStringSubmatch(body)[1]
	page := postForm(t, c, s.url+"/admin/calendar/google/connect", url.Values{"_csrf": {csrf}})
	to, err := url.Parse(page.Header.Get("Location"))
	require.NoError(t, err)
	resp, _ := get(t, c, s.url+"/admin/calendar/google/callback?code=good-code&state="+url.QueryEscape(to.Query().Get("state")))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	return fake, s, c, csrf
}
