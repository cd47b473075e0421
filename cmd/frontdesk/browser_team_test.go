package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserInviteStaff: the owner invites a member, the member opens the link on a
// phone, joins and lands in the inbox, but the settings answer 403.
func TestBrowserInviteStaff(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	deadline := time.Now().Add(browserTestTimeout)
	s := startServer(t)
	browser := startChromium(t)
	owner := newBrowserTab(t, browser, "owner")
	staff := newBrowserTab(t, browser, "staff")

	owner.do(t, deadline, "use a laptop-sized window", chromedp.EmulateViewport(1280, 800))
	owner.do(t, deadline, "open the sign-in page", chromedp.Navigate(s.url+"/admin/login"), chromedp.WaitVisible(chromedp.CSS("#email")))
	owner.do(t, deadline, "fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), demoEmail), chromedp.SendKeys(chromedp.CSS("#password"), demoPassword))
	owner.navigateBy(t, deadline, "sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	owner.navigateBy(t, deadline, "open the team page", chromedp.Navigate(s.url+"/admin/settings/team"))
	owner.do(t, deadline, "invite a member",
		chromedp.SendKeys(chromedp.CSS("#email"), "robin@bright-smile.example"),
		chromedp.SetValue(chromedp.CSS("#role"), "staff"),
		chromedp.Click(chromedp.CSS(`#invite-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#invite-url")))
	link := owner.value(t, deadline, "#invite-url")
	require.True(t, strings.HasPrefix(link, s.url+"/admin/invite/"), link)

	staff.do(t, deadline, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	staff.navigateBy(t, deadline, "open the invitation link", chromedp.Navigate(link))
	staff.do(t, deadline, "choose a name and password",
		chromedp.SendKeys(chromedp.CSS("#name"), "Robin Staff"), chromedp.SendKeys(chromedp.CSS("#password"), "robin-password-1"))
	staff.navigateBy(t, deadline, "join", chromedp.Click(chromedp.CSS(`#invite-form button[type="submit"]`)))
	staff.do(t, deadline, "see the inbox", chromedp.WaitVisible(chromedp.CSS("#live #conv-list")))
	require.Equal(t, s.url+"/admin", strings.TrimSuffix(staff.location(t, deadline), "/"))
	require.True(t, staff.has(t, deadline, "#assign-filter"), "the inbox's filters show")
	require.False(t, staff.has(t, deadline, `nav a[href="/admin/settings"]`), "no settings link for staff")
	browserSaveScreenshot(t, staff.screenshot(t, deadline), "team-staff-inbox.png")

	ctx, cancel := staff.bound(deadline, browserStepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(s.url+"/admin/settings"))
	require.NoError(t, err)
	require.EqualValues(t, 403, resp.Status, "staff may not open the settings")
	staff.waitFor(t, deadline, browserStepTimeout, "the refusal", browserHasText("h1", "only an owner of this workspace can do this"))

	// The owner sees the new member on the team page.
	owner.navigateBy(t, deadline, "reload the team page", chromedp.Navigate(s.url+"/admin/settings/team"))
	owner.waitFor(t, deadline, browserStepTimeout, "the new member", browserHasText("#members", "robin@bright-smile.example"))
}
