package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/rules"
)

// TestBrowserRuleBuilder builds a rule in the visual builder on a phone-sized screen: a
// condition, a nested OR group of two conditions (intent and channel), a time-of-day
// condition and two actions, and saves it; the stored rule has that tree. The JSON tab
// shows the same rule.
func TestBrowserRuleBuilder(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	owner.navigateBy(t, deadline, "open the rules page", chromedp.Navigate(s.url+"/admin/rules"))
	step("see the builder", chromedp.WaitVisible(chromedp.CSS("#rb-name")))

	// Start from an empty rule: through the JSON tab, as an owner clearing the example would.
	step("open the JSON tab", chromedp.Click(chromedp.CSS("#tab-json")), chromedp.WaitVisible(chromedp.CSS("#definition")))
	owner.eval(t, deadline, "empty the rule", `document.getElementById("definition").value = '{"name": "", "trigger": "new_message", "actions": []}'; true`)
	step("back to the builder", chromedp.Click(chromedp.CSS("#tab-builder")), chromedp.WaitVisible(chromedp.CSS("#rb-name")))
	step("name it", chromedp.SendKeys(chromedp.CSS("#rb-name"), "Builder refunds"))

	// set changes a control as a person would: the value, then the change event.
	set := func(what, selector, value string) {
		owner.eval(t, deadline, what, `(() => { const e = document.querySelector(`+quoteJS(selector)+`); e.value = `+quoteJS(value)+
			`; e.dispatchEvent(new Event("change", {bubbles: true})); return e.value; })()`)
	}
	step("add a condition", chromedp.Click(chromedp.CSS(".rb-root > .rb-bar .rb-add-cond")))
	set("field", ".rb-root > .rb-children > .rb-cond .rb-field", "message.text")
	set("operator", ".rb-root > .rb-children > .rb-cond .rb-op", "contains")
	step("value", chromedp.SendKeys(chromedp.CSS(".rb-root > .rb-children > .rb-cond .rb-value"), "refund"))

	step("add a nested group", chromedp.Click(chromedp.CSS(".rb-root > .rb-bar .rb-add-group")))
	set("make it OR", ".rb-root > .rb-children > .rb-group .rb-mode", "any")
	step("add two conditions to it",
		chromedp.Click(chromedp.CSS(".rb-root > .rb-children > .rb-group > .rb-bar .rb-add-cond")),
		chromedp.Click(chromedp.CSS(".rb-root > .rb-children > .rb-group > .rb-bar .rb-add-cond")))
	nested := ".rb-root > .rb-children > .rb-group > .rb-children > .rb-cond"
	set("intent", nested+":nth-child(1) .rb-field", "intent")
	set("equals", nested+":nth-child(1) .rb-op", "equals")
	step("complaint", chromedp.SendKeys(chromedp.CSS(nested+":nth-child(1) .rb-value"), "complaint"))
	set("channel", nested+":nth-child(2) .rb-field", "channel")
	set("in", nested+":nth-child(2) .rb-op", "in")
	step("channels", chromedp.SendKeys(chromedp.CSS(nested+":nth-child(2) .rb-value"), "sms, whatsapp"))

	step("add a time of day condition", chromedp.Click(chromedp.CSS(".rb-root > .rb-bar .rb-add-cond")))
	last := ".rb-root > .rb-children > .rb-cond:last-child"
	set("time of day", last+" .rb-field", "time_of_day")
	set("after", last+" .rb-op", "greater")
	require.Equal(t, `"time"`, owner.eval(t, deadline, "the value is a time input", `document.querySelector(`+quoteJS(last+" .rb-value")+`).type`))
	set("17:00", last+" .rb-value", "17:00")

	step("add two actions", chromedp.Click(chromedp.CSS("#rb-add-action")), chromedp.Click(chromedp.CSS("#rb-add-action")))
	set("tag", "#rb-actions .rb-action:nth-child(1) .rb-type", "add_tag")
	step("tag name", chromedp.SendKeys(chromedp.CSS("#rb-actions .rb-action:nth-child(1) .rb-tag"), "refund"))
	set("reply", "#rb-actions .rb-action:nth-child(2) .rb-type", "send_reply")
	step("reply text", chromedp.SendKeys(chromedp.CSS("#rb-actions .rb-action:nth-child(2) .rb-template"), "Hi {{contact.name}}, we are looking into it."))

	fitsWidth := func(page string) {
		t.Helper()
		require.Equal(t, "true", owner.eval(t, deadline, "measure "+page,
			`document.documentElement.scrollWidth <= window.innerWidth`), "%s scrolls sideways on a phone", page)
	}
	fitsWidth("the rule builder")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-rule-builder.png")
	owner.navigateBy(t, deadline, "save", chromedp.Click(chromedp.CSS(`#add-rule button[type="submit"]`)))
	step("see it listed", chromedp.WaitVisible(chromedp.CSS("#rule-list")))
	owner.waitFor(t, deadline, browserStepTimeout, "the rule in the list", `document.querySelector("#rule-list").textContent.includes("Builder refunds")`)

	list, err := s.app.rules.List(context.Background(), s.app.pool, s.ws.ID, 0)
	require.NoError(t, err)
	var got *rules.Rule
	for i := range list {
		if list[i].Rule.Name == "Builder refunds" {
			got = &list[i].Rule
		}
	}
	require.NotNil(t, got)
	require.Equal(t, rules.NewMessage, got.Trigger)
	all := got.Conditions.All
	require.Len(t, all, 3)
	require.Equal(t, rules.Condition{Field: "message.text", Op: rules.Contains, Value: "refund"}, all[0])
	require.Equal(t, []rules.Condition{{Field: "intent", Op: rules.Equals, Value: "complaint"},
		{Field: "channel", Op: rules.In, Value: []any{"sms", "whatsapp"}}}, all[1].Any)
	require.Equal(t, rules.Condition{Field: "time_of_day", Op: rules.Greater, Value: "17:00"}, all[2])
	require.Equal(t, []rules.Action{{Type: rules.AddTag, Tag: "refund"},
		{Type: rules.SendReply, Template: "Hi {{contact.name}}, we are looking into it."}}, got.Actions)

	// The rule's own page opens it in the builder, nested group and all.
	var id int64
	for i := range list {
		if list[i].Rule.Name == "Builder refunds" {
			id = list[i].ID
		}
	}
	owner.navigateBy(t, deadline, "open the rule", chromedp.Navigate(fmt.Sprintf("%s/admin/rules/%d", s.url, id)))
	step("see its builder", chromedp.WaitVisible(chromedp.CSS("#rb-name")))
	require.Equal(t, `"Builder refunds"`, owner.eval(t, deadline, "read the name", `document.getElementById("rb-name").value`))
	require.Equal(t, "2", owner.eval(t, deadline, "count the actions", `document.querySelectorAll("#rb-actions .rb-action").length`))
	require.Equal(t, "1", owner.eval(t, deadline, "count the nested groups", `document.querySelectorAll("#rb-conditions .rb-group .rb-group").length`))
	fitsWidth("the rule page")

	// The workflow page, and the status control in the inbox.
	owner.navigateBy(t, deadline, "open the workflow", chromedp.Click(chromedp.CSS(`.topbar nav a[href="/admin/workflow"]`)))
	step("see the allowed moves", chromedp.WaitVisible(chromedp.CSS("table#transitions")))
	fitsWidth("the workflow page")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-workflow.png")
	owner.requireNoPageErrors(t)
}

func quoteJS(s string) string {
	out := []byte{'"'}
	for _, r := range []byte(s) {
		if r == '"' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(append(out, '"'))
}
