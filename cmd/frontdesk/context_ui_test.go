package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

func TestContextPages(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/context")
	require.Contains(t, page, "Start from a template")
	csrf := csrfField.FindStringSubmatch(page)[1]

	// A template loads into the builder for review.
	resp := postForm(t, c, s.url+"/admin/context/template", url.Values{"_csrf": {csrf}, "template": {"salon"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Body, `value="patch_test_done"`)

	// Errors show next to the field they are about, with what was typed kept.
	form := url.Values{"_csrf": {csrf}, "rows": {"3"},
		"f0_key": {"service"}, "f0_label": {"Service"}, "f0_type": {"single_choice"}, "f0_options": {"cut: haircut, trim\ncolour"}, "f0_required": {"on"}, "f0_ai_extract": {"on"}, "f0_position": {"1"},
		"f1_key": {"budget"}, "f1_label": {"Budget"}, "f1_type": {"multi_choice"}, "f1_position": {"2"},
		"f2_key": {""}, "f2_label": {""}, "f2_type": {"text"},
		"priority": {"service = colour: 10"}}
	resp = postForm(t, c, s.url+"/admin/context", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Regexp(t, `(?s)id="field-1".*a choice field needs at least one option.*id="field-2"`, resp.Body)
	require.Contains(t, resp.Body, `value="budget"`)

	// Reordered by position and saved.
	form.Set("f1_type", "currency")
	form.Set("f1_position", "0")
	resp = postForm(t, c, s.url+"/admin/context", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	cur, err := s.app.context.Current(context.Background(), s.app.pool, s.ws.ID)
	require.NoError(t, err)
	require.Equal(t, "budget", cur.Schema.Fields[0].Key)
	require.Equal(t, []string{"haircut", "trim"}, cur.Schema.Fields[1].Options[0].Synonyms)
	require.Equal(t, 10, cur.Schema.Priority[0].Points)

	// The inbox shows the context beside the conversation, and a correction sticks.
	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900493", Text: "Could I get a haircut on Saturday?"})
	require.NoError(t, err)
	convURL := fmt.Sprintf("%s/admin/conversations/%d", s.url, res.ConversationID)
	require.Eventually(t, func() bool {
		_, page := get(t, c, convURL)
		return regexpMatch(`(?s)id="ctx-service".*<option selected>cut</option>.*AI, 80% sure`, page)
	}, 20*time.Second, 100*time.Millisecond, "the sidebar shows the extracted service")
	post := fmt.Sprintf("%s/admin/conversations/%d/context", s.url, res.ConversationID)
	resp = postForm(t, c, post, url.Values{"_csrf": {csrf}, "field": {"budget"}, "value": {"a lot"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Regexp(t, `(?s)id="ctx-budget".*is not a number`, resp.Body)
	resp = postForm(t, c, post, url.Values{"_csrf": {csrf}, "field": {"service"}, "value": {"colour"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	_, page = get(t, c, convURL+"?sort=priority")
	require.Regexp(t, `(?s)id="ctx-service".*<option selected>colour</option>.*set by a person`, page)
	require.Contains(t, page, "priority 10")
	require.Contains(t, page, "100% complete")

	// A type change asks for convert or drop, and says which values would not convert.
	form.Set("f0_type", "text")
	form.Set("f0_options", "")
	resp = postForm(t, c, s.url+"/admin/context", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Regexp(t, `(?s)id="field-0".*convert or drop.*every value converts.*id="field-1"`, resp.Body)
	form.Set("f0_type", "number")
	resp = postForm(t, c, s.url+"/admin/context", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Regexp(t, `(?s)id="field-0".*1 value\(s\) would not convert: &#34;colour&#34;`, resp.Body)
	form.Set("f0_migrate", "drop")
	form.Set("priority", "")
	resp = postForm(t, c, s.url+"/admin/context", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	_, page = get(t, c, convURL)
	require.NotContains(t, page, "<option selected>colour</option>")

	// Past versions are listed, with who saved them, and each can be read, not edited.
	_, page = get(t, c, s.url+"/admin/context")
	require.Regexp(t, `(?s)id="schema-versions".*<td>2 <span class="muted">\(current\)</span></td>.*Dr. Sam Patel</td>\s*<td>2</td>.*<tr><td>1</td>.*Dr. Sam Patel</td>\s*<td>2</td><td><a href="/admin/context/versions/1">View</a>`, page)
	resp2, page := get(t, c, s.url+"/admin/context/versions/1")
	require.Equal(t, http.StatusOK, resp2.StatusCode)
	require.Contains(t, page, "read-only")
	require.NotContains(t, page, `id="schema-form"`)
	require.Regexp(t, `(?s)id="version-fields".*<code>budget</code></td><td>currency</td>.*<code>service</code></td><td>single_choice</td>.*<pre class="mono">cut: haircut, trim\ncolour</pre>`, page)
	require.Contains(t, page, "service = colour: 10", "version 1 had the priority rule version 2 dropped")
	_, page = get(t, c, s.url+"/admin/context/versions/2")
	require.Regexp(t, `<code>service</code></td><td>number</td>`, page)
	require.Contains(t, page, "This is the current version")
	resp2, _ = get(t, c, s.url+"/admin/context/versions/3")
	require.Equal(t, http.StatusNotFound, resp2.StatusCode)
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
