package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/mail/mailtest"
)

// A whole server with SMTP: the owner chooses e-mails on the settings page, a hand-off
// reaches their inbox with a link to the conversation, a switched-off kind does not,
// the test button reports the server's answer; the API mirrors it all.
func TestNotificationEmails(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	s := startServerWith(t, serverOptions{config: func(c *config.Config) {
		c.SMTPURL, c.MailFrom = smtp.URL(), "Bright Smile <desk@bright-smile.example>"
	}})
	c := browserClient(t)
	login(t, s, c)
	owner := s.ownerAPI(t, s.ws.ID)
	mails := func() int { return len(smtp.To(demoEmail)) }

	resp, page := get(t, c, s.url+"/admin/settings/notifications")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, `id="email_complaint" name="email_complaint" checked`, "owners get complaints by default")
	require.NotContains(t, page, `id="mail-off"`)
	csrf := csrfField.FindStringSubmatch(page)[1]

	// Quiet hours that cannot be read are shown next to their field.
	resp = postForm(t, c, s.url+"/admin/settings/notifications", url.Values{"_csrf": {csrf}, "quiet": {"on"}, "quiet_start": {"25:00"}, "quiet_end": {"07:00"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, `must be a time like 22:00</div>`)

	// Complaints off, hand-offs on.
	resp = postForm(t, c, s.url+"/admin/settings/notifications", url.Values{"_csrf": {csrf}, "email_handoff": {"on"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = get(t, c, s.url+"/admin/settings/notifications?saved=1")
	require.Contains(t, page, `id="email_complaint" name="email_complaint">`)
	require.Contains(t, page, `id="email_handoff" name="email_handoff" checked`)

	customer := s.portalSession(t, owner, "+447700900471", "Kim Park")
	_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "This is terrible, I want a refund"})
	waitDraft(t, owner, msg["id"].(float64))
	_, msg = customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Do you treat horses?"})
	d := waitDraft(t, owner, msg["id"].(float64))
	require.Eventually(t, func() bool { return mails() == 1 }, 20*time.Second, 50*time.Millisecond, "the hand-off is mailed")
	got := smtp.To(demoEmail)[0]
	require.Equal(t, "[Bright Smile Dental] Kim Park asked something the assistant could not answer", got.Subject)
	require.Contains(t, got.Text, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
	require.Contains(t, got.Text, s.url+"/admin/settings/notifications")
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 1, mails(), "the complaint, switched off, is not mailed")

	// The test button.
	resp = postForm(t, c, s.url+"/admin/settings/notifications/test", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Body, "A test e-mail went to "+demoEmail)
	require.Equal(t, 2, mails())
	smtp.FailNext(550, 1)
	resp = postForm(t, c, s.url+"/admin/settings/notifications/test", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	require.Contains(t, resp.Body, "The mail server did not take it")
	require.Contains(t, resp.Body, "550")

	// A hand-off the server refuses for good is listed on the page.
	smtp.FailNext(550, 1)
	_, msg = customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Can I bring my pet iguana to the appointment?"})
	waitDraft(t, owner, msg["id"].(float64))
	require.Eventually(t, func() bool {
		_, page := get(t, c, s.url+"/admin/settings/notifications")
		return strings.Contains(page, `id="mail-failures"`) && strings.Contains(page, "550")
	}, 20*time.Second, 100*time.Millisecond, "the failure is shown")

	// The API mirror, for the first owner unless ?user_id= names someone.
	status, body := owner.do("GET", "/api/v1/notification-preferences", nil)
	require.Equal(t, http.StatusOK, status, body)
	prefs := body["preferences"].(map[string]any)
	require.Equal(t, false, prefs["email"].(map[string]any)["complaint"])
	require.Equal(t, true, body["email_enabled"])
	require.Len(t, body["failures"], 1)
	status, body = owner.do("PUT", "/api/v1/notification-preferences", map[string]any{
		"email": map[string]bool{"complaint": true, "rule": true}, "quiet_start": "22:00", "quiet_end": "06:30"})
	require.Equal(t, http.StatusOK, status, body)
	prefs = body["preferences"].(map[string]any)
	require.Equal(t, true, prefs["email"].(map[string]any)["complaint"])
	require.Equal(t, true, prefs["email"].(map[string]any)["handoff"], "kinds not named keep their choice")
	require.Equal(t, "06:30", prefs["quiet_end"])
	status, body = owner.do("PUT", "/api/v1/notification-preferences", map[string]any{"email": map[string]bool{"weather": true}})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Equal(t, "unprocessable_entity", body["code"])
	require.Contains(t, body["error"], "email.weather")
	status, body = owner.do("GET", "/api/v1/notification-preferences?user_id=99999999", nil)
	require.Equal(t, http.StatusNotFound, status, body)
	status, _ = owner.do("GET", "/api/v1/notification-preferences?user_id=abc", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)
}

// Mark read and mark all read, in the UI and the API.
func TestNotificationsMarkRead(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	for _, title := range []string{"First thing", "Second thing"} {
		require.NoError(t, s.app.conv.Notify(t.Context(), s.ws.ID, "handoff", title, 0))
	}
	status, body := owner.do("GET", "/api/v1/notifications", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, float64(2), body["unread"])
	list := body["notifications"].([]any)
	require.Len(t, list, 2)
	first := list[0].(map[string]any)
	require.Equal(t, "Second thing", first["title"], "newest first")

	status, body = owner.do("POST", "/api/v1/notifications/"+formatID(first["id"])+"/read", nil)
	require.Equal(t, http.StatusOK, status, body)
	status, body = owner.do("GET", "/api/v1/notifications", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(1), body["unread"])
	require.Equal(t, true, body["notifications"].([]any)[0].(map[string]any)["read"])
	status, body = owner.do("POST", "/api/v1/notifications/99999999/read", nil)
	require.Equal(t, http.StatusNotFound, status, body)
	require.Equal(t, "not_found", body["code"])
	status, _ = owner.do("GET", "/api/v1/notifications?limit=0", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)

	status, body = owner.do("POST", "/api/v1/notifications/read", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(0), body["unread"])

	// The UI's buttons: one, then all.
	require.NoError(t, s.app.conv.Notify(t.Context(), s.ws.ID, "handoff", "Third thing", 0))
	require.NoError(t, s.app.conv.Notify(t.Context(), s.ws.ID, "handoff", "Fourth thing", 0))
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/notifications")
	require.Contains(t, page, "<strong>Fourth thing</strong>")
	csrf := csrfField.FindStringSubmatch(page)[1]
	_, body = owner.do("GET", "/api/v1/notifications", nil)
	fourth := body["notifications"].([]any)[0].(map[string]any)
	resp := postForm(t, c, s.url+"/admin/notifications/read", url.Values{"_csrf": {csrf}, "id": {formatID(fourth["id"])}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = get(t, c, s.url+"/admin/notifications")
	require.NotContains(t, page, "<strong>Fourth thing</strong>")
	require.Contains(t, page, "<strong>Third thing</strong>")
	resp = postForm(t, c, s.url+"/admin/notifications/read", url.Values{"_csrf": {csrf}, "id": {"0"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = get(t, c, s.url+"/admin/notifications")
	require.False(t, strings.Contains(page, "<strong>Third thing</strong>"), "all read")
}
