package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nextWeekday is the first such weekday at least three days after today, in loc, as
// a date.
func nextWeekday(loc *time.Location, day time.Weekday) time.Time {
	d := time.Now().In(loc).AddDate(0, 0, 3)
	for d.Weekday() != day {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// calendarSetup gives the demo clinic (Europe/London) a 30-minute check-up with 10
// minutes' buffer, weekday hours 09:00–17:00, 30-minute steps, and closes the Tuesday
// after monday.
func calendarSetup(t *testing.T, owner apiClient, monday time.Time) float64 {
	t.Helper()
	status, svc := owner.do("POST", "/api/v1/calendar/services", map[string]any{
		"name": "Check-up", "duration_minutes": 30, "buffer_minutes": 10, "price": 65, "currency": "GBP",
	})
	require.Equal(t, http.StatusCreated, status, svc)
	require.InDelta(t, 6500, svc["price_cents"], 0)
	require.InDelta(t, 65, svc["price"], 0)
	require.InDelta(t, 10, svc["buffer_after_minutes"], 0)

	var rules []map[string]any
	for d := 1; d <= 5; d++ {
		rules = append(rules, map[string]any{"weekday": d, "start": "09:00", "end": "17:00"})
	}
	status, body := owner.do("PUT", "/api/v1/calendar/availability", map[string]any{
		"rules":      rules,
		"exceptions": []map[string]any{{"date": monday.AddDate(0, 0, 1).Format(time.DateOnly), "closed": true}},
	})
	require.Equal(t, http.StatusOK, status, body)
	require.InDelta(t, 5, body["rules"], 0)

	status, body = owner.do("PUT", "/api/v1/calendar/settings", map[string]any{"min_notice_minutes": 60, "horizon_days": 30, "slot_step_minutes": 30})
	require.Equal(t, http.StatusOK, status, body)
	require.InDelta(t, 30, body["slot_step_minutes"], 0)
	return svc["id"].(float64)
}

func slotStarts(t *testing.T, owner apiClient, svc float64, from, to time.Time) []string {
	t.Helper()
	status, body := owner.do("GET", fmt.Sprintf("/api/v1/calendar/available-slots?service_id=%v&from=%s&to=%s",
		svc, from.Format(time.DateOnly), to.Format(time.DateOnly)), nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "Europe/London", body["timezone"])
	var out []string
	for _, s := range body["slots"].([]any) {
		s := s.(map[string]any)
		start, err := time.Parse(time.RFC3339, s["start"].(string))
		require.NoError(t, err)
		end, err := time.Parse(time.RFC3339, s["end"].(string))
		require.NoError(t, err)
		require.Equal(t, 30*time.Minute, end.Sub(start))
		out = append(out, s["start"].(string))
	}
	return out
}

func TestAPICalendarBooking(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	at := func(day time.Time, h, m int) string {
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc).Format(time.RFC3339)
	}
	svc := calendarSetup(t, owner, monday)

	status, list := owner.do("GET", "/api/v1/calendar/services", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, list["services"], len(demoServices())+1)
	require.Equal(t, "Check-up", list["services"].([]any)[0].(map[string]any)["name"], "by name")

	// Monday: 09:00 to 16:00 (16:30 plus its buffer would end after 17:00); Tuesday is closed.
	starts := slotStarts(t, owner, svc, monday, monday.AddDate(0, 0, 1))
	require.Len(t, starts, 15)
	require.Equal(t, at(monday, 9, 0), starts[0])
	require.Equal(t, at(monday, 16, 0), starts[14])

	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": at(monday, 10, 0), "contact_phone": "07700 900111", "contact_name": "Jane Doe",
	})
	require.Equal(t, http.StatusCreated, status, appt)
	require.Equal(t, "booked", appt["status"])
	require.Equal(t, at(monday, 10, 0), appt["start"])
	require.Equal(t, at(monday, 10, 30), appt["end"])
	require.Equal(t, "+447700900111", appt["contact_phone"], "the phone is stored in E.164 for the clinic's region")
	require.Equal(t, "Check-up", appt["service_name"])

	// The same slot again: 409 with fresh alternatives that leave out the held time.
	status, taken := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": at(monday, 10, 0), "contact_phone": "+447700900112",
	})
	require.Equal(t, http.StatusConflict, status, taken)
	require.Contains(t, taken["error"], "no longer free")
	alts := taken["alternatives"].([]any)
	require.Len(t, alts, 5)
	require.Equal(t, at(monday, 9, 0), alts[0].(map[string]any)["start"])
	require.Equal(t, at(monday, 11, 0), alts[1].(map[string]any)["start"], "09:30 and 10:30 would run into 10:00 and its buffer")

	starts = slotStarts(t, owner, svc, monday, monday)
	require.Len(t, starts, 12)
	require.NotContains(t, starts, at(monday, 10, 0))

	status, second := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": at(monday, 11, 0), "contact_phone": "+447700900113", "contact_name": "Sam",
	})
	require.Equal(t, http.StatusCreated, status, second)
	secondPath := fmt.Sprintf("/api/v1/calendar/appointments/%v", second["id"])

	// Rescheduling into the held 10:00 fails and leaves the appointment where it was.
	status, body := owner.do("PATCH", secondPath, map[string]any{"start": at(monday, 10, 0)})
	require.Equal(t, http.StatusConflict, status, body)
	require.NotEmpty(t, body["alternatives"])
	status, body = owner.do("GET", "/api/v1/calendar/appointments?from="+monday.Format(time.DateOnly)+"&to="+monday.Format(time.DateOnly), nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, false, body["truncated"], "a day holds far fewer than 2,000")
	require.Len(t, body["appointments"], 2)
	require.Equal(t, at(monday, 11, 0), body["appointments"].([]any)[1].(map[string]any)["start"])

	status, moved := owner.do("PATCH", secondPath, map[string]any{"start": at(monday, 14, 30)})
	require.Equal(t, http.StatusOK, status, moved)
	require.Equal(t, at(monday, 14, 30), moved["start"])
	require.InDelta(t, 1, moved["sequence"], 0)

	// The calendar file.
	req, err := http.NewRequest("GET", s.url+secondPath+".ics", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+owner.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	ics := readAll(t, resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, ics)
	require.Equal(t, "text/calendar; charset=utf-8", resp.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), ics)
	startUTC, err := time.Parse(time.RFC3339, at(monday, 14, 30))
	require.NoError(t, err)
	require.Contains(t, ics, "\r\nDTSTART:"+startUTC.UTC().Format("20060102T150405Z")+"\r\n")
	require.Contains(t, ics, "\r\nSUMMARY:Check-up at Bright Smile Dental\r\n")
	require.Contains(t, ics, fmt.Sprintf("\r\nUID:appointment-%d-%v@127.0.0.1\r\n", s.ws.ID, second["id"]))

	// Cancelling frees the time.
	status, cancelled := owner.do("POST", fmt.Sprintf("/api/v1/calendar/appointments/%v/cancel", appt["id"]), nil)
	require.Equal(t, http.StatusOK, status, cancelled)
	require.Equal(t, "cancelled", cancelled["status"])
	require.Contains(t, slotStarts(t, owner, svc, monday, monday), at(monday, 10, 0))
	status, again := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": at(monday, 10, 0), "contact_phone": "+447700900112",
	})
	require.Equal(t, http.StatusCreated, status, again)

	// Another business sees none of it.
	other, err := s.app.conv.CreateWorkspace(context.Background(), s.app.pool, "other-clinic", "Other", "UTC", "US")
	require.NoError(t, err)
	ownerB := s.ownerAPI(t, other.ID)
	status, body = ownerB.do("POST", secondPath+"/cancel", nil)
	require.Equal(t, http.StatusNotFound, status, body)
	status, body = ownerB.do("PATCH", secondPath, map[string]any{"start": at(monday, 9, 0)})
	require.Equal(t, http.StatusNotFound, status, body)
	_, body = ownerB.do("GET", "/api/v1/calendar/services", nil)
	require.Empty(t, body["services"])
	status, body = ownerB.do("GET", fmt.Sprintf("/api/v1/calendar/available-slots?service_id=%v", svc), nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	_, body = owner.do("GET", "/api/v1/calendar/appointments?from="+monday.Format(time.DateOnly), nil)
	require.Len(t, body["appointments"], 3, "A's appointments are untouched")
	var statuses []string
	for _, a := range body["appointments"].([]any) {
		statuses = append(statuses, a.(map[string]any)["status"].(string))
	}
	require.Equal(t, []string{"cancelled", "booked", "booked"}, statuses)
}

func TestAPICalendarRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	svc := calendarSetup(t, owner, monday)
	day := monday.Format(time.DateOnly)
	at := func(d time.Time, h, m int) string {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc).Format(time.RFC3339)
	}
	book := func(start string) map[string]any {
		return map[string]any{"service_id": svc, "start": start, "contact_phone": "+447700900200"}
	}
	slots := func(q string) string { return fmt.Sprintf("/api/v1/calendar/available-slots?service_id=%v&%s", svc, q) }

	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		says               string
	}{
		{"ServiceNotJSON", "POST", "/api/v1/calendar/services", "name=x", http.StatusBadRequest, "JSON"},
		{"ServiceDuplicate", "POST", "/api/v1/calendar/services", map[string]any{"name": "check-up", "duration_minutes": 30}, http.StatusUnprocessableEntity, "exists already"},
		{"ServiceTooShort", "POST", "/api/v1/calendar/services", map[string]any{"name": "Quick", "duration_minutes": 1}, http.StatusUnprocessableEntity, "duration_minutes"},
		{"ServiceNegativePrice", "POST", "/api/v1/calendar/services", map[string]any{"name": "Free", "duration_minutes": 10, "price": -1}, http.StatusUnprocessableEntity, "price"},
		{"RuleBadWeekday", "PUT", "/api/v1/calendar/availability", map[string]any{"rules": []any{map[string]any{"weekday": 7, "start": "09:00", "end": "17:00"}}}, http.StatusUnprocessableEntity, "rules[0]"},
		{"RuleNoWeekday", "PUT", "/api/v1/calendar/availability", map[string]any{"rules": []any{map[string]any{"start": "09:00", "end": "17:00"}}}, http.StatusUnprocessableEntity, "rules[0].weekday"},
		{"RuleBadTime", "PUT", "/api/v1/calendar/availability", map[string]any{"rules": []any{map[string]any{"weekday": 1, "start": "9am", "end": "17:00"}}}, http.StatusUnprocessableEntity, "9am"},
		{"RuleBackwards", "PUT", "/api/v1/calendar/availability", map[string]any{"rules": []any{map[string]any{"weekday": 1, "start": "17:00", "end": "09:00"}}}, http.StatusUnprocessableEntity, "closes before it opens"},
		{"ExceptionBadDate", "PUT", "/api/v1/calendar/availability", map[string]any{"exceptions": []any{map[string]any{"date": "25/12/2026", "closed": true}}}, http.StatusUnprocessableEntity, "exceptions[0].date"},
		{"ExceptionNoHours", "PUT", "/api/v1/calendar/availability", map[string]any{"exceptions": []any{map[string]any{"date": "2026-12-24"}}}, http.StatusUnprocessableEntity, "closed: true"},
		{"SettingsOutOfRange", "PUT", "/api/v1/calendar/settings", map[string]any{"slot_step_minutes": 1, "horizon_days": 0}, http.StatusUnprocessableEntity, "horizon_days"},
		{"SlotsNoService", "GET", "/api/v1/calendar/available-slots", nil, http.StatusBadRequest, "service_id"},
		{"SlotsUnknownService", "GET", "/api/v1/calendar/available-slots?service_id=999999", nil, http.StatusUnprocessableEntity, "no service 999999"},
		{"SlotsBadDate", "GET", slots("from=tomorrow"), nil, http.StatusBadRequest, "from must be a date"},
		{"SlotsPast", "GET", slots("from=2020-01-01&to=2020-01-07"), nil, http.StatusUnprocessableEntity, "in the past"},
		{"SlotsBackwards", "GET", slots("from=" + day + "&to=" + monday.AddDate(0, 0, -1).Format(time.DateOnly)), nil, http.StatusUnprocessableEntity, "before from"},
		{"SlotsTooLong", "GET", slots("from=" + day + "&to=" + monday.AddDate(0, 0, 90).Format(time.DateOnly)), nil, http.StatusUnprocessableEntity, "at most 62 days"},
		{"BookNotJSON", "POST", "/api/v1/calendar/appointments", "start=now", http.StatusBadRequest, "JSON"},
		{"BookBadStart", "POST", "/api/v1/calendar/appointments", book("Monday 10am"), http.StatusUnprocessableEntity, "RFC 3339"},
		{"BookUnknownService", "POST", "/api/v1/calendar/appointments", map[string]any{"service_id": 999999, "start": at(monday, 10, 0), "contact_phone": "+447700900200"}, http.StatusUnprocessableEntity, "no service"},
		{"BookNoService", "POST", "/api/v1/calendar/appointments", map[string]any{"start": at(monday, 10, 0), "contact_phone": "+447700900200"}, http.StatusUnprocessableEntity, "service_id"},
		{"BookBadPhone", "POST", "/api/v1/calendar/appointments", map[string]any{"service_id": svc, "start": at(monday, 10, 0), "contact_phone": "call me"}, http.StatusUnprocessableEntity, "contact_phone"},
		{"BookPast", "POST", "/api/v1/calendar/appointments", book("2020-01-06T10:00:00Z"), http.StatusUnprocessableEntity, "in the past"},
		{"BookOffGrid", "POST", "/api/v1/calendar/appointments", book(at(monday, 10, 10)), http.StatusUnprocessableEntity, "not one of the times offered"},
		{"BookClosedDay", "POST", "/api/v1/calendar/appointments", book(at(monday.AddDate(0, 0, 1), 10, 0)), http.StatusUnprocessableEntity, "not one of the times offered"},
		{"BookBeyondHorizon", "POST", "/api/v1/calendar/appointments", book(at(monday.AddDate(0, 0, 63), 10, 0)), http.StatusUnprocessableEntity, "days ahead"},
		{"RescheduleUnknown", "PATCH", "/api/v1/calendar/appointments/999999", map[string]any{"start": at(monday, 10, 0)}, http.StatusNotFound, "not found"},
		{"CancelUnknown", "POST", "/api/v1/calendar/appointments/999999/cancel", nil, http.StatusNotFound, "not found"},
		{"ICSUnknown", "GET", "/api/v1/calendar/appointments/999999.ics", nil, http.StatusNotFound, "not found"},
		{"AppointmentsBadDate", "GET", "/api/v1/calendar/appointments?from=x", nil, http.StatusBadRequest, "from must be a date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := owner
			c.t = t
			status, body := c.do(tc.method, tc.path, tc.body)
			require.Equal(t, tc.status, status, body)
			require.Contains(t, body["error"], tc.says)
		})
	}
	status, body := apiClient{t: t, base: s.url}.do("GET", "/api/v1/calendar/services", nil)
	require.Equal(t, http.StatusUnauthorized, status, body)

	// Nothing was stored from bad input.
	_, body = owner.do("GET", "/api/v1/calendar/services", nil)
	require.Len(t, body["services"], len(demoServices())+1)
	_, body = owner.do("GET", "/api/v1/calendar/appointments?from="+day+"&to="+monday.AddDate(0, 0, 7).Format(time.DateOnly), nil)
	require.Empty(t, body["appointments"])
	require.Len(t, slotStarts(t, owner, svc, monday, monday), 15, "the hours survived the refused updates")
}

func TestCalendarResourcesAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	monday := nextWeekday(s.ws.Location(), time.Monday)
	svc := calendarSetup(t, owner, monday)
	wed := monday.AddDate(0, 0, 2)

	status, body := owner.do("POST", "/api/v1/calendar/resources", map[string]any{"name": "", "kind": "robot"})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	status, body = owner.do("POST", "/api/v1/calendar/resources", map[string]any{"name": "Room 2", "kind": "room", "service_ids": []float64{svc},
		"rules": []map[string]any{{"weekday": 3, "start": "16:00", "end": "15:00"}}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "closes before it opens")
	status, room := owner.do("POST", "/api/v1/calendar/resources", map[string]any{"name": "Room 2", "kind": "room", "service_ids": []float64{svc},
		"rules": []map[string]any{{"weekday": 3, "start": "17:00", "end": "19:00"}}})
	require.Equal(t, http.StatusCreated, status, room)
	require.Equal(t, []any{svc}, room["service_ids"])
	require.Equal(t, []any{map[string]any{"weekday": 3.0, "start": "17:00", "end": "19:00"}}, room["rules"])

	// Room 2's evening adds slots after the business's 17:00 on Wednesday.
	starts := slotStarts(t, owner, svc, wed, wed)
	require.Contains(t, starts, time.Date(wed.Year(), wed.Month(), wed.Day(), 18, 0, 0, 0, s.ws.Location()).Format(time.RFC3339))

	_, list := owner.do("GET", "/api/v1/calendar/resources", nil)
	require.Len(t, list["resources"], 2)
	def := list["resources"].([]any)[0].(map[string]any)
	require.Equal(t, true, def["is_default"])

	// The default resource cannot drop every service: some would be left with nobody.
	status, body = owner.do("PUT", fmt.Sprintf("/api/v1/calendar/resources/%v", def["id"]), map[string]any{"name": "Default", "service_ids": []int{}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "nobody else performs")
	status, body = owner.do("PUT", fmt.Sprintf("/api/v1/calendar/resources/%v", room["id"]), map[string]any{"name": "Room Two", "kind": "room", "service_ids": []float64{svc},
		"google_calendar_id": "room two"})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "google_calendar_id")
	status, body = owner.do("PUT", fmt.Sprintf("/api/v1/calendar/resources/%v", room["id"]), map[string]any{"name": "Room Two", "kind": "room", "service_ids": []float64{svc},
		"google_calendar_id": "room2@group.calendar.google.com"})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "room2@group.calendar.google.com", body["google_calendar_id"])
	status, body = owner.do("PUT", fmt.Sprintf("/api/v1/calendar/resources/%v", room["id"]), map[string]any{"name": "Room Two", "kind": "room", "service_ids": []float64{svc}})
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "room2@group.calendar.google.com", body["google_calendar_id"], "left out: kept")
	require.Equal(t, "Room Two", body["name"])
	require.Empty(t, body["rules"], "no rules of its own: it follows the business's hours")
	status, _ = owner.do("PUT", "/api/v1/calendar/resources/999999", map[string]any{"name": "X"})
	require.Equal(t, http.StatusNotFound, status)
}

