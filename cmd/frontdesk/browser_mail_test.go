package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/mail/mailtest"
)

// On a phone: the owner turns complaint e-mails off, sets quiet hours, and sends
// themselves a test e-mail, which the SMTP server on 127.0.0.1 receives.
func TestBrowserNotificationEmailSettings(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	smtp := mailtest.Start(t)
	s := startServerWith(t, serverOptions{config: func(c *config.Config) {
		c.SMTPURL, c.MailFrom = smtp.URL(), "desk@bright-smile.example"
	}})
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile,
		chromedp.EmulateTouch, chromedp.EmulatePortrait))

	owner.navigateBy(t, deadline, "open notifications", chromedp.Navigate(s.url+"/admin/notifications"))
	owner.navigateBy(t, deadline, "follow the e-mail settings link", chromedp.Click(chromedp.CSS(`a[href="/admin/settings/notifications"]`)))
	step("see the grid", chromedp.WaitVisible(chromedp.CSS("#email_complaint")))
	require.Equal(t, "true", owner.eval(t, deadline, "read the complaint box", `document.querySelector("#email_complaint").checked`))
	require.Equal(t, "true", owner.eval(t, deadline, "measure the page", `document.documentElement.scrollWidth <= window.innerWidth`),
		"the page does not scroll sideways on a phone")
	step("untick complaints, tick quiet hours", chromedp.Click(chromedp.CSS("#email_complaint")), chromedp.Click(chromedp.CSS("#quiet")))
	owner.navigateBy(t, deadline, "save", chromedp.Click(chromedp.CSS(`#notification-prefs button[type="submit"]`)))
	owner.waitFor(t, deadline, browserStepTimeout, "saved", browserHasText(".flash.info", "Saved."))
	require.Equal(t, "false", owner.eval(t, deadline, "read the complaint box", `document.querySelector("#email_complaint").checked`))
	require.Equal(t, "true", owner.eval(t, deadline, "read the quiet box", `document.querySelector("#quiet").checked`))

	owner.navigateBy(t, deadline, "send a test e-mail", chromedp.Click(chromedp.CSS("#test-email")))
	owner.waitFor(t, deadline, browserStepTimeout, "the result", browserHasText("#test-result", demoEmail))
	require.Len(t, smtp.To(demoEmail), 1)
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-email-settings.png")
	owner.requireNoPageErrors(t)
}
