package main

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// requireChromium skips the test without Chromium, except in CI, where it must be there.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(browserChromium); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", browserChromium, err)
		}
		t.Fatalf("CI must install Chromium at %s: %v", browserChromium, err)
	}
}

// signedInOwner opens a browser tab with the given viewport and signs the demo owner in;
// it returns the tab, the test's deadline and a step runner for it.
func signedInOwner(t *testing.T, s *testServer, viewport chromedp.Action[chromedp.Void]) (*browserTab, time.Time, func(string, ...chromedp.Action[chromedp.Void])) {
	t.Helper()
	deadline := time.Now().Add(browserTestTimeout)
	owner := newBrowserTab(t, startChromium(t), "owner")
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		owner.do(t, deadline, name, actions...)
	}
	step("set the window", viewport)
	step("open the sign-in page", chromedp.Navigate(s.url+"/admin/login"), chromedp.WaitVisible(chromedp.CSS("#email")))
	step("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), demoEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demoPassword))
	owner.navigateBy(t, deadline, "sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	return owner, deadline, step
}
