package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

const (
	browserChromium    = "/usr/bin/chromium"
	browserStepTimeout = 30 * time.Second
	browserTestTimeout = 2 * time.Minute
	browserPollEvery   = 50 * time.Millisecond
)

// browserTrackEventSources runs in every document before the page's own scripts and keeps each
// EventSource the page opens, so the test can wait until a live stream is connected
// instead of guessing with a sleep. It also marks the document, so a reload shows.
const browserTrackEventSources = `(function () {
  if (window.__fdSources) return;
  window.__fdSources = [];
  var Orig = window.EventSource;
  function Tracked(url, opts) {
    var es = new Orig(url, opts);
    window.__fdSources.push(es);
    return es;
  }
  Tracked.prototype = Orig.prototype;
  Tracked.CONNECTING = Orig.CONNECTING; Tracked.OPEN = Orig.OPEN; Tracked.CLOSED = Orig.CLOSED;
  window.EventSource = Tracked;
})();`

// TestBrowserPortalToApproval walks the whole story in a real browser: a customer on a
// phone opens their portal link and asks a question; the owner, already watching the
// inbox, sees the conversation and the drafted reply arrive without reloading, edits and
// approves it; the customer sees the answer arrive without reloading.
func TestBrowserPortalToApproval(t *testing.T) {
	t.Parallel()
	requireChromium(t)

	// The whole story must finish in time; each step has its own, shorter bound.
	deadline := time.Now().Add(browserTestTimeout)
	s := startServer(t)
	ctx := context.Background()

	// 1. A portal link for Jane.
	contactID, err := s.app.conv.UpsertContact(ctx, s.app.pool, s.ws.ID, "+447700900555", "Jane Doe", channels.Portal)
	require.NoError(t, err)
	token, err := s.app.portal.CreateLink(ctx, s.app.pool, s.ws.ID, contactID, time.Hour)
	require.NoError(t, err)
	link := s.url + "/p/" + token

	browser := startChromium(t)
	// Each person gets a browser context of their own: own cookies, own connections.
	customer := newBrowserTab(t, browser, "customer")
	owner := newBrowserTab(t, browser, "owner")

	step := func(bt *browserTab, name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		bt.do(t, deadline, name, actions...)
	}

	// 3a. The owner signs in and watches the inbox before Jane writes.
	step(owner, "use a laptop-sized window", chromedp.EmulateViewport(1280, 800))
	step(owner, "open the sign-in page",
		chromedp.Navigate(s.url+"/admin/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
	)
	step(owner, "fill in the sign-in form",
		chromedp.SendKeys(chromedp.CSS("#email"), demoEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), demoPassword),
	)
	owner.navigateBy(t, deadline, "sign in", chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)))
	step(owner, "see the inbox", chromedp.WaitVisible(chromedp.CSS("#live #conv-list")))
	require.Equal(t, s.url+"/admin", strings.TrimSuffix(owner.location(t, deadline), "/"),
		"signing in lands on the inbox")
	owner.waitLive(t, deadline, "/admin/events")
	// Mark this document: if anything reloads the inbox, the mark is gone.
	owner.eval(t, deadline, "mark the inbox document", `window.__fdSameDocument = true`)
	require.False(t, owner.has(t, deadline, `#conv-list a[data-conversation-id]`), "the inbox starts empty")

	// 2. Jane opens her link on a phone and asks a question.
	step(customer, "emulate a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile,
			chromedp.EmulateTouch, chromedp.EmulatePortrait),
	)
	step(customer, "open the portal link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#composer")),
	)
	require.Equal(t, s.url+"/c", customer.location(t, deadline), "the link redirects to the chat")
	customer.waitLive(t, deadline, "/c/events")
	customer.eval(t, deadline, "mark the chat document", `window.__fdSameDocument = true`)

	const question = "Hi, are you open on Saturday?"
	step(customer, "type and send the question",
		chromedp.SendKeys(chromedp.CSS("#text"), question),
		chromedp.Click(chromedp.CSS(`#composer button[type="submit"]`)),
	)
	// The sent message shows at once, from the POST's answer rather than the live stream.
	customer.waitFor(t, deadline, 5*time.Second, "the question in the thread",
		browserHasText("#thread .msg.inbound", question))
	require.Empty(t, customer.value(t, deadline, "#text"), "the composer is emptied after sending")

	// 3b. Without a reload, the conversation and the drafted reply reach the inbox.
	owner.waitFor(t, deadline, browserStepTimeout, "Jane's conversation in the inbox list",
		browserHasText("#conv-list a[data-conversation-id]", "Jane Doe"))
	draft := owner.waitFor(t, deadline, browserStepTimeout, "the drafted reply in the thread pane", `(() => {
		const ta = document.querySelector("#thread-pane .draft textarea");
		return ta && /saturday/i.test(ta.value) ? ta.value : false;
	})()`)
	require.Contains(t, draft, "open on Saturday from 09:00", "the offline drafter answers from the opening hours")
	owner.waitFor(t, deadline, browserStepTimeout, "the question in the owner's thread",
		browserHasText("#thread-pane .msg.inbound", question))
	require.Equal(t, "true", owner.eval(t, deadline, "check the inbox was not reloaded", `window.__fdSameDocument === true`),
		"the draft arrived live, in the same document")

	browserSaveScreenshot(t, owner.screenshot(t, deadline), "frontdesk-inbox.png")

	// 4. The owner rewrites the reply and approves it.
	const reply = "Yes Jane, we are open Saturday 9am to 1pm."
	// Clear it as a person does: select everything and delete it. (chromedp.SetValue
	// cannot set "": the protocol's JSON encoding drops an empty string argument.)
	const editor = "#thread-pane .draft textarea"
	step(owner, "clear the draft",
		chromedp.Focus(chromedp.CSS(editor)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#thread-pane .draft textarea").select()`),
		chromedp.SendKeys(chromedp.CSS(editor), kb.Backspace),
	)
	require.Empty(t, owner.value(t, deadline, editor), "the draft is cleared")
	step(owner, "type the owner's reply", chromedp.SendKeys(chromedp.CSS(editor), reply))
	require.Equal(t, reply, owner.value(t, deadline, editor), "the edit is in the form")
	owner.navigateBy(t, deadline, "approve and send", chromedp.Click(chromedp.CSS("#thread-pane [data-approve]")))
	require.Regexp(t, `/admin/conversations/\d+$`, owner.location(t, deadline), "approving shows the conversation")
	// Approving posts the form and shows the conversation, with the reply in it and no draft left.
	owner.waitFor(t, deadline, browserStepTimeout, "the sent reply in the owner's thread",
		browserHasText("#thread-pane .msg.outbound", "open Saturday 9am to 1pm"))
	require.False(t, owner.has(t, deadline, "#thread-pane .draft"), "no draft is left after approving")

	// 5. Jane's chat, never reloaded, shows the reply.
	customer.waitFor(t, deadline, browserStepTimeout, "the reply in the customer's chat",
		browserHasText("#thread .msg.outbound", "open Saturday 9am to 1pm"))
	require.Equal(t, "true", customer.eval(t, deadline, "check the chat was not reloaded", `window.__fdSameDocument === true`),
		"the reply arrived live, in the same document")
	inbound := customer.eval(t, deadline, "count the questions", `document.querySelectorAll("#thread .msg.inbound").length`)
	require.Equal(t, "1", inbound, "the question is shown once")

	// 5b. Jane attaches a photo: it shows in her chat and, live, in the owner's thread.
	photo := filepath.Join(t.TempDir(), "tooth.png")
	require.NoError(t, os.WriteFile(photo, []byte(browserPNG), 0o600))
	step(customer, "attach a photo", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{photo}))
	customer.waitFor(t, deadline, browserStepTimeout, "the photo in the customer's chat",
		`Array.from(document.querySelectorAll("#thread .msg.inbound img.thumb")).some(img => img.complete && img.naturalWidth === 1)`)
	owner.waitFor(t, deadline, browserStepTimeout, "the photo in the owner's thread",
		`Array.from(document.querySelectorAll("#thread-pane .msg.inbound img.thumb")).some(img => img.complete && img.naturalWidth === 1)`)

	// 6. A screenshot of the phone, for the record and for a person to look at.
	browserSaveScreenshot(t, customer.screenshot(t, deadline), "frontdesk-portal.png")

	customer.requireNoPageErrors(t)
	owner.requireNoPageErrors(t)
}

