package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/mail/mailtest"
)

var inviteURL = regexp.MustCompile(`value="([^"]+/admin/invite/[^"]+)" id="invite-url"`)

// inviteLink finds the invitation link the team page shows after an invitation.
func inviteLink(t *testing.T, page string) string {
	t.Helper()
	m := inviteURL.FindStringSubmatch(page)
	require.NotNil(t, m, "no invitation link on the page: %.2000s", page)
	return html.UnescapeString(m[1])
}

// ownerSession signs the demo owner in and returns the client and a CSRF token.
func ownerSession(t *testing.T, s *testServer) (*http.Client, string) {
	t.Helper()
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/settings/team")
	csrf := csrfField.FindStringSubmatch(page)
	require.NotNil(t, csrf, page)
	return c, csrf[1]
}

// acceptInvite opens an invitation link in a fresh browser and joins with name.
func acceptInvite(t *testing.T, link, name, password string) (*http.Client, response) {
	t.Helper()
	c := browserClient(t)
	resp, page := get(t, c, link)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	csrf := csrfField.FindStringSubmatch(page)
	require.NotNil(t, csrf, page)
	return c, postForm(t, c, link, url.Values{"_csrf": {csrf[1]}, "name": {name}, "password": {password}})
}

func TestTeamInviteAcceptAndManage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	owner, csrf := ownerSession(t, s)

	// A bad address is refused next to its field.
	resp := postForm(t, owner, s.url+"/admin/settings/team/invites", url.Values{"_csrf": {csrf}, "email": {"not-an-address"}, "role": {"staff"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, `class="field-error">&#34;not-an-address&#34; is not an email address`)

	resp = postForm(t, owner, s.url+"/admin/settings/team/invites", url.Values{"_csrf": {csrf}, "email": {"Robin@Bright-Smile.example"}, "role": {"staff"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, resp.Body)
	require.Contains(t, resp.Body, "not sent: no mail server is set up")
	link := inviteLink(t, resp.Body)
	require.True(t, strings.HasPrefix(link, s.url+"/admin/invite/fdi_"), link)
	_, page := get(t, owner, s.url+"/admin/settings/team")
	require.Contains(t, page, "robin@bright-smile.example")

	// Unknown tokens get a page that says so.
	resp, page = get(t, browserClient(t), s.url+"/admin/invite/fdi_nonsense")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, page, "this invitation link is not valid")

	// A short password is refused next to its field; then the invitee joins and is signed in.
	_, bad := acceptInvite(t, link, "Robin Staff", "short")
	require.Equal(t, http.StatusUnprocessableEntity, bad.StatusCode)
	require.Contains(t, bad.Body, "at least 8 characters")
	staff, joined := acceptInvite(t, link, "Robin Staff", "robin-password-1")
	require.Equal(t, http.StatusSeeOther, joined.StatusCode, joined.Body)
	require.Equal(t, "/admin", joined.Header.Get("Location"))
	resp, page = get(t, staff, s.url+"/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "robin@bright-smile.example")
	require.NotContains(t, page, `href="/admin/settings"`, "staff see no settings link")

	// A used link says so, and makes no second account.
	resp, page = get(t, browserClient(t), link)
	require.Equal(t, http.StatusGone, resp.StatusCode)
	require.Contains(t, page, "already been accepted")
	var users int
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE workspace_id = $1 AND role = 'staff'`, s.ws.ID).Scan(&users))
	require.Equal(t, 1, users)

	// An expired link says so.
	resp = postForm(t, owner, s.url+"/admin/settings/team/invites", url.Values{"_csrf": {csrf}, "email": {"late@bright-smile.example"}, "role": {"owner"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	late := inviteLink(t, resp.Body)
	_, err := s.app.pool.Exec(ctx, `UPDATE invites SET expires_at = now() - interval '1 minute' WHERE email = 'late@bright-smile.example'`)
	require.NoError(t, err)
	resp, page = get(t, browserClient(t), late)
	require.Equal(t, http.StatusGone, resp.StatusCode)
	require.Contains(t, page, "has expired")

	// Revoke: the link stops working.
	resp = postForm(t, owner, s.url+"/admin/settings/team/invites", url.Values{"_csrf": {csrf}, "email": {"gone@bright-smile.example"}, "role": {"staff"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	revoked := inviteLink(t, resp.Body)
	var inviteID int64
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT id FROM invites WHERE email = 'gone@bright-smile.example'`).Scan(&inviteID))
	resp = postForm(t, owner, fmt.Sprintf("%s/admin/settings/team/invites/%d/revoke", s.url, inviteID), url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	resp, _ = get(t, browserClient(t), revoked)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	// The last owner can be neither demoted nor removed.
	var ownerID, staffID int64
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, demoEmail).Scan(&ownerID))
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'robin@bright-smile.example'`).Scan(&staffID))
	resp = postForm(t, owner, fmt.Sprintf("%s/admin/settings/team/members/%d/role", s.url, ownerID), url.Values{"_csrf": {csrf}, "role": {"staff"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Contains(t, resp.Body, "at least one owner")
	resp = postForm(t, owner, fmt.Sprintf("%s/admin/settings/team/members/%d/remove", s.url, ownerID), url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)

	// Promote the staff member, then remove them: their session ends.
	resp = postForm(t, owner, fmt.Sprintf("%s/admin/settings/team/members/%d/role", s.url, staffID), url.Values{"_csrf": {csrf}, "role": {"owner"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	resp, _ = get(t, staff, s.url+"/admin/settings")
	require.Equal(t, http.StatusOK, resp.StatusCode, "an owner now")
	resp = postForm(t, owner, fmt.Sprintf("%s/admin/settings/team/members/%d/remove", s.url, staffID), url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
	resp, _ = get(t, staff, s.url+"/admin")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the removed member's session ended")
	require.Contains(t, resp.Header.Get("Location"), "/admin/login")

	// Every step left an audit entry naming who did it.
	rows, err := s.app.pool.Query(ctx, `SELECT actor || ' ' || action FROM audit_log WHERE workspace_id = $1 ORDER BY id`, s.ws.ID)
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		got = append(got, line)
	}
	require.NoError(t, rows.Err())
	for _, want := range []string{demoEmail + " invite.created", "robin@bright-smile.example invite.accepted",
		demoEmail + " invite.revoked", demoEmail + " user.role_changed", demoEmail + " user.removed"} {
		require.Contains(t, got, want)
	}
}

func TestTeamAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)

	status, body := owner.do("POST", "/api/v1/team/invites", map[string]string{"email": "api@bright-smile.example", "role": "boss"})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Equal(t, "unprocessable_entity", body["code"])
	require.NotEmpty(t, body["request_id"])

	status, body = owner.do("POST", "/api/v1/team/invites", map[string]string{"email": "api@bright-smile.example", "role": "staff"})
	require.Equal(t, http.StatusCreated, status, body)
	link := body["url"].(string)
	member, joined := acceptInvite(t, link, "Api Staff", "api-staff-password")
	require.Equal(t, http.StatusSeeOther, joined.StatusCode)
	resp, _ := get(t, member, s.url+"/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	status, body = owner.do("GET", "/api/v1/team", nil)
	require.Equal(t, http.StatusOK, status)
	members := body["members"].([]any)
	require.Len(t, members, 2)
	var staffID float64
	for _, m := range members {
		if m.(map[string]any)["email"] == "api@bright-smile.example" {
			staffID = m.(map[string]any)["id"].(float64)
			require.Equal(t, "staff", m.(map[string]any)["role"])
			require.NotNil(t, m.(map[string]any)["last_seen_at"], "a page they opened set last seen")
		}
	}
	require.NotZero(t, staffID)

	status, body = owner.do("PATCH", fmt.Sprintf("/api/v1/team/members/%d", int64(staffID)), map[string]string{"role": "owner"})
	require.Equal(t, http.StatusOK, status, body)
	status, body = owner.do("DELETE", fmt.Sprintf("/api/v1/team/members/%d", int64(staffID)), nil)
	require.Equal(t, http.StatusOK, status, body)
	status, body = owner.do("DELETE", fmt.Sprintf("/api/v1/team/members/%d", int64(staffID)), nil)
	require.Equal(t, http.StatusNotFound, status, body)

	// A staff token may read the inbox but not the team.
	token, err := s.app.accounts.CreateRoleToken(context.Background(), s.app.pool, s.ws.ID, "staff", "staff")
	require.NoError(t, err)
	staff := apiClient{t: t, base: s.url, token: token}
	status, body = staff.do("GET", "/api/v1/team", nil)
	require.Equal(t, http.StatusForbidden, status, body)
	require.Equal(t, "forbidden", body["code"])
	status, _ = staff.do("GET", "/api/v1/conversations", nil)
	require.Equal(t, http.StatusOK, status)
}

// TestTeamInviteIsEmailed: with an SMTP server set up, the invitation reaches the invitee
// with the link that lets them join.
func TestTeamInviteIsEmailed(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	s := startServerWith(t, serverOptions{config: func(c *config.Config) {
		c.SMTPURL, c.MailFrom = smtp.URL(), "desk@bright-smile.example"
	}})
	owner := s.ownerAPI(t, s.ws.ID)
	status, body := owner.do("POST", "/api/v1/team/invites", map[string]string{"email": "mailed@bright-smile.example", "role": "staff"})
	require.Equal(t, http.StatusCreated, status, body)
	require.Equal(t, "sent to mailed@bright-smile.example", body["email"])
	mails := smtp.To("mailed@bright-smile.example")
	require.Len(t, mails, 1)
	require.Contains(t, mails[0].Subject, "You are invited to")
	require.Contains(t, mails[0].Text, body["url"].(string))
	member, joined := acceptInvite(t, body["url"].(string), "Mailed Staff", "mailed-staff-password")
	require.Equal(t, http.StatusSeeOther, joined.StatusCode)
	resp, _ := get(t, member, s.url+"/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// A conversation assigned to the new member is e-mailed to them alone.
	var staffID int64
	require.NoError(t, s.app.pool.QueryRow(context.Background(),
		`SELECT id FROM users WHERE email = 'mailed@bright-smile.example'`).Scan(&staffID))
	res, err := s.app.conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS,
		Phone: "+447700900488", Text: "Hello"})
	require.NoError(t, err)
	status, body = owner.do("POST", fmt.Sprintf("/api/v1/conversations/%d/assign", res.ConversationID), map[string]any{"user_id": staffID})
	require.Equal(t, http.StatusOK, status, body)
	require.Eventually(t, func() bool { return len(smtp.To("mailed@bright-smile.example")) == 2 }, 20*time.Second, 50*time.Millisecond,
		"the assignee is e-mailed")
	require.Contains(t, smtp.To("mailed@bright-smile.example")[1].Text, fmt.Sprintf("/admin/conversations/%d", res.ConversationID))
	for _, m := range smtp.Mails() {
		if slices.Contains(m.To, demoEmail) {
			require.NotContains(t, m.Subject, "assigned", "the owner is not told of another's assignment")
		}
	}
}
