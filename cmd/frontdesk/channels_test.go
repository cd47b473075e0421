package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "f1e2d3c4b5a697887766554433221100"
)

// An owner adds a Twilio number, a customer texts it with a photo, the owner sees the
// photo in the inbox and approves the reply, and the reply leaves through Twilio.
func TestTwilioChannelEndToEnd(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	fake := twiliotest.New(t, testSID, testToken)

	status, body := owner.do("POST", "/api/v1/channels", map[string]string{"kind": "twilio", "account_sid": "nope"})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "account_sid")
	require.Contains(t, body["error"], "auth_token")

	status, body = owner.do("POST", "/api/v1/channels", map[string]string{
		"kind": "twilio", "account_sid": testSID, "auth_token": testToken, "phone_number": "+44 7700 900999",
		"api_base_url": fake.URL,
	})
	require.Equal(t, http.StatusCreated, status, body)
	id := formatID(body["id"])
	hook := body["webhook_url"].(string)
	require.Equal(t, s.url+"/webhooks/twilio/"+id, hook)
	require.NotContains(t, toJSON(t, body), testToken, "the token is never shown again")

	status, body = owner.do("GET", "/api/v1/channels", nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, body["channels"], 1)
	require.NotContains(t, toJSON(t, body), testToken)
	var sealed []byte
	require.NoError(t, s.app.pool.QueryRow(context.Background(), `SELECT credentials FROM channel_accounts WHERE id = $1`, body["channels"].([]any)[0].(map[string]any)["id"]).Scan(&sealed))
	require.False(t, bytes.Contains(sealed, []byte(testToken)), "the token is encrypted at rest")

	// Another workspace cannot see or remove it.
	ws2, err := s.app.conv.CreateWorkspace(context.Background(), s.app.pool, "other-clinic", "Other Clinic", "UTC", "US")
	require.NoError(t, err)
	other := s.ownerAPI(t, ws2.ID)
	status, body = other.do("GET", "/api/v1/channels", nil)
	require.Equal(t, http.StatusOK, status)
	require.Empty(t, body["channels"])
	status, _ = other.do("DELETE", "/api/v1/channels/"+id, nil)
	require.Equal(t, http.StatusNotFound, status)

	// The customer texts a photo.
	fake.AddMedia("ME1", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...))
	form := url.Values{
		"MessageSid": {"MM00000000000000000000000000000009"}, "AccountSid": {testSID}, "From": {"+447700900321"},
		"To": {"+447700900999"}, "Body": {"Is this swelling normal after a filling?"}, "NumMedia": {"1"},
		"MediaUrl0":         {"https://api.twilio.com/2010-04-01/Accounts/" + testSID + "/Messages/MM9/Media/ME1"},
		"MediaContentType0": {"image/png"},
	}
	req, err := http.NewRequest(http.MethodPost, hook, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(testToken, hook, form))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, readAll(t, res.Body))
	_ = res.Body.Close()

	var msgID float64
	require.NoError(t, s.app.pool.QueryRow(context.Background(), `SELECT id FROM messages WHERE external_id = 'MM00000000000000000000000000000009'`).Scan(&msgID))
	d := waitDraft(t, owner, msgID)

	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
	require.Contains(t, page, "Is this swelling normal")
	require.Contains(t, page, `src="/admin/attachments/`, "the photo is shown in the thread")
	start := strings.Index(page, `/admin/attachments/`) + len(`/admin/attachments/`)
	attID := page[start : start+strings.IndexAny(page[start:], `?"`)]
	resp, img := get(t, c, s.url+"/admin/attachments/"+attID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(img, "\x89PNG"))
	require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	resp, _ = get(t, c, s.url+"/admin/attachments/999999")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	_, page = get(t, c, s.url+"/admin/channels")
	require.Contains(t, page, hook, "the channels page shows the webhook URL to paste into Twilio")
	require.NotContains(t, page, testToken)

	status, _ = owner.do("POST", "/api/v1/drafts/"+formatID(d["id"])+"/approve", map[string]string{"content": "Some swelling is normal for a day or two. Call us if it gets worse."})
	require.Equal(t, http.StatusOK, status)
	require.Eventually(t, func() bool { return len(fake.Sent()) == 1 }, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, "+447700900321", fake.Sent()[0]["To"])
	require.Contains(t, fake.Sent()[0]["Body"], "Some swelling is normal")

	status, _ = owner.do("DELETE", "/api/v1/channels/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	status, body = owner.do("GET", "/api/v1/channels", nil)
	require.Equal(t, http.StatusOK, status)
	require.Empty(t, body["channels"])
}

func TestAddChannelFormShowsErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/channels")
	csrf := csrfField.FindStringSubmatch(page)[1]
	resp := postForm(t, c, s.url+"/admin/channels", url.Values{"_csrf": {csrf}, "kind": {"telegram"}, "bot_token": {"not-a-token"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, resp.Body, "must be the token @BotFather gave you")
	require.NotContains(t, resp.Body, "not-a-token", "a secret is not echoed back")
}

// A Telegram bot whose API cannot be reached is kept, marked as not working, with why.
func TestTelegramBotThatCannotConnect(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	status, body := owner.do("POST", "/api/v1/channels", map[string]string{
		"kind": "telegram", "bot_token": "123456789:AAE-abcdefghijklmnopqrstuvwxyz0123456", "api_base_url": "http://127.0.0.1:1",
	})
	require.Equal(t, http.StatusCreated, status, body)
	require.Equal(t, "error", body["status"])
	require.NotEmpty(t, body["last_error"])
	require.NotContains(t, toJSON(t, body), "abcdefghijklmnopqrstuvwxyz0123456", "the token is not shown, even in errors")
	require.Equal(t, s.url+"/webhooks/telegram/"+formatID(body["id"]), body["webhook_url"])
}

// The pairing page of a WhatsApp account that has not started pairing (starting it
// would dial WhatsApp, which tests never do; channels/whatsapp tests pairing with a
// fake client).
func TestWhatsAppPairingPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a, c, err := accounts.Check(accounts.Input{Kind: accounts.WhatsApp, Name: "Front desk phone"}, "GB")
	require.NoError(t, err)
	a, err = s.app.channels.Create(context.Background(), s.app.pool, s.ws.ID, a, c)
	require.NoError(t, err)
	id := strconv.FormatInt(a.ID, 10)

	owner := s.ownerAPI(t, s.ws.ID)
	status, body := owner.do("GET", "/api/v1/channels/"+id+"/pairing", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "not_started", body["status"])
	require.Equal(t, "pairing", body["account_status"])

	b := browserClient(t)
	login(t, s, b)
	_, page := get(t, b, s.url+"/admin/channels")
	require.Contains(t, page, "/admin/channels/"+id+"/pairing")
	resp, page := get(t, b, s.url+"/admin/channels/"+id+"/pairing")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "Linked devices")
	require.Contains(t, page, "pairing.js")

	status, body = owner.do("POST", "/api/v1/channels", map[string]string{"kind": "telegram", "bot_token": "123456789:AAE-abcdefghijklmnopqrstuvwxyz0123456", "api_base_url": "http://127.0.0.1:1"})
	require.Equal(t, http.StatusCreated, status, body)
	status, _ = owner.do("GET", "/api/v1/channels/"+formatID(body["id"])+"/pairing", nil)
	require.Equal(t, http.StatusNotFound, status, "only WhatsApp accounts pair by QR code")
}
