package twilio_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
	// publicURL is frontdesk behind a proxy: Twilio signs this URL, not the listener's.
	publicURL = "https://frontdesk.example.com"
	customer  = "+447700900123"
)

// A 1×1 JPEG is not needed: the bytes only have to be an image to the sniffer.
var jpeg = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), make([]byte, 200)...)

type world struct {
	p       *pipelinetest.Pipeline
	fake    *twiliotest.Fake
	app     *fiber.App
	account accounts.Account
	ch      *twilio.Channel
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{fake: twiliotest.New(t, accountSID, authToken)}
	var ch *twilio.Channel
	w.p = pipelinetest.New(t, func(p *pipelinetest.Pipeline, o *pipelinetest.Options) {
		ch = twilio.New(p.Accounts, p.Pool, nil, publicURL, slog.New(slog.DiscardHandler))
		o.Senders = map[channels.Kind]conversation.Sender{channels.SMS: ch, channels.TwilioWhats: ch}
		o.Fetchers = map[channels.Kind]conversation.Fetcher{channels.SMS: ch, channels.TwilioWhats: ch}
	})
	ch.Pipeline = w.p.Conv
	ch.Media, ch.Links = w.p.Media, media.NewLinks([]byte(authToken))
	w.ch = ch
	a, c, err := accounts.Check(accounts.Input{
		Kind: accounts.Twilio, AccountSID: accountSID, AuthToken: authToken, PhoneNumber: "+44 7700 900999",
		APIBaseURL: w.fake.URL,
	}, "GB")
	require.NoError(t, err)
	w.account, err = w.p.Accounts.Create(context.Background(), w.p.Pool, w.p.Workspace.ID, a, c)
	require.NoError(t, err)
	w.app = fiber.New()
	ch.Register(w.app)
	return w
}

func TestSignMatchesTwilio(t *testing.T) {
	t.Parallel()
	// Twilio's published example: this URL, these fields and auth token 12345.
	form := url.Values{
		"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"},
	}
	require.Equal(t, "vOEb5UThFn24KEfnOFLQY2AE5FY=", twilio.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form))
}

// post sends a form to path and returns the status and body.
func (w *world) post(t *testing.T, path string, form url.Values, signature string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signature != "" {
		req.Header.Set("X-Twilio-Signature", signature)
	}
	res, err := w.app.Test(req, -1)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}

func (w *world) webhookPath() string {
	return strings.TrimPrefix(twilio.WebhookURL(publicURL, w.account.ID), publicURL)
}

// deliver posts an incoming message signed as Twilio would.
func (w *world) deliver(t *testing.T, form url.Values) int {
	t.Helper()
	path := w.webhookPath()
	status, _ := w.post(t, path, form, twilio.Sign(authToken, publicURL+path, form))
	return status
}

func sms(sid, from, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "AccountSid": {accountSID}, "From": {from}, "To": {"+447700900999"},
		"Body": {body}, "NumMedia": {"0"},
	}
}

func TestIncomingSMSIsAnsweredOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	path := w.webhookPath()
	form := sms("SM00000000000000000000000000000001", customer, "Hi, are you open on Saturday?")
	status, body := w.post(t, path, form, twilio.Sign(authToken, publicURL+path, form))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "<Response></Response>", "an empty TwiML answer")

	pipelinetest.Eventually(t, func() bool { return len(w.fake.Sent()) == 1 }, "the reply goes out through Twilio")
	sent := w.fake.Sent()[0]
	require.Equal(t, customer, sent["To"])
	require.Equal(t, "+447700900999", sent["From"])
	require.NotEmpty(t, sent["Body"])
	require.Equal(t, publicURL+w.webhookPath()+"/status", sent["StatusCallback"])
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM messages WHERE direction = 'outbound' AND external_id = 'SMf0000000000000000000000000000001'`) == 1
	}, "the sent reply carries Twilio's sid")

	// Twilio redelivers the same MessageSid: nothing new is stored or sent.
	require.Equal(t, http.StatusOK, w.deliver(t, form))
	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM messages WHERE direction = 'inbound'`))
	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM conversations WHERE channel_account_id = $1`, w.account.ID))
	require.Len(t, w.fake.Sent(), 1)
}

func TestForgedWebhookIsRefusedAndStoresNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	form := sms("SM00000000000000000000000000000002", customer, "let me in")
	path := w.webhookPath()
	for name, sig := range map[string]string{
		"missing":        "",
		"wrong token":    twilio.Sign("ffffffffffffffffffffffffffffffff", publicURL+path, form),
		"other URL":      twilio.Sign(authToken, "http://127.0.0.1:8080"+path, form),
		"tampered field": twilio.Sign(authToken, publicURL+path, sms("SM00000000000000000000000000000002", customer, "hello")),
	} {
		status, _ := w.post(t, path, form, sig)
		require.Equal(t, http.StatusForbidden, status, name)
	}
	status, _ := w.post(t, "/webhooks/twilio/999999", form, twilio.Sign(authToken, publicURL+"/webhooks/twilio/999999", form))
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, 0, w.p.Count(t, `SELECT count(*) FROM messages`))
	require.Equal(t, 0, w.p.Count(t, `SELECT count(*) FROM contacts`))
}

func TestMMSWithTwoImages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.fake.AddMedia("ME1", jpeg)
	w.fake.AddMedia("ME2", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
	form := sms("MM00000000000000000000000000000003", customer, "Here is my insurance card")
	form.Set("NumMedia", "2")
	// Twilio's media URLs name api.twilio.com; the account's API base URL points them at the fake.
	form.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/"+accountSID+"/Messages/MM3/Media/ME1")
	form.Set("MediaContentType0", "image/jpeg")
	form.Set("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/"+accountSID+"/Messages/MM3/Media/ME2")
	form.Set("MediaContentType1", "image/png")
	require.Equal(t, http.StatusOK, w.deliver(t, form))

	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM attachments WHERE status = 'stored' AND kind = 'image'`) == 2
	}, "both images are downloaded and stored")
	rows, err := w.p.Pool.Query(context.Background(), `SELECT id, content_type, size_bytes FROM attachments ORDER BY id`)
	require.NoError(t, err)
	var ids []int64
	var types []string
	for rows.Next() {
		var id, size int64
		var ct string
		require.NoError(t, rows.Scan(&id, &ct, &size))
		ids, types = append(ids, id), append(types, ct)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"image/jpeg", "image/png"}, types)
	r, att, err := w.p.Conv.AttachmentFile(context.Background(), w.p.Workspace.ID, ids[0], 0)
	require.NoError(t, err)
	got, _ := io.ReadAll(r)
	_ = r.Close()
	require.Equal(t, jpeg, got)
	require.Equal(t, "image/jpeg", att.ContentType)
	require.Zero(t, w.fake.AuthFailures(), "media was fetched with the account's credentials")
	pipelinetest.Eventually(t, func() bool { return len(w.fake.Sent()) == 1 }, "the message is answered after its files are in")
}

