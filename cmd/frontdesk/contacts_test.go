package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clinicFixture is a week of a clinic's traffic (1–7 June 2026, London time, BST), and
// a second workspace's, worked out by hand in the comments.
type clinicFixture struct {
	alice, bob, carol, aliceDup int64
	aliceConv, dupConv          int64
	aliceAppt                   int64
	other                       int64 // the other workspace
	zed                         int64 // its contact
	blobKey                     string
}

func seedClinic(t *testing.T, s *testServer) clinicFixture {
	t.Helper()
	ctx := context.Background()
	a := seeder{t: t, pool: s.app.pool, ws: s.ws.ID}
	var f clinicFixture
	f.alice = a.contact("Alice Moss", "+447700900001", "")
	a.address(f.alice, "sms", "+447700900001")
	f.bob = a.contact("Bob Reed", "+447700900002", "bob@example.com")
	a.address(f.bob, "telegram", "5550002")
	f.carol = a.contact("Carol King", "+447700900003", "")

	// Alice (sms): two messages, one reply 10 minutes after the first (one wait of 600 s);
	// then, late on 2 June UTC (00:30 on Wednesday the 3rd in London), one more, answered in 120 s.
	f.aliceConv = a.conversation(f.alice, "sms", at("2026-06-01T09:00:00Z"))
	a.exec(`UPDATE conversations SET context = '{"allergy": "penicillin"}' WHERE workspace_id = $1 AND id = $2`, s.ws.ID, f.aliceConv)
	m1 := a.message(f.aliceConv, "inbound", "Hello, do you have time on Friday?", at("2026-06-01T09:00:00Z"))
	m2 := a.message(f.aliceConv, "inbound", "For a cleaning please", at("2026-06-01T09:01:00Z"))
	a.message(f.aliceConv, "outbound", "Yes, 10am works", at("2026-06-01T09:10:00Z"))
	m4 := a.message(f.aliceConv, "inbound", "Can I bring my son?", at("2026-06-02T23:30:00Z"))
	a.message(f.aliceConv, "outbound", "Of course", at("2026-06-02T23:32:00Z"))
	// Bob (telegram): one message answered in 30 minutes.
	bobConv := a.conversation(f.bob, "telegram", at("2026-06-04T12:00:00Z"))
	m6 := a.message(bobConv, "inbound", "How much is whitening?", at("2026-06-04T12:00:00Z"))
	a.message(bobConv, "outbound", "£250", at("2026-06-04T12:30:00Z"))
	// Carol (portal): one message never answered, and two outside the range (before it, and
	// 00:30 on 8 June in London though 7 June in UTC).
	carolConv := a.conversation(f.carol, "portal", at("2026-06-05T08:00:00Z"))
	m8 := a.message(carolConv, "inbound", "Are you open Sunday?", at("2026-06-05T08:00:00Z"))
	a.message(carolConv, "inbound", "Before the range", at("2026-05-31T22:00:00Z"))
	a.message(carolConv, "inbound", "After the range", at("2026-06-07T23:30:00Z"))

	// Drafts: approved as drafted in 300 s, edited in 100 s, rejected, sent automatically,
	// and one still waiting. Approval median over the two a person approved: 200 s.
	a.draft(f.aliceConv, m1, "ask_hours", "sent", "We open at 9", "We open at 9", at("2026-06-01T09:00:05Z"), ptr(at("2026-06-01T09:05:05Z")))
	a.draft(f.aliceConv, m2, "book_appointment", "sent", "Yes, 10am works", "Friday has 10:00", at("2026-06-01T09:01:00Z"), ptr(at("2026-06-01T09:02:40Z")))
	a.draft(f.aliceConv, m4, "ask_hours", "rejected", "x", "x", at("2026-06-02T23:30:10Z"), ptr(at("2026-06-02T23:31:00Z")))
	a.draft(bobConv, m6, "ask_price", "sent", "£250", "£250", at("2026-06-04T12:00:10Z"), nil)
	a.draft(carolConv, m8, "ask_hours", "pending", "Closed on Sundays", "Closed on Sundays", at("2026-06-05T08:00:10Z"), nil)

	// Alice books after her conversation began (it converts); Bob booked the day before his
	// conversation began (it does not), then cancelled. 1 of the 4 conversations begun in the
	// range converted.
	svc := a.id(`SELECT id FROM services WHERE workspace_id = $1 ORDER BY id LIMIT 1`, s.ws.ID)
	f.aliceAppt = a.appointment(f.alice, svc, "booked", "Allergic to latex", at("2026-06-05T09:00:00Z"), at("2026-06-01T09:20:00Z"))
	a.appointment(f.bob, svc, "cancelled", "", at("2026-06-06T09:00:00Z"), at("2026-06-03T10:00:00Z"))

	// A notification about Alice's conversation, and a photo she sent.
	a.exec(`INSERT INTO notifications (workspace_id, kind, title, conversation_id) VALUES ($1, 'handoff', 'Alice Moss asked for a person', $2)`, s.ws.ID, f.aliceConv)
	file, err := s.app.media.Put(ctx, s.ws.ID, "tooth.png", "image/png", strings.NewReader(browserPNG))
	require.NoError(t, err)
	f.blobKey = file.Key
	a.exec(`INSERT INTO attachments (workspace_id, message_id, kind, file_name, content_type, size_bytes, blob_key)
		VALUES ($1, $2, 'image', 'tooth.png', 'image/png', $3, $4)`, s.ws.ID, m1, len(browserPNG), file.Key)

	// A duplicate of Alice: same name, her email, on telegram, with an open sms conversation.
	f.aliceDup = a.contact("alice moss", "", "alice@example.com")
	a.address(f.aliceDup, "telegram", "5550001")
	f.dupConv = a.conversation(f.aliceDup, "sms", at("2026-06-06T10:00:00Z"))
	a.message(f.dupConv, "inbound", "It's Alice again, from my other phone", at("2026-06-06T10:00:00Z"))

	// The other workspace, busy in the same week.
	other, err := s.app.conv.CreateWorkspace(ctx, s.app.pool, "other-clinic", "Other Clinic", "UTC", "US")
	require.NoError(t, err)
	f.other = other.ID
	b := seeder{t: t, pool: s.app.pool, ws: other.ID}
	f.zed = b.contact("Zed Other", "+14155550199", "zed@other.example")
	zc := b.conversation(f.zed, "sms", at("2026-06-02T10:00:00Z"))
	for i := range 4 {
		zm := b.message(zc, "inbound", fmt.Sprintf("Zed's message %d", i), at("2026-06-02T10:00:00Z").Add(time.Duration(i)*time.Minute))
		b.draft(zc, zm, "complaint", "rejected", "no", "no", at("2026-06-02T10:00:00Z"), ptr(at("2026-06-02T11:00:00Z")))
	}
	b.appointment(f.zed, b.service("Other service"), "booked", "", at("2026-06-03T10:00:00Z"), at("2026-06-02T10:30:00Z"))
	return f
}

