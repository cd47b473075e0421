package twilio_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// pendingDraft has a customer write in a workspace that reviews every reply and
// returns the draft waiting for the owner.
func (w *world) pendingDraft(t *testing.T, sid string) int64 {
	t.Helper()
	_, err := w.p.Pool.Exec(context.Background(), `UPDATE workspaces SET approval_mode = 'review_all' WHERE id = $1`, w.p.Workspace.ID)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, w.deliver(t, sms(sid, customer, "Can you send me the price list?")))
	var id int64
	pipelinetest.Eventually(t, func() bool {
		return w.p.Pool.QueryRow(context.Background(), `SELECT id FROM drafts WHERE status = 'pending'`).Scan(&id) == nil
	}, "a draft waits for the owner")
	return id
}

// get fetches a path of frontdesk's public URL as Twilio would: no session, no cookie.
func (w *world) get(t *testing.T, rawURL string) (int, []byte, string) {
	t.Helper()
	require.True(t, strings.HasPrefix(rawURL, publicURL), rawURL)
	res, err := w.app.Test(httptest.NewRequest(http.MethodGet, strings.TrimPrefix(rawURL, publicURL), nil), -1)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, body, res.Header.Get("Content-Type")
}

func TestReplyWithFileGoesAsMMS(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	draft := w.pendingDraft(t, "SM00000000000000000000000000000020")
	f, err := w.p.Media.Put(ctx, w.p.Workspace.ID, "prices.jpg", "image/jpeg", bytes.NewReader(jpeg))
	require.NoError(t, err)
	_, err = w.p.Conv.Approve(ctx, conversation.Decision{WorkspaceID: w.p.Workspace.ID, DraftID: draft, Actor: "test", Files: []media.File{f}})
	require.NoError(t, err)

	pipelinetest.Eventually(t, func() bool { return len(w.fake.Sent()) == 1 }, "the reply goes out as an MMS")
	link := w.fake.Sent()[0]["MediaUrl"]
	require.True(t, strings.HasPrefix(link, publicURL+"/webhooks/twilio/media/"), link)
	require.NotContains(t, link, f.Key, "the link does not name the file's key in the clear")

	// Twilio fetches the file without a session.
	status, body, ctype := w.get(t, link)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, jpeg, body, "Twilio receives the file's bytes")
	require.Equal(t, "image/jpeg", ctype)

	// An altered or expired link serves nothing.
	u, err := url.Parse(link)
	require.NoError(t, err)
	parts := strings.Split(u.Path, "/")
	tok := parts[len(parts)-2]
	tampered := strings.Replace(link, tok, tok[:len(tok)-2]+"AA", 1)
	status, _, _ = w.get(t, tampered)
	require.Equal(t, http.StatusNotFound, status)
	expired := w.ch.Links.Token(f.Key, time.Now().Add(-time.Minute))
	status, _, _ = w.get(t, publicURL+"/webhooks/twilio/media/"+expired+"/prices.jpg")
	require.Equal(t, http.StatusNotFound, status)

	// The file is on the outbound message, as the inbox shows it.
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM attachments a JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
			WHERE m.direction = 'outbound' AND a.draft_id = $1 AND a.blob_key = $2`, draft, f.Key) == 1
	}, "the file belongs to the sent message")
}

func TestStatusCallbackBeforeTheSendReturns(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	// Twilio reports the message delivered before its API call has answered frontdesk.
	reported := make(chan int, 1)
	w.fake.OnCreate(func(sid string, _ map[string]string) {
		form := url.Values{"MessageSid": {sid}, "MessageStatus": {"delivered"}, "To": {customer}, "From": {"+447700900999"}}
		path := w.webhookPath() + "/status"
		status, _ := w.post(t, path, form, twilio.Sign(authToken, publicURL+path, form))
		require.Equal(t, 1, w.p.Count(t, `SELECT count(*) FROM early_deliveries WHERE external_id = $1`, sid), "kept, not dropped")
		reported <- status
	})
	require.Equal(t, http.StatusOK, w.deliver(t, sms("SM00000000000000000000000000000021", customer, "Are you open today?")))
	require.Equal(t, http.StatusNoContent, <-reported)
	sid := "SMf0000000000000000000000000000001"
	pipelinetest.Eventually(t, func() bool {
		return w.p.Count(t, `SELECT count(*) FROM messages WHERE external_id = $1 AND delivery_status = 'delivered'`, sid) == 1
	}, "the early report is applied once the reply is stored")
	require.Zero(t, w.p.Count(t, `SELECT count(*) FROM early_deliveries`), "nothing is left waiting")
}
