package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

// TestBrowserKeyboardAndBell: the owner opens a new conversation with "j" and approves
// its draft with "a" without touching the mouse, and the bell's count rises live when a
// complaint arrives.
func TestBrowserKeyboardAndBell(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(browserChromium); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("browser test needs Chromium at %s (apt-get install chromium): %v", browserChromium, err)
		}
		t.Fatalf("CI must install Chromium at %s: %v", browserChromium, err)
	}
	deadline := time.Now().Add(browserTestTimeout)
	s := startServer(t)
	ctx := context.Background()
	owner := newBrowserTab(t, startChromium(t), "owner")
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		owner.do(t, deadline, name, actions...)
	}
	write := func(name, phone, text string) {
		t.Helper()
		contact, err := s.app.conv.UpsertContact(ctx, s.app.pool, s.ws.ID, phone, name, channels.Portal)
		require.NoError(t, err)
		_, err = s.app.conv.Ingest(ctx, channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.Portal, ContactID: contact, Text: text})
		require.NoError(t, err)
	}

	step("use a laptop-sized window", chromedp.EmulateViewport(1280, 800))
	step("open the sign-in page", chromedp.Navigate(s.url+"/admin/login"), chromedp.WaitVisible(chromedp.CSS("#email")))
	step("fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), demoEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demoPassword))
	owner.navigateBy(t, deadline, "sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	step("see the inbox", chromedp.WaitVisible(chromedp.CSS("#live #conv-list")))
	owner.waitLive(t, deadline, "/admin/events")

	write("Kim Keys", "+447700900661", "Are you open on Saturday?")
	owner.waitFor(t, deadline, browserStepTimeout, "Kim's conversation in the list",
		browserHasText("#conv-list a[data-conversation-id]", "Kim Keys"))
	owner.navigateBy(t, deadline, "press j", chromedp.KeyEvent("j"))
	owner.waitFor(t, deadline, browserStepTimeout, "Kim's draft", `(() => {
		const ta = document.querySelector("#thread-pane .draft textarea");
		return ta && /saturday/i.test(ta.value);
	})()`)
	owner.navigateBy(t, deadline, "press a", chromedp.KeyEvent("a"))
	owner.waitFor(t, deadline, browserStepTimeout, "the approved reply in the thread",
		browserHasText("#thread-pane .msg.outbound", "Saturday"))
	require.False(t, owner.has(t, deadline, "#thread-pane .draft"), "no draft is left after approving")

	before := owner.eval(t, deadline, "read the bell", `Number(document.querySelector("#bell-count").textContent || "0")`)
	owner.eval(t, deadline, "mark the page", `window.__fdSameDocument = true`)
	write("Cal Complaint", "+447700900662", "This is awful, I am very unhappy with my treatment and want to complain")
	owner.waitFor(t, deadline, browserStepTimeout, "the bell's count to rise",
		`(() => { const b = document.querySelector("#bell-count"); return !b.hidden && Number(b.textContent) > `+before+`; })()`)
	require.Equal(t, "true", owner.eval(t, deadline, "check the page was not reloaded", `window.__fdSameDocument === true`))
	browserSaveScreenshot(t, owner.screenshot(t, deadline), "frontdesk-keyboard.png")
	owner.requireNoPageErrors(t)
}
