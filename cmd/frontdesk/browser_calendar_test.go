package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserCalendarOnAPhone: on a phone the week view shows the chosen day only (by
// CSS, no script), with its appointment at its time, and the page does not scroll
// sideways; on a desktop the same page shows the seven days.
func TestBrowserCalendarOnAPhone(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	loc := s.ws.Location()
	monday := nextWeekday(loc, time.Monday)
	svc := calendarSetup(t, owner, monday)
	wed := monday.AddDate(0, 0, 2)
	status, appt := owner.do("POST", "/api/v1/calendar/appointments", map[string]any{
		"service_id": svc, "start": time.Date(wed.Year(), wed.Month(), wed.Day(), 10, 30, 0, 0, loc).Format(time.RFC3339),
		"contact_phone": "+447700900411", "contact_name": "Ada Phone",
	})
	require.Equal(t, http.StatusCreated, status, appt)

	tab, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile,
		chromedp.EmulateTouch, chromedp.EmulatePortrait))
	visibleDays := `[...document.querySelectorAll("#cal-grid thead th.d")].filter(e => e.getClientRects().length > 0).map(e => e.textContent.trim()).join("|")`
	tab.navigateBy(t, deadline, "open the week", chromedp.Navigate(s.url+"/admin/calendar?view=week&date="+wed.Format(time.DateOnly)))
	step("see the grid", chromedp.WaitVisible(chromedp.CSS("#cal-grid")))
	require.Equal(t, fmt.Sprintf("%q", wed.Format("Mon 2 Jan")), tab.eval(t, deadline, "list the days shown", visibleDays), "a phone shows the chosen day")
	cell := fmt.Sprintf(`td.appt[data-day="%s"][data-slot="10:30"]`, wed.Format(time.DateOnly))
	require.Contains(t, tab.eval(t, deadline, "read the appointment", `document.querySelector('`+cell+`').innerText`), "Ada Phone")
	require.Equal(t, "true", tab.eval(t, deadline, "is it on screen", `document.querySelector('`+cell+`').getClientRects().length > 0`))
	require.Equal(t, "true", tab.eval(t, deadline, "measure the page", `document.documentElement.scrollWidth <= window.innerWidth`),
		"the calendar scrolls sideways on a phone")

	tab.navigateBy(t, deadline, "open the appointment", chromedp.Click(chromedp.CSS(cell+" a")))
	step("see its page", chromedp.WaitVisible(chromedp.CSS("#appointment")))
	require.Equal(t, "true", tab.eval(t, deadline, "measure the appointment page", `document.documentElement.scrollWidth <= window.innerWidth`))

	step("widen the window", chromedp.EmulateViewport(1280, 900))
	tab.navigateBy(t, deadline, "open the week again", chromedp.Navigate(s.url+"/admin/calendar?view=week&date="+wed.Format(time.DateOnly)))
	step("see the grid again", chromedp.WaitVisible(chromedp.CSS("#cal-grid")))
	days := tab.eval(t, deadline, "list the days shown", visibleDays)
	require.Contains(t, days, monday.Format("Mon 2 Jan"))
	require.Contains(t, days, monday.AddDate(0, 0, 6).Format("Mon 2 Jan"), "a desktop shows the week")
}