func TestWhatsAppThroughTwilioSharesTheContact(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	require.Equal(t, http.StatusOK, w.deliver(t, sms("SM00000000000000000000000000000004", customer, "Hello")))
	wa := sms("SM00000000000000000000000000000005", "whatsapp:"+customer, "Do you take new patients?")
	wa.Set("ProfileName", "Jo Bloggs")
	require.Equal(t, http.StatusOK, w.deliver(t, wa))

	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM contacts WHERE phone = $1`, customer), "one contact across SMS and WhatsApp")
	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM conversations WHERE channel = 'twilio_whatsapp'`))
	pipelinetest.Eventually(t, func() bool {
		for _, f := range w.fake.Sent() {
			if f["To"] == "whatsapp:"+customer && f["From"] == "whatsapp:+447700900999" {
				return true
			}
		}
		return false
	}, "the WhatsApp reply goes back on WhatsApp")
}

func TestDeliveryRetriesTransientErrorsOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.fake.FailNext(500, 503)
	require.Equal(t, http.StatusOK, w.deliver(t, sms("SM00000000000000000000000000000006", customer, "What are your opening hours?")))
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM drafts WHERE status = 'sent'`) == 1
	}, "sent after two server errors")
	require.Len(t, w.fake.Sent(), 1, "exactly one message delivered")
	require.Equal(t, 3, w.fake.Tries())
	w.fake.FailNext(400)

	// An invalid number is permanent: shown on the draft, not retried.
	require.Equal(t, http.StatusOK, w.deliver(t, sms("SM00000000000000000000000000000007", "+447700900456", "Do you do whitening?")))
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM drafts WHERE status = 'failed' AND error LIKE '%not a valid phone number%'`) == 1
	}, "the permanent failure is shown")
	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM notifications WHERE kind = 'delivery_failed'`))
	require.Equal(t, 4, w.fake.Tries(), "no retry after a permanent error")
}

func TestStatusCallbacks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	require.Equal(t, http.StatusOK, w.deliver(t, sms("SM00000000000000000000000000000008", customer, "Are you open today?")))
	sid := "SMf0000000000000000000000000000001"
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM messages WHERE external_id = $1`, sid) == 1
	}, "reply sent")
	status := func(st, code string) int {
		form := url.Values{"MessageSid": {sid}, "MessageStatus": {st}, "To": {customer}, "From": {"+447700900999"}}
		if code != "" {
			form.Set("ErrorCode", code)
		}
		path := w.webhookPath() + "/status"
		httpStatus, _ := w.post(t, path, form, twilio.Sign(authToken, publicURL+path, form))
		return httpStatus
	}
	deliveryStatus := func() (st, why string) {
		require.NoError(t, w.p.Pool.QueryRow(context.Background(),
			`SELECT delivery_status, delivery_error FROM messages WHERE external_id = $1`, sid).Scan(&st, &why))
		return st, why
	}
	require.Equal(t, http.StatusNoContent, status("delivered", ""))
	st, _ := deliveryStatus()
	require.Equal(t, "delivered", st)
	require.Equal(t, http.StatusNoContent, status("sent", ""), "a late report")
	st, _ = deliveryStatus()
	require.Equal(t, "delivered", st, "a late 'sent' does not undo 'delivered'")
	require.Equal(t, http.StatusNoContent, status("undelivered", "30005"))
	st, why := deliveryStatus()
	require.Equal(t, "undelivered", st)
	require.Contains(t, why, "does not exist")
	require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM notifications WHERE kind = 'delivery_failed'`))

	form := url.Values{"MessageSid": {sid}, "MessageStatus": {"read"}}
	forged, _ := w.post(t, w.webhookPath()+"/status", form, "bogus")
	require.Equal(t, http.StatusForbidden, forged)
}
