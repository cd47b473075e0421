package booking_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
)

func TestAppointmentICS(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	a := booking.Appointment{
		ID: 42, ServiceName: "Check-up; cleaning, polish", ContactName: `Zoë "Back\slash" O'Neil`, ContactPhone: "+12125550100",
		Status: booking.StatusBooked, Start: time.Date(2026, 11, 1, 1, 30, 0, 0, ny).Add(time.Hour), // 01:30 EST, the second one
		Notes:     "Line one\nLine two " + strings.Repeat("é", 60),
		Sequence:  2,
		UpdatedAt: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC),
	}
	a.End = a.Start.Add(45 * time.Minute)
	ics := a.ICS(booking.ICSOptions{BusinessName: "Bright Smile", Domain: "clinic.example", WorkspaceID: 7})

	require.True(t, strings.HasSuffix(ics, "END:VCALENDAR\r\n"))
	require.NotContains(t, strings.ReplaceAll(ics, "\r\n", ""), "\n", "every line ends in CRLF")
	lines := strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n")
	for _, l := range lines {
		require.LessOrEqual(t, len(l), 75, "lines are folded at 75 octets: %q", l)
		require.True(t, utf8.ValidString(l), "folding never splits a character: %q", l)
	}
	// Unfold (RFC 5545 3.1) and read the properties.
	props := map[string]string{}
	for _, l := range strings.Split(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			props[k] = v
		}
	}
	require.Equal(t, "appointment-7-42@clinic.example", props["UID"])
	require.Equal(t, "20261101T063000Z", props["DTSTART"], "01:30 EST is 06:30 UTC")
	require.Equal(t, "20261101T071500Z", props["DTEND"])
	require.Equal(t, "20261001T120000Z", props["DTSTAMP"])
	require.Equal(t, "2", props["SEQUENCE"])
	require.Equal(t, "CONFIRMED", props["STATUS"])
	require.Equal(t, `Check-up\; cleaning\, polish at Bright Smile`, props["SUMMARY"])
	require.Contains(t, props["DESCRIPTION"], `For: Zoë "Back\\slash" O'Neil\nPhone: +12125550100\nLine one\nLine two éé`)
	require.Equal(t, []string{"BEGIN:VCALENDAR", "VERSION:2.0"}, lines[:2])

	a.Status = booking.StatusCancelled
	require.Contains(t, a.ICS(booking.ICSOptions{}), "\r\nSTATUS:CANCELLED\r\n")
}
