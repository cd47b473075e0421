package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

// response is an HTTP response read whole.
type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func readPage(t *testing.T, resp *http.Response, err error) response {
	t.Helper()
	require.NoError(t, err)
	defer resp.Body.Close()
	return response{StatusCode: resp.StatusCode, Header: resp.Header, Body: readAll(t, resp.Body)}
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	return readPage(t, resp, err)
}

func get(t *testing.T, c *http.Client, u string) (response, string) {
	t.Helper()
	resp, err := c.Get(u)
	p := readPage(t, resp, err)
	return p, p.Body
}

func login(t *testing.T, s *testServer, c *http.Client) {
	t.Helper()
	resp := postForm(t, c, s.url+"/admin/login", url.Values{"email": {demoEmail}, "password": {demoPassword}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/admin", resp.Header.Get("Location"))
}

var regexpCSS = regexp.MustCompile(`href="(/static/[0-9a-f]+/app.css)"`)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func TestAdminUI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)

	t.Run("RedirectsToLogin", func(t *testing.T) {
		resp, _ := get(t, c, s.url+"/admin")
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Location"), "/admin/login")
	})
	t.Run("WrongPassword", func(t *testing.T) {
		resp := postForm(t, c, s.url+"/admin/login", url.Values{"email": {demoEmail}, "password": {"nope"}})
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Contains(t, resp.Body, "wrong email or password")
	})

	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900461", "Sam Lee")
	_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Where are you located?"})
	d := waitDraft(t, owner, msg["id"].(float64))

	resp, body := get(t, c, s.url+"/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "Sam Lee")
	require.Contains(t, body, "Where are you located?")
	require.Contains(t, body, "Harley Row", "the draft answers from the clinic's documents")
	require.Contains(t, body, `<ul class="sources">`, "the draft lists the document it answers from")
	require.NotContains(t, body, "no document sources")
	m := csrfField.FindStringSubmatch(body)
	require.NotNil(t, m)
	csrf := m[1]
	approveURL := s.url + "/admin/drafts/" + formatID(d["id"]) + "/approve"

	t.Run("GreetingStandsOnNoDocument", func(t *testing.T) {
		other := s.portalSession(t, owner, "+447700900462", "Ali Khan")
		_, msg := other.do("POST", "/api/v1/portal/messages", map[string]string{"text": "hi there"})
		d := waitDraft(t, owner, msg["id"].(float64))
		_, page := get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
		require.Contains(t, page, "intent <strong>greeting</strong>")
		require.Contains(t, page, "no document sources")
		require.NotContains(t, page, `<ul class="sources">`)
	})
	t.Run("CSRFRequired", func(t *testing.T) {
		resp := postForm(t, c, approveURL, url.Values{"content": {"forged"}})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("EmptyEditRefused", func(t *testing.T) {
		resp := postForm(t, c, approveURL, url.Values{"_csrf": {csrf}, "content": {"  "}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	})
	t.Run("EditAndApprove", func(t *testing.T) {
		resp := postForm(t, c, approveURL, url.Values{"_csrf": {csrf}, "content": {"We are at 12 Harley Row."}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Eventually(t, func() bool {
			_, body := customer.do("GET", "/api/v1/portal/messages", nil)
			return strings.Contains(toJSON(t, body), "We are at 12 Harley Row.")
		}, 20e9, 50e6)
	})
	t.Run("SettingsShowValidationError", func(t *testing.T) {
		resp := postForm(t, c, s.url+"/admin/settings", url.Values{"_csrf": {csrf}, "name": {"Bright Smile"},
			"timezone": {"Mars/Olympus"}, "phone_region": {"GB"}, "assistant_name": {"Ava"}, "role": {"dental"},
			"personality": {"friendly"}, "approval_mode": {"review_all"}, "approval_threshold": {"0.8"}})
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		require.Contains(t, resp.Body, `&#34;Mars/Olympus&#34; is not an IANA time zone`)
	})
	t.Run("SettingsSave", func(t *testing.T) {
		resp := postForm(t, c, s.url+"/admin/settings", url.Values{"_csrf": {csrf}, "name": {"Bright Smile"},
			"timezone": {"Europe/London"}, "phone_region": {"GB"}, "assistant_name": {"Max"}, "role": {"dental"},
			"personality": {"formal"}, "approval_mode": {"auto_threshold"}, "approval_threshold": {"0.7"},
			"auto_intents": {"ask_hours", "ask_location"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		w, err := s.app.conv.Workspace(context.Background(), s.app.pool, s.ws.ID)
		require.NoError(t, err)
		require.Equal(t, "Max", w.AssistantName)
		require.Equal(t, "formal", w.Personality)
		require.Equal(t, []string{"ask_hours", "ask_location"}, w.AutoIntents)
		_, settings := get(t, c, s.url+"/admin/settings")
		require.Contains(t, settings, `value="ask_location" checked`)
	})
	t.Run("PortalLinkWithQRCode", func(t *testing.T) {
		resp := postForm(t, c, s.url+"/admin/portal-links", url.Values{"_csrf": {csrf}, "contact_phone": {"07700 900999"}, "contact_name": {"Kim"}})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, resp.Body, s.url+"/p/pl_")
		require.Contains(t, resp.Body, "data:image/png;base64,")
	})
	t.Run("Logout", func(t *testing.T) {
		resp := postForm(t, c, s.url+"/admin/logout", url.Values{"_csrf": {csrf}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		resp, _ = get(t, c, s.url+"/admin")
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	})
}

func TestAdminSettingsPreview(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/settings")
	require.Contains(t, page, `id="preview-btn"`)
	csrf := csrfField.FindStringSubmatch(page)[1]
	form := url.Values{"_csrf": {csrf}, "name": {"Bright Smile Dental"}, "timezone": {"Europe/London"}, "phone_region": {"GB"},
		"assistant_name": {"Ava"}, "role": {"dental"}, "personality": {"formal"}, "approval_mode": {"review_all"},
		"approval_threshold": {"0.85"}, "sample": {"Are you open on Saturday?"}}
	post := func(f url.Values) response {
		req, err := http.NewRequest("POST", s.url+"/admin/settings/preview", strings.NewReader(f.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := c.Do(req)
		return readPage(t, resp, err)
	}

	resp := post(form)
	require.Equal(t, http.StatusOK, resp.StatusCode, resp.Body)
	require.Contains(t, resp.Body, `"reply":"Good day Alex! Yes, we're open on Saturday from 09:00–13:00.`, "the unsaved formal personality speaks")
	require.Contains(t, resp.Body, `"intent":"ask_hours"`)

	w, err := s.app.conv.Workspace(context.Background(), s.app.pool, s.ws.ID)
	require.NoError(t, err)
	require.Equal(t, "friendly", w.Personality, "a preview saves nothing")

	form.Set("timezone", "Mars/Olympus")
	resp = post(form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "timezone")
	form.Set("timezone", "Europe/London")
	form.Set("sample", " ")
	resp = post(form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
}

func TestAdminNotifications(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900464", "Kim Park")
	unread := func() string {
		_, body := get(t, c, s.url+"/admin/partials/notifications/count")
		return body
	}
	require.JSONEq(t, `{"unread": 0}`, unread())

	_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "This is terrible, I want a refund"})
	waitDraft(t, owner, msg["id"].(float64))
	require.JSONEq(t, `{"unread": 1}`, unread(), "a complaint notifies the team in the draft's own transaction")

	_, page := get(t, c, s.url+"/admin/notifications")
	require.Contains(t, page, "Kim Park complained")
	csrf := csrfField.FindStringSubmatch(page)[1]
	resp := postForm(t, c, s.url+"/admin/notifications/read", url.Values{"_csrf": {csrf}, "id": {"0"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.JSONEq(t, `{"unread": 0}`, unread())

	// A question the documents cannot answer is handed off, with a notification.
	_, msg = customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Do you treat horses?"})
	waitDraft(t, owner, msg["id"].(float64))
	require.JSONEq(t, `{"unread": 1}`, unread())
}

func TestInboxShowsUndeliveredReplies(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	// An SMS conversation with no Twilio account behind it: the reply cannot go out.
	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900465", Text: "Are you open on Saturday?"})
	require.NoError(t, err)
	d := waitDraft(t, owner, float64(res.MessageID))
	status, _ := owner.do("POST", "/api/v1/drafts/"+formatID(d["id"])+"/approve", nil)
	require.Equal(t, http.StatusOK, status)

	require.Eventually(t, func() bool {
		_, page := get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
		return strings.Contains(page, "Not delivered") && strings.Contains(page, "no Twilio account to reply through")
	}, 20*time.Second, 100*time.Millisecond)
	_, page := get(t, c, s.url+"/admin/notifications")
	require.Contains(t, page, "A reply was not delivered")
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	// Ten guesses are answered; then the limit holds (a slow machine may earn a guess back
	// every 6 s, so keep guessing until it bites). Each guess names another address, so
	// it is this client's limit that bites, not one address's lockout.
	refused := 0
	for i := range 20 {
		email := fmt.Sprintf("guess%d@example.com", i)
		resp := postForm(t, c, s.url+"/admin/login", url.Values{"email": {email}, "password": {"guess"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			refused = i
			break
		}
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "attempt %d", i+1)
	}
	require.GreaterOrEqual(t, refused, 10, "ten guesses are allowed before the limit")
	resp := postForm(t, c, s.url+"/admin/login", url.Values{"email": {demoEmail}, "password": {demoPassword}})
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "even the right password waits once the limit is hit")
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	require.Contains(t, resp.Body, "too many sign-in attempts")
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	guess := func(email, password string) response {
		return postForm(t, c, s.url+"/admin/login", url.Values{"email": {email}, "password": {password}})
	}
	for i := range 4 {
		require.Equal(t, http.StatusUnauthorized, guess(demoEmail, "guess").StatusCode, "wrong password %d", i+1)
	}
	resp := guess(strings.ToUpper(demoEmail), "guess")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the fifth wrong password in a row locks the address, whatever its case")
	retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 30, retry, 2)
	require.Contains(t, resp.Body, "Too many wrong passwords")

	resp = guess(demoEmail, demoPassword)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the right password waits out the lockout too")

	// Waiting it out: the next wrong password locks for twice as long.
	_, err = s.app.pool.Exec(context.Background(), `UPDATE login_failures SET locked_until = now() - interval '1 second'`)
	require.NoError(t, err)
	resp = guess(demoEmail, "guess")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	retry, err = strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 60, retry, 2)

	// An unknown address is counted the same way, so a lockout tells nothing about who
	// has an account. (More guesses would meet this client's own limit first.)
	require.Equal(t, http.StatusUnauthorized, guess("Nobody@example.com", "guess").StatusCode)
	var failures int
	require.NoError(t, s.app.pool.QueryRow(context.Background(),
		`SELECT failures FROM login_failures WHERE email = 'nobody@example.com'`).Scan(&failures))
	require.Equal(t, 1, failures)

	// After the lockout the right password signs in and clears the count.
	_, err = s.app.pool.Exec(context.Background(), `UPDATE login_failures SET locked_until = now() - interval '1 second'`)
	require.NoError(t, err)
	login(t, s, browserClient(t))
	var left int
	require.NoError(t, s.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM login_failures WHERE email = lower($1)`, demoEmail).Scan(&left))
	require.Zero(t, left)
}
