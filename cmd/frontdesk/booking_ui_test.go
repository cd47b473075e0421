package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAdminCalendarPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)

	resp, body := get(t, c, s.url+"/admin/calendar")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, `href="/admin/calendar" aria-current="page"`)
	require.Contains(t, body, `name="hours_1_closes1" value="17:30"`, "the demo's Monday hours are shown")
	require.Contains(t, body, "<td>Check-up and cleaning</td><td>30</td><td>10</td><td>65.00 GBP</td>", "the demo's services are listed")
	csrf := csrfField.FindStringSubmatch(body)[1]

	page := postForm(t, c, s.url+"/admin/calendar/services", url.Values{"_csrf": {csrf}, "name": {"Teeth whitening"}, "duration_minutes": {"60"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">a service named &#34;Teeth whitening&#34; exists already</div>`)

	page = postForm(t, c, s.url+"/admin/calendar/services", url.Values{"_csrf": {csrf}, "name": {"Whitening"}, "duration_minutes": {"2"}, "price": {"250"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">must be from 5 to 1440 minutes</div>`)
	require.Contains(t, page.Body, `value="Whitening"`, "what was typed is kept")

	page = postForm(t, c, s.url+"/admin/calendar/services", url.Values{"_csrf": {csrf}, "name": {"Whitening"}, "duration_minutes": {"60"},
		"buffer_minutes": {"15"}, "price": {"250"}, "currency": {"gbp"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "<td>Whitening</td><td>60</td><td>15</td><td>250.00 GBP</td>")

	page = postForm(t, c, s.url+"/admin/calendar/hours", url.Values{"_csrf": {csrf}, "hours_1_opens1": {"18:00"}, "hours_1_closes1": {"09:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, "closes before it opens")
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, `name="hours_1_closes1" value="17:30"`, "refused hours are not saved")

	page = postForm(t, c, s.url+"/admin/calendar/settings", url.Values{"_csrf": {csrf}, "min_notice_minutes": {"30"}, "horizon_days": {"0"}, "slot_step_minutes": {"15"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">must be from 1 to 730</div>`)
	require.Contains(t, page.Body, `id="horizon_days" name="horizon_days" value="0"`)
	page = postForm(t, c, s.url+"/admin/calendar/settings", url.Values{"_csrf": {csrf}, "min_notice_minutes": {"30"}, "horizon_days": {"45"}, "slot_step_minutes": {"15"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)

	page = postForm(t, c, s.url+"/admin/calendar/hours", url.Values{"_csrf": {csrf},
		"hours_1_opens1": {"09:00"}, "hours_1_closes1": {"12:00"}, "hours_1_opens2": {"13:00"}, "hours_1_closes2": {"17:00"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)

	// A booking made through the API shows in its week and can be cancelled here.
	owner := s.ownerAPI(t, s.ws.ID)
	_, services := owner.do("GET", "/api/v1/calendar/services", nil)
	var svc any
	for _, sv := range services["services"].([]any) {
		if sv := sv.(map[string]any); sv["name"] == "Whitening" {
			svc = sv["id"]
		}
	}
	require.NotNil(t, svc)
	monday := nextWeekday(s.ws.Location(), time.Monday)
	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": time.Date(monday.Year(), monday.Month(), monday.Day(), 13, 0, 0, 0, s.ws.Location()).Format(time.RFC3339),
		"contact_phone": "+447700900300", "contact_name": "Pat Kim",
	})
	require.Equal(t, http.StatusCreated, status, appt)
	week := monday.Format(time.DateOnly)
	_, body = get(t, c, s.url+"/admin/calendar?week="+week)
	require.Contains(t, body, "Pat Kim")
	require.Contains(t, body, "13:00–14:00")

	cancelURL := fmt.Sprintf("%s/admin/calendar/appointments/%v/cancel", s.url, appt["id"])
	page = postForm(t, c, cancelURL, url.Values{"week": {week}})
	require.Equal(t, http.StatusForbidden, page.StatusCode, "no CSRF token, no cancel")
	page = postForm(t, c, cancelURL, url.Values{"_csrf": {csrf}, "week": {week}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	require.Equal(t, "/admin/calendar?saved=cancelled&week="+week, page.Header.Get("Location"))
	_, body = get(t, c, s.url+page.Header.Get("Location"))
	require.Contains(t, body, "Appointment cancelled.")
	require.Contains(t, body, "<td>cancelled</td>")
}
