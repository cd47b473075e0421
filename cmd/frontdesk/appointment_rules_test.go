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

// TestStaffBookingFiresAppointmentRules: an appointment a person books or cancels through
// the calendar API fires the appointment rules on the customer's conversation, as one the
// assistant books does: the workflow moves it to booked, a cancellation rule tags it.
func TestStaffBookingFiresAppointmentRules(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	base := "/api/v1/context/workspaces/" + s.ws.Slug
	status, body := owner.do("PUT", base+"/workflow", `{"statuses": ["new", "booked", "lost"],
		"transitions": {"new": ["booked", "lost"], "booked": ["lost", "new"]},
		"automatic": [{"when": "appointment_booked", "from": ["new"], "to": "booked"}]}`)
	require.Equal(t, http.StatusOK, status, body)
	status, body = owner.do("POST", base+"/rules", `{"name": "Cancelled", "trigger": "appointment_cancelled",
		"actions": [{"type": "add_tag", "tag": "cancelled"}]}`)
	require.Equal(t, http.StatusCreated, status, body)

	ctx := context.Background()
	res, err := s.app.conv.Ingest(ctx, channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900751", Text: "Hello, I will call to book"})
	require.NoError(t, err)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	svc := calendarSetup(t, owner, monday)
	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": time.Date(monday.Year(), monday.Month(), monday.Day(), 11, 0, 0, 0, loc).Format(time.RFC3339),
		"contact_phone": "+447700900751", "contact_name": "Kim Park",
	})
	require.Equal(t, http.StatusCreated, status, appt)

	state := func() (string, []string) {
		var st string
		var tags []string
		require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT workflow_status, tags FROM conversations WHERE id = $1`, res.ConversationID).Scan(&st, &tags))
		return st, tags
	}
	require.Eventually(t, func() bool { st, _ := state(); return st == "booked" }, 20*time.Second, 50*time.Millisecond,
		"the workflow's appointment_booked move ran on the customer's conversation")

	status, body = owner.do("POST", fmt.Sprintf("/api/v1/calendar/appointments/%v/cancel", appt["id"]), nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool { _, tags := state(); return len(tags) == 1 && tags[0] == "cancelled" }, 20*time.Second, 50*time.Millisecond,
		"the appointment_cancelled rule tagged it")
}
