package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserContactsAndAnalytics opens the analytics and contacts pages on a phone-sized
// screen in a real browser: the charts are drawn, nothing overflows the screen sideways,
// no script fails (the pages run under the Content-Security-Policy), and a screenshot of
// each is kept.
func TestBrowserContactsAndAnalytics(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	f := seedClinic(t, s)
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile,
		chromedp.EmulateTouch, chromedp.EmulatePortrait))
	fitsWidth := func(page string) {
		t.Helper()
		require.Equal(t, "true", owner.eval(t, deadline, "measure "+page,
			`document.documentElement.scrollWidth <= window.innerWidth`), "%s scrolls sideways on a phone", page)
	}

	// Analytics for the seeded week.
	owner.navigateBy(t, deadline, "open analytics", chromedp.Navigate(s.url+"/admin/analytics?from=2026-06-01&to=2026-06-07"))
	step("see the charts", chromedp.WaitVisible(chromedp.CSS("svg#chart-messages")), chromedp.WaitVisible(chromedp.CSS("svg#chart-hours")))
	require.Equal(t, "3", owner.eval(t, deadline, "count the lines", `document.querySelectorAll("svg#chart-messages polyline.series").length`),
		"one line per channel")
	require.Equal(t, "168", owner.eval(t, deadline, "count the heatmap cells", `document.querySelectorAll("svg#chart-hours rect.cell").length`))
	width := owner.eval(t, deadline, "measure the chart", `Math.round(document.querySelector("svg#chart-messages").getBoundingClientRect().width)`)
	require.NotEqual(t, "0", width, "the chart is drawn")
	require.Equal(t, `"10m 00s"`, owner.eval(t, deadline, "read the median", `document.querySelector("#stat-first-reply").textContent`))
	fitsWidth("analytics")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-analytics.png")

	// The directory, a search, and one contact.
	owner.navigateBy(t, deadline, "open contacts", chromedp.Click(chromedp.CSS(`.topbar nav a[href="/admin/contacts"]`)))
	step("see the directory", chromedp.WaitVisible(chromedp.CSS("table#contacts")))
	require.Equal(t, "4", owner.eval(t, deadline, "count the contacts", `document.querySelectorAll("table#contacts tbody tr").length`))
	fitsWidth("contacts")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-contacts.png")

	step("search for Alice", chromedp.SendKeys(chromedp.CSS("#q"), "alice"))
	owner.navigateBy(t, deadline, "submit the search", chromedp.Click(chromedp.CSS(`form.search button[type="submit"]`)))
	require.Equal(t, "2", owner.eval(t, deadline, "count the matches", `document.querySelectorAll("table#contacts tbody tr").length`))
	// A plain click and a wait for the new page: the link sits in a scrolling table.
	step("open Alice", chromedp.Click(chromedp.CSS(fmt.Sprintf(`table#contacts a[href="/admin/contacts/%d"]`, f.alice))),
		chromedp.WaitVisible(chromedp.CSS("#appointments")))
	require.Contains(t, owner.eval(t, deadline, "read the appointments", `document.querySelector("#appointments").textContent`), "Allergic to latex")
	require.True(t, owner.has(t, deadline, "#erase-form #confirm"), "erasing asks for a confirmation")
	fitsWidth("a contact")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-contact.png")
	require.True(t, strings.HasSuffix(owner.location(t, deadline), fmt.Sprintf("/admin/contacts/%d", f.alice)))

	// A preset range is a link: it answers with the same page for the last 7 days.
	owner.navigateBy(t, deadline, "open analytics again", chromedp.Navigate(s.url+"/admin/analytics"))
	owner.navigateBy(t, deadline, "choose the last 7 days", chromedp.Click(chromedp.CSS(`.presets a[href$="days=7"]`)))
	step("see the charts again", chromedp.WaitVisible(chromedp.CSS("svg#chart-messages")))
	require.Len(t, strings.Split(strings.Trim(owner.eval(t, deadline, "read the range", `document.querySelector("#to").value + "|" + document.querySelector("#from").value`), `"`), "|"), 2)

	owner.requireNoPageErrors(t)
}

func (tb *browserTab) fullScreenshot(t *testing.T, deadline time.Time) []byte {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.fail(t, "take a full-page screenshot", err)
	}
	require.NotEmpty(t, png)
	return png
}