// browserPNG is a 1×1 picture.
const browserPNG = ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// browserHasText is a predicate that is true when an element matching sel contains text.
func browserHasText(sel, text string) string {
	s, _ := json.Marshal(sel)
	x, _ := json.Marshal(text)
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).some(el => el.textContent.includes(%s))`, s, x)
}

// startChromium launches headless Chromium with a fresh profile; the browser stops when
// the test ends, before the server does.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserChromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a timeout (that would stop the
	// browser with it), so bound it from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(browserCtx) }()
	select {
	case err := <-started:
		require.NoError(t, err, "start Chromium")
	case <-time.After(browserStepTimeout):
		t.Fatal("Chromium did not start in time")
	}
	return browserCtx
}

// browserTab is one person's browser tab, in a browser context of its own.
type browserTab struct {
	name string
	ctx  context.Context

	mu     sync.Mutex
	errors []string
}

func newBrowserTab(t *testing.T, browser context.Context, name string) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &browserTab{name: name, ctx: ctx}
	require.NoError(t, chromedp.Listen(ctx, tb.recordErrors), "%s: listen", name)
	tb.do(t, time.Now().Add(browserStepTimeout), "install the live-stream tracker", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: browserTrackEventSources})
		return err
	}))
	return tb
}

// recordErrors keeps the page's uncaught exceptions and console errors. It runs on the
// tab's reader goroutine, so it only appends.
func (tb *browserTab) recordErrors(ev any) {
	var msg string
	switch e := ev.(type) {
	case *cdpruntime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *cdpruntime.EventConsoleAPICalled:
		if e.Type != cdpruntime.ConsoleAPICalledTypeError && e.Type != cdpruntime.ConsoleAPICalledTypeWarning {
			return
		}
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		msg = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
	default:
		return
	}
	tb.mu.Lock()
	tb.errors = append(tb.errors, msg)
	tb.mu.Unlock()
}

func (tb *browserTab) requireNoPageErrors(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	require.Empty(t, tb.errors, "%s: the page reported errors", tb.name)
}

// bound returns a context for one step: at most d, and never past the test's deadline.
func (tb *browserTab) bound(deadline time.Time, d time.Duration) (context.Context, context.CancelFunc) {
	if until := time.Now().Add(d); until.Before(deadline) {
		deadline = until
	}
	return context.WithDeadline(tb.ctx, deadline)
}

func (tb *browserTab) fail(t *testing.T, what string, err error) {
	t.Helper()
	tb.mu.Lock()
	errs := strings.Join(tb.errors, "\n  ")
	tb.mu.Unlock()
	if errs != "" {
		errs = "\npage errors:\n  " + errs
	}
	html, herr := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.location.href + "\n" + document.body.innerHTML`))
	if herr != nil {
		html = "(could not read the page: " + herr.Error() + ")"
	}
	t.Fatalf("%s: %s: %v%s\npage:\n%s", tb.name, what, err, errs, html)
}

