package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

// TestBrowserContextOnAPhone: on a phone-sized screen the owner starts the context
// fields from the estate agent template in one click, saves, and corrects a value the
// assistant read from a message in the inbox sidebar; the correction sticks.
func TestBrowserContextOnAPhone(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(390, 844))
	step("open the schema builder", chromedp.Navigate(s.url+"/admin/context"), chromedp.WaitVisible(chromedp.CSS(`[data-template="real_estate"]`)))
	owner.navigateBy(t, deadline, "load the estate agent template", chromedp.Click(chromedp.CSS(`[data-template="real_estate"]`)))
	step("see its fields", chromedp.WaitVisible(chromedp.CSS(`#f0_key`)))
	require.Equal(t, `"looking_to"`, owner.eval(t, deadline, "read the first key", `document.querySelector("#f0_key").value`))
	// Only the options a type has are shown: a choice field shows options, not a pattern.
	require.Equal(t, `"true"`, owner.eval(t, deadline, "check the pattern is hidden",
		`String(document.querySelector("#f0_pattern").closest("[data-shows]").hidden)`))
	owner.navigateBy(t, deadline, "save", chromedp.Click(chromedp.CSS(`#schema-form button[type="submit"].primary`)))
	owner.waitFor(t, deadline, browserStepTimeout, "the saved message", browserHasText("#context-saved", "version 1"))

	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900663", Text: "Hi, I'd like to rent a 2 bedroom flat, budget £1,400 a month"})
	require.NoError(t, err)
	convURL := fmt.Sprintf("%s/admin/conversations/%d", s.url, res.ConversationID)
	require.Eventually(t, func() bool {
		c, _, err := s.app.context.Read(context.Background(), s.app.pool, s.ws.ID, res.ConversationID, 1)
		return err == nil && c.Values["property_type"] == "flat"
	}, browserStepTimeout, 100*time.Millisecond, "the pipeline read the message")
	step("open the conversation", chromedp.Navigate(convURL), chromedp.WaitVisible(chromedp.CSS("#ctx-property_type")))
	require.Equal(t, `"flat"`, owner.eval(t, deadline, "read the property type", `document.querySelector("#ctx-property_type select").value`))
	require.Contains(t, owner.eval(t, deadline, "read who set it", `document.querySelector("#ctx-property_type .ctx-meta").textContent`), "AI")
	// Typed and sent in one step: a live update of the thread (a later job of the pipeline)
	// may redraw the form between a separate type and click.
	owner.navigateBy(t, deadline, "correct the bedrooms and save", chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.querySelector("#ctx-bedrooms form");
		f.querySelector("input[name=value]").value = "3";
		f.querySelector("button[type=submit]").click();
	})()`))
	owner.waitFor(t, deadline, browserStepTimeout, "the corrected value, set by a person", `(() => {
		const dd = document.querySelector("#ctx-bedrooms");
		return dd && dd.querySelector("input[name=value]").value === "3" && /set by a person/.test(dd.textContent);
	})()`)
	require.Equal(t, `"true"`, owner.eval(t, deadline, "check nothing overflows the phone's width",
		`String(document.documentElement.scrollWidth <= window.innerWidth + 1)`))
	browserSaveScreenshot(t, owner.screenshot(t, deadline), "frontdesk-context-phone.png")
	owner.requireNoPageErrors(t)
}