// An exception through the API can name one member of staff or room, as the calendar
// page's "days that differ" can: that resource alone is closed or has other hours.
func TestCalendarResourceExceptionsAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	svc := calendarSetup(t, owner, monday)
	tue, wed, thu := monday.AddDate(0, 0, 1), monday.AddDate(0, 0, 2), monday.AddDate(0, 0, 3)
	at := func(d time.Time, h, m int) string {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc).Format(time.RFC3339)
	}
	status, room := owner.do("POST", "/api/v1/calendar/resources", map[string]any{"name": "Room 2", "kind": "room", "service_ids": []float64{svc}})
	require.Equal(t, http.StatusCreated, status, room)
	_, list := owner.do("GET", "/api/v1/calendar/resources", nil)
	def := list["resources"].([]any)[0].(map[string]any)["id"]
	require.NotEqual(t, def, room["id"])

	var rules []map[string]any
	for d := 1; d <= 5; d++ {
		rules = append(rules, map[string]any{"weekday": d, "start": "09:00", "end": "17:00"})
	}
	// Refused with the field named: a resource the business does not have.
	status, body := owner.do("PUT", "/api/v1/calendar/availability", map[string]any{"rules": rules,
		"exceptions": []map[string]any{{"date": tue.Format(time.DateOnly), "closed": true}, {"date": wed.Format(time.DateOnly), "closed": true, "resource_id": 999999}}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "exceptions[1].resource_id")
	require.Contains(t, body["error"], "999999")

	status, body = owner.do("PUT", "/api/v1/calendar/availability", map[string]any{"rules": rules, "exceptions": []map[string]any{
		{"date": tue.Format(time.DateOnly), "closed": true},
		{"date": wed.Format(time.DateOnly), "closed": true, "resource_id": room["id"], "note": "deep clean"},
		{"date": thu.Format(time.DateOnly), "start": "09:00", "end": "12:00", "resource_id": def},
	}})
	require.Equal(t, http.StatusOK, status, body)
	require.InDelta(t, 3, body["exceptions"], 0)

	status, body = owner.do("GET", "/api/v1/calendar/availability", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "Europe/London", body["timezone"])
	require.Len(t, body["rules"], 5)
	exceptions := body["exceptions"].([]any)
	require.Len(t, exceptions, 3)
	require.Nil(t, exceptions[0].(map[string]any)["resource_id"], "Tuesday: the whole business")
	require.Equal(t, room["id"], exceptions[1].(map[string]any)["resource_id"])
	require.Equal(t, "deep clean", exceptions[1].(map[string]any)["note"])
	require.Equal(t, map[string]any{"id": exceptions[2].(map[string]any)["id"], "date": thu.Format(time.DateOnly), "closed": false,
		"start": "09:00", "end": "12:00", "note": "", "resource_id": def}, exceptions[2])

	book := func(start string) (int, map[string]any) {
		return owner.do("POST", "/api/v1/calendar/appointments", map[string]any{"service_id": svc, "start": start, "contact_phone": "+447700900300"})
	}
	// Wednesday: the room is closed, so 10:00 takes one booking, on the default resource.
	status, appt := book(at(wed, 10, 0))
	require.Equal(t, http.StatusCreated, status, appt)
	require.Equal(t, def, appt["resource_id"])
	status, body = book(at(wed, 10, 0))
	require.Equal(t, http.StatusConflict, status, body)
	// Thursday afternoon: the default resource's day ends at 12:00, the room's does not.
	status, appt = book(at(thu, 14, 0))
	require.Equal(t, http.StatusCreated, status, appt)
	require.Equal(t, room["id"], appt["resource_id"])
	status, body = book(at(thu, 14, 0))
	require.Equal(t, http.StatusConflict, status, body)
	// Thursday morning both work.
	for range 2 {
		status, appt = book(at(thu, 10, 0))
		require.Equal(t, http.StatusCreated, status, appt)
	}

	// A service performed in the room alone: its slots follow the room's days.
	status, body = owner.do("POST", "/api/v1/calendar/services", map[string]any{"name": "X-ray", "duration_minutes": 30, "resource_ids": []any{999999}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "resource_ids")
	status, xray := owner.do("POST", "/api/v1/calendar/services", map[string]any{"name": "X-ray", "duration_minutes": 30, "resource_ids": []any{room["id"]}})
	require.Equal(t, http.StatusCreated, status, xray)
	require.Equal(t, []any{room["id"]}, xray["resource_ids"])
	require.Empty(t, slotStarts(t, owner, xray["id"].(float64), wed, wed), "the room is closed on Wednesday")
	require.NotEmpty(t, slotStarts(t, owner, xray["id"].(float64), thu, thu))

	// PUT replaces every exception, the resources' too.
	status, body = owner.do("PUT", "/api/v1/calendar/availability", map[string]any{"rules": rules, "exceptions": []any{}})
	require.Equal(t, http.StatusOK, status, body)
	_, body = owner.do("GET", "/api/v1/calendar/availability", nil)
	require.Empty(t, body["exceptions"])
	status, appt = book(at(wed, 10, 0))
	require.Equal(t, http.StatusCreated, status, appt, "the room is open again on Wednesday")
	require.Equal(t, room["id"], appt["resource_id"])
}
