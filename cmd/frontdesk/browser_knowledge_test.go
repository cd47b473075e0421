package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserKnowledge uploads a document on the knowledge page in a real browser,
// sees it become ready (the list follows ingestion live, the page is never reloaded),
// and searches it: the matching
// passage is listed with its document.
func TestBrowserKnowledge(t *testing.T) {
	t.Parallel()
	requireChromium(t)
	s := startServer(t)
	owner, deadline, step := signedInOwner(t, s, chromedp.EmulateViewport(1280, 900))
	owner.navigateBy(t, deadline, "open the knowledge page", chromedp.Navigate(s.url+"/admin/knowledge"))
	step("see the upload form", chromedp.WaitVisible(chromedp.CSS("#file")))

	doc := filepath.Join(t.TempDir(), "gift-vouchers.md")
	require.NoError(t, os.WriteFile(doc, []byte("# Gift vouchers\n\nGift vouchers for any treatment can be bought at reception "+
		"in amounts from £25 to £500, and are valid for twelve months.\n"), 0o600))
	step("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{doc}))
	owner.navigateBy(t, deadline, "upload it", chromedp.Click(chromedp.CSS(`form[action="/admin/knowledge/upload"] button[type="submit"]`)))
	owner.eval(t, deadline, "mark the page", `window.__fdSameDocument = true`)
	owner.waitFor(t, deadline, browserStepTimeout, "the document ready in the list",
		`Array.from(document.querySelectorAll("#kb-docs tr[data-status]")).some(tr => tr.dataset.status === "ready" && tr.textContent.includes("gift-vouchers"))`)
	require.Equal(t, "true", owner.eval(t, deadline, "check the page was not reloaded", `window.__fdSameDocument === true`),
		"the status changed live")

	step("ask the knowledge base", chromedp.SendKeys(chromedp.CSS("#q"), "can I buy a voucher as a present"))
	owner.navigateBy(t, deadline, "search", chromedp.Click(chromedp.CSS(`form[action="/admin/knowledge"] button[type="submit"]`)))
	var first string
	require.NoError(t, json.Unmarshal([]byte(owner.eval(t, deadline, "read the first match",
		`document.querySelector("#kb-results li").textContent`)), &first))
	require.Contains(t, first, "gift-vouchers")
	require.Contains(t, first, "£25 to £500")
	browserSaveScreenshot(t, owner.fullScreenshot(t, deadline), "frontdesk-knowledge.png")
	owner.requireNoPageErrors(t)
}