// getRaw fetches a path with a token and returns the status, content type and body.
func (c apiClient) getRaw(path string) (int, string, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func names(list any) []string {
	var out []string
	for _, c := range list.([]any) {
		out = append(out, c.(map[string]any)["name"].(string))
	}
	return out
}

func TestContactsAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	f := seedClinic(t, s)
	owner := s.ownerAPI(t, s.ws.ID)
	other := s.ownerAPI(t, f.other)

	t.Run("Search", func(t *testing.T) {
		status, res := owner.do("GET", "/api/v1/contacts", nil)
		require.Equal(t, http.StatusOK, status, res)
		require.EqualValues(t, 4, res["total"], "the other workspace's contact is not listed")
		require.NotContains(t, names(res["contacts"]), "Zed Other")
		for q, want := range map[string][]string{
			"ali":           {"alice moss", "Alice Moss"},
			"07700 900 002": {"Bob Reed"},
			"BOB@EXAMPLE":   {"Bob Reed"},
			"zed":           nil,
		} {
			status, res := owner.do("GET", "/api/v1/contacts?q="+url.QueryEscape(q), nil)
			require.Equal(t, http.StatusOK, status, res)
			require.ElementsMatch(t, want, names(res["contacts"]), "search %q", q)
		}
		status, res = owner.do("GET", "/api/v1/contacts?page=2", nil)
		require.Equal(t, http.StatusOK, status)
		require.Empty(t, res["contacts"])
		require.EqualValues(t, 4, res["total"])
	})

	t.Run("Detail", func(t *testing.T) {
		status, c := owner.do("GET", fmt.Sprintf("/api/v1/contacts/%d", f.alice), nil)
		require.Equal(t, http.StatusOK, status, c)
		require.Equal(t, "Alice Moss", c["name"])
		require.Equal(t, []any{map[string]any{"channel": "sms", "address": "+447700900001"}}, c["channels"])
		require.Len(t, c["conversations"], 1)
		require.EqualValues(t, 5, c["conversations"].([]any)[0].(map[string]any)["messages"])
		require.Len(t, c["appointments"], 1)
		require.Equal(t, "Allergic to latex", c["appointments"].([]any)[0].(map[string]any)["notes"])
		require.Equal(t, map[string]any{"allergy": "penicillin"}, c["context"])

		status, body := other.do("GET", fmt.Sprintf("/api/v1/contacts/%d", f.alice), nil)
		require.Equal(t, http.StatusNotFound, status, "another workspace's token cannot read the contact: %v", body)
	})

	t.Run("CSV", func(t *testing.T) {
		status, ctype, body := owner.getRaw("/api/v1/contacts.csv")
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, ctype, "text/csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, "id", rows[0][0])
		require.Len(t, rows, 5, "a header and the workspace's four contacts")
		require.NotContains(t, body, "Zed")
		require.Contains(t, body, "bob@example.com")
	})

	t.Run("MergeIsolation", func(t *testing.T) {
		status, body := other.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", f.aliceDup), map[string]int64{"into": f.alice})
		require.Equal(t, http.StatusNotFound, status, body)
		status, body = owner.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", f.aliceDup), map[string]int64{"into": f.zed})
		require.Equal(t, http.StatusNotFound, status, "a contact of another workspace is not found: %v", body)
		status, body = owner.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", f.zed), map[string]int64{"into": f.alice})
		require.Equal(t, http.StatusNotFound, status, body)
		status, body = owner.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", f.alice), map[string]int64{"into": f.alice})
		require.Equal(t, http.StatusUnprocessableEntity, status, body)
		status, zed := other.do("GET", fmt.Sprintf("/api/v1/contacts/%d", f.zed), nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "Zed Other", zed["name"], "the other workspace's contact is untouched")
	})

	t.Run("Merge", func(t *testing.T) {
		status, c := owner.do("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", f.aliceDup), map[string]int64{"into": f.alice})
		require.Equal(t, http.StatusOK, status, c)
		require.Equal(t, "Alice Moss", c["name"], "the kept contact keeps its name")
		require.Equal(t, "alice@example.com", c["email"], "and takes the duplicate's email it lacked")
		require.ElementsMatch(t, []any{
			map[string]any{"channel": "sms", "address": "+447700900001"},
			map[string]any{"channel": "telegram", "address": "5550001"},
		}, c["channels"])
		convs := c["conversations"].([]any)
		require.Len(t, convs, 2)
		open := 0
		for _, cv := range convs {
			if cv.(map[string]any)["status"] != "closed" {
				open++
			}
		}
		require.Equal(t, 1, open, "one open conversation per channel: the duplicate's was closed")

		status, body := owner.do("GET", fmt.Sprintf("/api/v1/contacts/%d", f.aliceDup), nil)
		require.Equal(t, http.StatusNotFound, status, body)
		var n int
		require.NoError(t, s.app.pool.QueryRow(context.Background(),
			`SELECT count(*) FROM audit_log WHERE workspace_id = $1 AND action = 'contact.merged' AND object_id = $2 AND detail->>'from' = $3`,
			s.ws.ID, f.alice, fmt.Sprint(f.aliceDup)).Scan(&n))
		require.Equal(t, 1, n)
	})

	t.Run("Export", func(t *testing.T) {
		status, body := other.do("GET", fmt.Sprintf("/api/v1/contacts/%d/export", f.alice), nil)
		require.Equal(t, http.StatusNotFound, status, body)

		status, ex := owner.do("GET", fmt.Sprintf("/api/v1/contacts/%d/export", f.alice), nil)
		require.Equal(t, http.StatusOK, status, ex)
		require.Equal(t, "Alice Moss", ex["contact"].(map[string]any)["name"])
		var texts []string
		for _, m := range ex["messages"].([]any) {
			texts = append(texts, m.(map[string]any)["text"].(string))
		}
		require.Contains(t, texts, "Can I bring my son?")
		require.Contains(t, texts, "It's Alice again, from my other phone", "the merged duplicate's messages are hers now")
		require.Len(t, ex["drafts"], 3)
		require.Len(t, ex["appointments"], 1)
		require.Equal(t, "tooth.png", ex["attachments"].([]any)[0].(map[string]any)["file_name"])
		require.Equal(t, "Alice Moss asked for a person", ex["notifications"].([]any)[0].(map[string]any)["title"])
	})

	t.Run("Erase", func(t *testing.T) {
		status, body := other.do("DELETE", fmt.Sprintf("/api/v1/contacts/%d", f.alice), nil)
		require.Equal(t, http.StatusNotFound, status, body)

		status, e := owner.do("DELETE", fmt.Sprintf("/api/v1/contacts/%d", f.alice), nil)
		require.Equal(t, http.StatusOK, status, e)
		require.EqualValues(t, 6, e["messages"], "five of the first conversation, one of the merged one")
		require.EqualValues(t, 1, e["attachments"])
		require.EqualValues(t, 0, e["files_not_deleted"])

		_, err := s.app.media.Reader(context.Background(), f.blobKey)
		require.Error(t, err, "the stored photo is deleted")

		status, ex := owner.do("GET", fmt.Sprintf("/api/v1/contacts/%d/export", f.alice), nil)
		require.Equal(t, http.StatusOK, status)
		raw, err := json.Marshal(ex)
		require.NoError(t, err)
		for _, personal := range []string{"Alice", "alice", "+447700900001", "bring my son", "latex", "tooth.png", "penicillin", "5550001"} {
			require.NotContains(t, string(raw), personal, "the export after erasure still holds %q", personal)
		}
		require.NotEmpty(t, ex["contact"].(map[string]any)["erased_at"])
		require.Len(t, ex["appointments"], 1, "the appointment stays, without its notes")

		status, res := owner.do("GET", "/api/v1/contacts?q=alice", nil)
		require.Equal(t, http.StatusOK, status)
		require.Empty(t, res["contacts"])

		var actor, detail string
		require.NoError(t, s.app.pool.QueryRow(context.Background(),
			`SELECT actor, detail::text FROM audit_log WHERE workspace_id = $1 AND action = 'contact.erased' AND object_type = 'contact' AND object_id = $2`,
			s.ws.ID, f.alice).Scan(&actor, &detail))
		require.Equal(t, "api", actor)
		require.NotContains(t, detail, "Alice")
		require.NotContains(t, detail, "+44")

		// Erasing again changes nothing and still answers.
		status, _ = owner.do("DELETE", fmt.Sprintf("/api/v1/contacts/%d", f.alice), nil)
		require.Equal(t, http.StatusOK, status)
		status, zed := other.do("GET", fmt.Sprintf("/api/v1/contacts/%d/export", f.zed), nil)
		require.Equal(t, http.StatusOK, status)
		require.Len(t, zed["messages"], 4, "the other workspace's data is untouched")
	})
}

func TestAnalyticsAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	f := seedClinic(t, s)
	owner := s.ownerAPI(t, s.ws.ID)
	other := s.ownerAPI(t, f.other)
	const week = "/api/v1/analytics?from=2026-06-01&to=2026-06-07"

	status, r := owner.do("GET", week, nil)
	require.Equal(t, http.StatusOK, status, r)
	require.Equal(t, "Europe/London", r["timezone"])
	require.Len(t, r["days"], 7)
	require.EqualValues(t, 6, r["inbound_messages"], "Alice 3, Bob 1, Carol 1 in range, and the duplicate's 1")
	require.EqualValues(t, 3, r["outbound_messages"])
	require.Equal(t, []any{"portal", "sms", "telegram"}, r["channels"])

	perDay := map[string]float64{}
	for _, d := range r["messages_per_day"].([]any) {
		d := d.(map[string]any)
		perDay[d["day"].(string)+" "+d["channel"].(string)] = d["inbound"].(float64)
	}
	require.Equal(t, map[string]float64{
		"2026-06-01 sms": 2, "2026-06-03 sms": 1, // 23:30 UTC on the 2nd is the 3rd in London
		"2026-06-04 telegram": 1, "2026-06-05 portal": 1, "2026-06-06 sms": 1,
	}, perDay)

	fr := r["first_reply"].(map[string]any)
	require.EqualValues(t, 600, fr["median_seconds"], "waits of 600, 120 and 1800 s")
	require.EqualValues(t, 3, fr["samples"])
	require.EqualValues(t, 2, fr["unanswered"], "Carol's and the duplicate's")
	ap := r["approval"].(map[string]any)
	require.EqualValues(t, 200, ap["median_seconds"], "the median of 300 and 100 s")

	d := r["drafts"].(map[string]any)
	require.EqualValues(t, 2, d["approved"])
	require.EqualValues(t, 1, d["edited"])
	require.EqualValues(t, 1, d["rejected"])
	require.EqualValues(t, 1, d["pending"])
	require.EqualValues(t, 1, d["auto_sent"])
	require.InDelta(t, 0.5, d["approved_rate"], 1e-9)
	require.InDelta(t, 0.25, d["edited_rate"], 1e-9)

	require.Equal(t, []any{
		map[string]any{"name": "ask_hours", "count": 3.0},
		map[string]any{"name": "ask_price", "count": 1.0},
		map[string]any{"name": "book_appointment", "count": 1.0},
	}, r["intents"], "no complaint: those are the other workspace's")

	b := r["bookings"].(map[string]any)
	require.EqualValues(t, 2, b["booked"])
	require.EqualValues(t, 1, b["cancelled"])
	require.EqualValues(t, 4, b["conversations"])
	require.EqualValues(t, 1, b["converted"])
	require.InDelta(t, 0.25, b["conversion"], 1e-9)

	hours := r["busiest_hours"].([]any)
	require.EqualValues(t, 2, hours[0].([]any)[10], "Monday 10:00 London: Alice's two messages")
	require.EqualValues(t, 1, hours[2].([]any)[0], "Wednesday 00:00 London")
	require.EqualValues(t, 1, hours[3].([]any)[13], "Thursday 13:00 London")

	t.Run("OtherWorkspaceSeesOnlyItsOwn", func(t *testing.T) {
		status, r := other.do("GET", week, nil)
		require.Equal(t, http.StatusOK, status, r)
		require.EqualValues(t, 4, r["inbound_messages"])
		require.EqualValues(t, 0, r["outbound_messages"])
		require.Equal(t, []any{map[string]any{"name": "complaint", "count": 4.0}}, r["intents"])
		require.EqualValues(t, 1, r["bookings"].(map[string]any)["converted"])
		require.EqualValues(t, 4, r["busiest_hours"].([]any)[1].([]any)[10], "Tuesday 10:00 UTC")
	})

	t.Run("CSV", func(t *testing.T) {
		status, ctype, body := owner.getRaw("/api/v1/analytics.csv?from=2026-06-01&to=2026-06-07")
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, ctype, "text/csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		find := func(metric, label string) string {
			for _, r := range rows {
				if r[0] == metric && (label == "" || r[3] == label) {
					return r[4]
				}
			}
			return "missing"
		}
		require.Equal(t, "600.0", find("median_first_reply_seconds", ""))
		require.Equal(t, "0.2500", find("conversion_rate", ""))
		require.Equal(t, "3", find("intent", "ask_hours"))
		require.Equal(t, "2", find("inbound_by_hour", "Mon 10:00"))
		require.NotContains(t, body, "complaint")
	})

	t.Run("BadRange", func(t *testing.T) {
		status, body := owner.do("GET", "/api/v1/analytics?from=2026-06-09&to=2026-06-01", nil)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, body["error"], "start date must be on or before the end date")
		status, body = owner.do("GET", "/api/v1/analytics?from=June", nil)
		require.Equal(t, http.StatusUnprocessableEntity, status)
		require.Contains(t, body["error"], "from:")
	})
}