func (tb *browserTab) do(t *testing.T, deadline time.Time, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fail(t, what, err)
	}
}

// navigateBy runs an action that loads a new page, such as submitting a form, waits
// until the page has loaded and requires it to be a success.
func (tb *browserTab) navigateBy(t *testing.T, deadline time.Time, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		tb.fail(t, what, err)
	}
	if resp == nil || resp.Status != 200 {
		tb.fail(t, what, fmt.Errorf("the new page answered %+v", resp))
	}
}

// waitFor polls a JavaScript predicate until it is truthy and returns its value as text.
func (tb *browserTab) waitFor(t *testing.T, deadline time.Time, d time.Duration, what, predicate string) string {
	t.Helper()
	ctx, cancel := tb.bound(deadline, d)
	defer cancel()
	timeout := time.Until(deadline)
	if d < timeout {
		timeout = d
	}
	v, err := chromedp.Run(ctx, chromedp.Poll[any](predicate,
		chromedp.WithPollingInterval(browserPollEvery), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		tb.fail(t, "waiting for "+what, err)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// waitLive waits until the page's live stream to path is connected, so that no event
// sent from now on is missed.
func (tb *browserTab) waitLive(t *testing.T, deadline time.Time, path string) {
	t.Helper()
	p, _ := json.Marshal(path)
	tb.waitFor(t, deadline, browserStepTimeout, "the live stream "+path, fmt.Sprintf(
		`(window.__fdSources || []).some(es => new URL(es.url).pathname === %s && es.readyState === EventSource.OPEN)`, p))
}

// eval evaluates a JavaScript expression and returns its value as JSON text.
func (tb *browserTab) eval(t *testing.T, deadline time.Time, what, expr string) string {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		tb.fail(t, what, err)
	}
	return string(v)
}

func (tb *browserTab) has(t *testing.T, deadline time.Time, sel string) bool {
	t.Helper()
	s, _ := json.Marshal(sel)
	return tb.eval(t, deadline, "look for "+sel, fmt.Sprintf(`document.querySelector(%s) !== null`, s)) == "true"
}

func (tb *browserTab) value(t *testing.T, deadline time.Time, sel string) string {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.fail(t, "read the value of "+sel, err)
	}
	return v
}

func (tb *browserTab) location(t *testing.T, deadline time.Time) string {
	t.Helper()
	var href string
	require.NoError(t, json.Unmarshal([]byte(tb.eval(t, deadline, "read the location", `document.location.href`)), &href))
	return href
}

// browserSaveScreenshot keeps a screenshot with the test's files and copies it to /tmp,
// where a person can look at it after the run.
func browserSaveScreenshot(t *testing.T, png []byte, name string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(t.TempDir(), name), png, 0o600))
	if err := os.WriteFile(filepath.Join(os.TempDir(), name), png, 0o644); err != nil { //nolint:gosec // meant to be looked at
		t.Logf("could not copy the screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", filepath.Join(os.TempDir(), name))
}

func (tb *browserTab) screenshot(t *testing.T, deadline time.Time) []byte {
	t.Helper()
	ctx, cancel := tb.bound(deadline, browserStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.fail(t, "take a screenshot", err)
	}
	require.NotEmpty(t, png)
	return png
}
