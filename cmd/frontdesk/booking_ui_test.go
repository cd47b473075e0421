package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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
	_, body = get(t, c, s.url+"/admin/calendar?view=list&date="+week)
	require.Contains(t, body, "<td>cancelled</td>")
}

// gridCell is the calendar grid's cell where an appointment starts, by day and time.
func gridCell(body, day, slot string) string {
	m := regexp.MustCompile(`<td class="d appt[^"]*"[^>]*data-day="` + day + `" data-slot="` + slot + `"[^>]*>(.*?)</td>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestAdminCalendarViews(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	monday := nextWeekday(s.ws.Location(), time.Monday)
	svc := calendarSetup(t, owner, monday) // weekdays 09:00–17:00, the Tuesday closed
	loc := s.ws.Location()
	book := func(day time.Time, hh, mm int, name, phone string) map[string]any {
		t.Helper()
		status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
			"service_id": svc, "start": time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, loc).Format(time.RFC3339),
			"contact_phone": phone, "contact_name": name,
		})
		require.Equal(t, http.StatusCreated, status, appt)
		return appt
	}
	wed, thu := monday.AddDate(0, 0, 2), monday.AddDate(0, 0, 3)
	first := book(wed, 10, 30, "Ada Grid", "+447700900401")
	book(thu, 14, 0, "Ben Grid", "+447700900402")
	week := monday.Format(time.DateOnly)

	// Week view: each appointment in its day's column at its time, two rows tall (30 minutes).
	resp, body := get(t, c, s.url+"/admin/calendar?date="+week)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	cell := gridCell(body, wed.Format(time.DateOnly), "10:30")
	require.Contains(t, cell, "Ada Grid")
	require.Contains(t, cell, fmt.Sprintf(`href="/admin/calendar/appointments/%v"`, first["id"]))
	require.Contains(t, gridCell(body, thu.Format(time.DateOnly), "14:00"), "Ben Grid")
	require.Empty(t, gridCell(body, thu.Format(time.DateOnly), "10:30"), "nothing is drawn where nothing is booked")
	require.Regexp(t, `rowspan="2" data-day="`+wed.Format(time.DateOnly)+`" data-slot="10:30"`, body)
	require.Contains(t, body, `data-day="`+wed.Format(time.DateOnly)+`" data-slot="11:00"></td>`, "the slot after it is free again")
	require.Contains(t, body, `class="d focus"`, "the chosen day is the one a phone shows")

	// Prev/next keep the filters; the filters are in the query string.
	_, body = get(t, c, s.url+"/admin/calendar?view=week&date="+week+"&status=cancelled")
	require.Empty(t, gridCell(body, wed.Format(time.DateOnly), "10:30"), "only cancelled ones")
	require.Contains(t, body, "2 more hidden by the filter.")
	require.Contains(t, body, "status=cancelled", "navigation keeps the filter")
	require.Contains(t, body, `<option value="cancelled" selected>`)

	// Day view shows one day only.
	_, body = get(t, c, s.url+"/admin/calendar?view=day&date="+thu.Format(time.DateOnly))
	require.Contains(t, gridCell(body, thu.Format(time.DateOnly), "14:00"), "Ben Grid")
	require.NotContains(t, body, "Ada Grid")
	require.Contains(t, body, "date="+thu.AddDate(0, 0, 1).Format(time.DateOnly), "next goes one day on")

	// A filter on a resource nobody is booked on hides both.
	_, body = get(t, c, s.url+"/admin/calendar?view=list&date="+week+"&resource=999999")
	require.NotContains(t, body, "Ada Grid")
	require.Contains(t, body, "No appointments this week.")
	_, body = get(t, c, s.url+fmt.Sprintf("/admin/calendar?view=list&date=%s&service=%v", week, svc))
	require.Contains(t, body, "Ada Grid")
	require.Contains(t, body, "Ben Grid")

	// The appointment's page moves it: a closed day is refused next to the field, a free time works.
	apptURL := fmt.Sprintf("%s/admin/calendar/appointments/%v", s.url, first["id"])
	resp, body = get(t, c, apptURL)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, "Ada Grid")
	require.Contains(t, body, `name="date" value="`+wed.Format(time.DateOnly)+`"`)
	csrf := csrfField.FindStringSubmatch(body)[1]
	page := postForm(t, c, apptURL+"/reschedule", url.Values{"_csrf": {csrf}, "date": {monday.AddDate(0, 0, 1).Format(time.DateOnly)}, "time": {"11:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">that time cannot be booked`)
	page = postForm(t, c, apptURL+"/reschedule", url.Values{"_csrf": {csrf}, "date": {thu.Format(time.DateOnly)}, "time": {"14:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode, "Ben holds it")
	require.Contains(t, page.Body, `id="alternatives"`)
	page = postForm(t, c, apptURL+"/reschedule", url.Values{"_csrf": {csrf}, "date": {"not a date"}, "time": {"11:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">choose a date</div>`)
	page = postForm(t, c, apptURL+"/reschedule", url.Values{"_csrf": {csrf}, "date": {thu.Format(time.DateOnly)}, "time": {"15:30"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	_, body = get(t, c, s.url+page.Header.Get("Location"))
	require.Contains(t, body, "Appointment moved")
	_, body = get(t, c, s.url+"/admin/calendar?date="+week)
	require.Contains(t, gridCell(body, thu.Format(time.DateOnly), "15:30"), "Ada Grid")
	require.False(t, strings.Contains(gridCell(body, wed.Format(time.DateOnly), "10:30"), "Ada Grid"))
}

func TestAdminCalendarResourcesAndExceptions(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	monday := nextWeekday(s.ws.Location(), time.Monday)
	svc := calendarSetup(t, owner, monday) // Check-up on the default resource, weekdays 09:00–17:00
	wed := monday.AddDate(0, 0, 2)
	wedSlots := func() []string {
		t.Helper()
		var out []string
		for _, st := range slotStarts(t, owner, svc, wed, wed) {
			out = append(out, st[11:16]) // the local time of day in the RFC 3339 start
		}
		return out
	}
	_, body := get(t, c, s.url+"/admin/calendar")
	csrf := csrfField.FindStringSubmatch(body)[1]
	require.Contains(t, body, `<a href="/admin/calendar/resources/`, "the default resource is listed")

	page := postForm(t, c, s.url+"/admin/calendar/resources", url.Values{"_csrf": {csrf}, "name": {"  "}, "kind": {"staff"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">a name of 1 to 100 characters is required</div>`)
	page = postForm(t, c, s.url+"/admin/calendar/resources", url.Values{"_csrf": {csrf}, "name": {"Dr Lee"}, "kind": {"staff"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	leeURL := s.url + strings.TrimSuffix(page.Header.Get("Location"), "?saved=created")
	_, body = get(t, c, leeURL)
	require.Contains(t, body, "<h1>Dr Lee</h1>")

	// Dr Lee does check-ups on Wednesday afternoons only; the default resource stops doing them.
	var defaultURL string
	_, body = get(t, c, s.url+"/admin/calendar")
	if m := regexp.MustCompile(`<a href="(/admin/calendar/resources/\d+)">Default</a>`).FindStringSubmatch(body); m != nil {
		defaultURL = s.url + m[1]
	}
	require.NotEmpty(t, defaultURL)
	page = postForm(t, c, defaultURL, url.Values{"_csrf": {csrf}, "name": {"Default"}, "kind": {"staff"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode, "every service would be left with nobody")
	require.Contains(t, page.Body, "nobody else performs")
	require.Contains(t, page.Body, "Check-up")
	page = postForm(t, c, leeURL, url.Values{"_csrf": {csrf}, "name": {"Dr Lee"}, "kind": {"staff"}, "services": {fmt.Sprint(svc)},
		"hours_3_opens1": {"13:00"}, "hours_3_closes1": {"12:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, "closes before it opens")
	require.Contains(t, page.Body, `name="hours_3_opens1" value="13:00"`, "what was typed is kept")
	page = postForm(t, c, leeURL, url.Values{"_csrf": {csrf}, "name": {"Dr Lee"}, "kind": {"staff"}, "services": {fmt.Sprint(svc)},
		"hours_3_opens1": {"13:00"}, "hours_3_closes1": {"15:00"}, "google_calendar_id": {"dr lee"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, "must be a Google calendar id")
	require.Contains(t, page.Body, `name="google_calendar_id" value="dr lee"`, "what was typed is kept")
	page = postForm(t, c, leeURL, url.Values{"_csrf": {csrf}, "name": {"Dr Lee"}, "kind": {"staff"}, "services": {fmt.Sprint(svc)},
		"hours_3_opens1": {"13:00"}, "hours_3_closes1": {"15:00"}, "google_calendar_id": {"lee@example.com"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	_, body = get(t, c, leeURL)
	require.Contains(t, body, `name="google_calendar_id" value="lee@example.com"`)
	_, services := owner.do("GET", "/api/v1/calendar/services", nil)
	keep := url.Values{"_csrf": {csrf}, "name": {"Default"}, "kind": {"staff"}}
	for _, sv := range services["services"].([]any) {
		if id := sv.(map[string]any)["id"].(float64); id != svc {
			keep.Add("services", fmt.Sprint(id))
		}
	}
	page = postForm(t, c, defaultURL, keep)
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	_, body = get(t, c, leeURL)
	require.Regexp(t, `value="`+fmt.Sprint(svc)+`" checked> Check-up`, body)
	require.Equal(t, []string{"13:00", "13:30", "14:00"}, wedSlots(), "Dr Lee's own hours (with 10 minutes free after each)")

	// Days that differ: refused with the error by the field; closed all day; extra hours.
	page = postForm(t, c, s.url+"/admin/calendar/exceptions", url.Values{"_csrf": {csrf}, "date": {""}, "what": {"closed"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">choose a date</div>`)
	page = postForm(t, c, s.url+"/admin/calendar/exceptions", url.Values{"_csrf": {csrf}, "date": {wed.Format(time.DateOnly)}, "what": {"hours"}, "opens": {"15:00"}, "closes": {"13:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `<div class="field-error">must be later than it opens</div>`)
	require.Contains(t, page.Body, `value="hours" checked`)

	lee := strings.TrimPrefix(leeURL, s.url+"/admin/calendar/resources/")
	page = postForm(t, c, s.url+"/admin/calendar/exceptions", url.Values{"_csrf": {csrf}, "date": {wed.Format(time.DateOnly)}, "resource": {lee}, "what": {"closed"}, "note": {"Training"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	require.Empty(t, wedSlots(), "Dr Lee is away")
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "Dr Lee</td><td>closed all day <span class=\"muted small\">Training</span>")
	m := regexp.MustCompile(`Training</span></td>\s*<td><form method="post" action="(/admin/calendar/exceptions/\d+/delete)"`).FindStringSubmatch(body)
	require.NotNil(t, m)
	page = postForm(t, c, s.url+m[1], url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	require.Len(t, wedSlots(), 3, "back to the weekly hours")

	page = postForm(t, c, s.url+"/admin/calendar/exceptions", url.Values{"_csrf": {csrf}, "date": {wed.Format(time.DateOnly)}, "resource": {lee}, "what": {"hours"}, "opens": {"14:00"}, "closes": {"16:00"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	require.Equal(t, []string{"14:00", "14:30", "15:00"}, wedSlots(), "that day's hours replace the week's")
	_, body = get(t, c, s.url+"/admin/calendar")
	require.Contains(t, body, "open only 14:00–16:00")

	resp, _ := get(t, c, s.url+"/admin/calendar/resources/999999")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
