package main

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

// TestBrowserKeyboardAndBell: the owner opens a new conversation with "j" and approves
// its draft with "a" without touching the mouse, and the bell's count rises live when a
// complaint arrives.
func TestBrowserKeyboardAndBell(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	ctx := context.Background()
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(1280, 800))
	write := func(name, phone, text string) {
		t.Helper()
		contact, err := s.app.conv.UpsertContact(ctx, s.app.pool, s.ws.ID, phone, name, channels.Portal)
		require.NoError(t, err)
		_, err = s.app.conv.Ingest(ctx, channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.Portal, ContactID: contact, Text: text})
		require.NoError(t, err)
	}
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