// TestContactsAndAnalyticsPages checks the server-rendered pages and their forms' errors
// without a browser.
func TestContactsAndAnalyticsPages(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	f := seedClinic(t, s)
	c := browserClient(t)
	login(t, s, c)

	resp, body := get(t, c, s.url+"/admin/contacts?q=bob")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "Bob Reed")
	require.NotContains(t, body, "Carol King")

	resp, body = get(t, c, fmt.Sprintf("%s/admin/contacts/%d", s.url, f.alice))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "Allergic to latex")
	require.Contains(t, body, fmt.Sprintf(`<option value="%d">`, f.aliceDup), "the duplicate is offered for merging")
	csrf := csrfField.FindStringSubmatch(body)[1]

	resp, _ = get(t, c, fmt.Sprintf("%s/admin/contacts/%d", s.url, f.zed))
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "another workspace's contact")

	erase := fmt.Sprintf("%s/admin/contacts/%d/erase", s.url, f.bob)
	page := postForm(t, c, erase, url.Values{"_csrf": {csrf}, "confirm": {"erase"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `id="confirm-error"`)
	require.Contains(t, page.Body, "nothing was erased")
	page = postForm(t, c, erase, url.Values{"confirm": {"ERASE"}})
	require.Equal(t, http.StatusForbidden, page.StatusCode, "no CSRF token, no erasure")
	page = postForm(t, c, erase, url.Values{"_csrf": {csrf}, "confirm": {"ERASE"}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)
	var actor string
	require.NoError(t, s.app.pool.QueryRow(context.Background(),
		`SELECT actor FROM audit_log WHERE workspace_id = $1 AND action = 'contact.erased' AND object_id = $2`, s.ws.ID, f.bob).Scan(&actor))
	require.Equal(t, demoEmail, actor, "the audit entry names who erased the contact")

	merge := fmt.Sprintf("%s/admin/contacts/%d/merge", s.url, f.alice)
	page = postForm(t, c, merge, url.Values{"_csrf": {csrf}, "duplicate": {fmt.Sprint(f.zed)}})
	require.Equal(t, http.StatusUnprocessableEntity, page.StatusCode)
	require.Contains(t, page.Body, `id="duplicate-error"`)
	page = postForm(t, c, merge, url.Values{"_csrf": {csrf}, "duplicate": {fmt.Sprint(f.aliceDup)}})
	require.Equal(t, http.StatusSeeOther, page.StatusCode, page.Body)

	resp, body = get(t, c, s.url+"/admin/analytics?from=2026-06-01&to=2026-06-07")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, id := range []string{"chart-messages", "chart-drafts", "chart-intents", "chart-bookings", "chart-hours"} {
		require.Contains(t, body, `<svg class="chart" id="`+id+`"`)
	}
	require.Contains(t, body, `<title id="chart-messages-title">Messages per day by channel</title>`)
	require.Contains(t, body, "10m 00s", "the median first reply")
	require.Equal(t, 3, strings.Count(body, `<polyline class="series"`), "one line per channel")

	resp, body = get(t, c, s.url+"/admin/analytics?from=2026-06-09&to=2026-06-01")
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, body, `id="from-error"`)

	resp, body = get(t, c, s.url+"/admin/analytics.csv?from=2026-06-01&to=2026-06-07")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.HasPrefix([]byte(body), []byte("metric,day,channel,label,value")))
}
