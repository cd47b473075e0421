package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/channels/telegram"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

const botToken = "123456789:AAE-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

type testBundle struct {
	p       *pipelinetest.Pipeline
	fake    *fakeTelegram
	ch      *telegram.Channel
	app     *fiber.App
	account accounts.Account
	creds   accounts.Credentials
}

// setup runs the pipeline with the Telegram channel as its sender and fetcher, one bot
// pointed at a fake Bot API, and the webhook on a fiber app.
func setup(t *testing.T, baseURL string) *testBundle {
	t.Helper()
	b := &testBundle{fake: newFake(t, botToken)}
	b.ch = &telegram.Channel{
		BaseURL: baseURL,
		Log:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	}
	b.p = pipelinetest.New(t, func(p *pipelinetest.Pipeline, o *pipelinetest.Options) {
		b.ch.Accounts, b.ch.Pool = p.Accounts, p.Pool
		o.Senders = map[channels.Kind]conversation.Sender{channels.Telegram: b.ch}
		o.Fetchers = map[channels.Kind]conversation.Fetcher{channels.Telegram: b.ch}
	})
	b.ch.Conversations = b.p.Conv
	b.account, b.creds = b.addBot(t, botToken)
	b.app = fiber.New()
	b.ch.Register(b.app)
	return b
}

func (b *testBundle) addBot(t *testing.T, token string) (accounts.Account, accounts.Credentials) {
	t.Helper()
	a, c, err := accounts.Check(accounts.Input{Kind: accounts.Telegram, BotToken: token, APIBaseURL: b.fake.URL}, "GB")
	require.NoError(t, err)
	a, err = b.p.Accounts.Create(context.Background(), b.p.Pool, b.p.Workspace.ID, a, c)
	require.NoError(t, err)
	return a, c
}

// post delivers body to the bot's webhook with the given secret.
func (b *testBundle) post(t *testing.T, accountID int64, secret, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/telegram/"+strconv.FormatInt(accountID, 10), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(telegram.SecretHeader, secret)
	}
	resp, err := b.app.Test(req, -1)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(out)
}

func (b *testBundle) inbound(t *testing.T) int {
	t.Helper()
	return b.p.Count(t, `SELECT count(*) FROM messages WHERE workspace_id = $1 AND direction = 'inbound'`, b.p.Workspace.ID)
}

func (b *testBundle) draftStatus(t *testing.T) (status, reason string) {
	t.Helper()
	err := b.p.Pool.QueryRow(context.Background(),
		`SELECT status, error FROM drafts WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1`, b.p.Workspace.ID).Scan(&status, &reason)
	if err != nil {
		return "", ""
	}
	return status, reason
}

func (b *testBundle) waitDraft(t *testing.T, want string) string {
	t.Helper()
	var reason string
	pipelinetest.Eventually(t, func() bool {
		var got string
		got, reason = b.draftStatus(t)
		return got == want
	}, "the reply's draft becomes "+want)
	return reason
}

func TestWebhook(t *testing.T) {
	t.Parallel()

	t.Run("TextIsStoredOnceAndAnswered", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		ctx := context.Background()
		body := update(1000, `"text":"Hello, are you open on Saturday?"`)

		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, body)
		require.Equal(t, http.StatusOK, status, resp)
		require.JSONEq(t, `{"ok":true}`, resp)
		require.Equal(t, 1, b.inbound(t))

		var text, ext, name string
		var at time.Time
		var accountID int64
		require.NoError(t, b.p.Pool.QueryRow(ctx, `
			SELECT m.text, m.external_id, m.created_at, c.name, v.channel_account_id
			FROM messages m JOIN conversations v ON v.workspace_id = m.workspace_id AND v.id = m.conversation_id
			JOIN contacts c ON c.workspace_id = v.workspace_id AND c.id = v.contact_id
			WHERE m.workspace_id = $1 AND m.direction = 'inbound'`, b.p.Workspace.ID).Scan(&text, &ext, &at, &name, &accountID))
		require.Equal(t, "Hello, are you open on Saturday?", text)
		require.Equal(t, strconv.FormatInt(b.account.ID, 10)+":1000", ext)
		require.Equal(t, "Ann Lee", name)
		require.Equal(t, b.account.ID, accountID, "replies leave through the bot the customer wrote to")
		require.True(t, at.Equal(time.Unix(1767225600, 0)), "stored at the message's date, got %s", at)

		b.waitDraft(t, "sent")
		sent := b.fake.sentMessages()
		require.Len(t, sent, 1)
		require.Equal(t, "4242", sent[0].ChatID)
		require.NotEmpty(t, sent[0].Text)
		var outExt, outText string
		require.NoError(t, b.p.Pool.QueryRow(ctx, `SELECT external_id, text FROM messages WHERE workspace_id = $1 AND direction = 'outbound'`,
			b.p.Workspace.ID).Scan(&outExt, &outText))
		require.Equal(t, strconv.Itoa(sent[0].ID), outExt, "the reply keeps Telegram's message id")
		require.Equal(t, sent[0].Text, outText)

		// Telegram resends an update it thinks was not received.
		status, resp = b.post(t, b.account.ID, b.creds.WebhookSecret, body)
		require.Equal(t, http.StatusOK, status, resp)
		require.Equal(t, 1, b.inbound(t))
		require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM drafts WHERE workspace_id = $1`, b.p.Workspace.ID))
	})

	t.Run("RejectsWhatIsNotTelegram", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		body := update(1001, `"text":"hi"`)

		status, _ := b.post(t, b.account.ID, "not-the-secret", body)
		require.Equal(t, http.StatusUnauthorized, status)
		status, _ = b.post(t, b.account.ID, "", body)
		require.Equal(t, http.StatusUnauthorized, status)
		status, _ = b.post(t, b.account.ID+1000, b.creds.WebhookSecret, body)
		require.Equal(t, http.StatusNotFound, status)
		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, `{"update_id": 1001, "message": {`)
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, resp, "not a Telegram update")

		// A Twilio account's id does not open a Telegram webhook.
		a, c, err := accounts.Check(accounts.Input{Kind: accounts.Twilio, AccountSID: "AC" + strings.Repeat("0", 32),
			AuthToken: strings.Repeat("a", 32), PhoneNumber: "+447700900123"}, "GB")
		require.NoError(t, err)
		a, err = b.p.Accounts.Create(context.Background(), b.p.Pool, b.p.Workspace.ID, a, c)
		require.NoError(t, err)
		status, _ = b.post(t, a.ID, b.creds.WebhookSecret, body)
		require.Equal(t, http.StatusNotFound, status)

		require.Equal(t, 0, b.inbound(t))
	})

	t.Run("IgnoresWhatIsNotACustomerMessage", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		for _, body := range []string{
			`{"update_id":1002,"edited_message":{"message_id":1,"chat":{"id":4242,"type":"private"},"date":1767225600,"text":"edit"}}`,
			update(1003, `"sticker":{"file_id":"st1","file_unique_id":"s","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}`),
			`{"update_id":1004,"message":{"message_id":2,"from":{"id":4242,"is_bot":false,"first_name":"Ann"},` +
				`"chat":{"id":-100777,"title":"Friends","type":"supergroup"},"date":1767225600,"text":"hello group"}}`,
		} {
			status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, body)
			require.Equal(t, http.StatusOK, status, resp)
		}
		require.Equal(t, 0, b.inbound(t))
	})

	t.Run("SharedContactGivesThePhone", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret,
			update(1005, `"contact":{"phone_number":"447700900123","first_name":"Ann","user_id":4242}`))
		require.Equal(t, http.StatusOK, status, resp)
		var phone, text string
		require.NoError(t, b.p.Pool.QueryRow(context.Background(), `
			SELECT c.phone, m.text FROM messages m
			JOIN conversations v ON v.workspace_id = m.workspace_id AND v.id = m.conversation_id
			JOIN contacts c ON c.workspace_id = v.workspace_id AND c.id = v.contact_id
			WHERE m.workspace_id = $1`, b.p.Workspace.ID).Scan(&phone, &text))
		require.Equal(t, "+447700900123", phone)
		require.Contains(t, text, "+447700900123")

		// Someone else's card names someone else.
		status, _ = b.post(t, b.account.ID, b.creds.WebhookSecret,
			update(1006, `"contact":{"phone_number":"+447700900999","first_name":"Bob","user_id":777}`))
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, 0, b.p.Count(t, `SELECT count(*) FROM contacts WHERE workspace_id = $1 AND phone = '+447700900999'`, b.p.Workspace.ID))
	})
}

// attachment waits for the message's one attachment to leave 'pending'.
func (b *testBundle) attachment(t *testing.T) (id int64, status, kind, name, ctype string) {
	t.Helper()
	pipelinetest.Eventually(t, func() bool {
		err := b.p.Pool.QueryRow(context.Background(),
			`SELECT id, status, kind, file_name, content_type FROM attachments WHERE workspace_id = $1`,
			b.p.Workspace.ID).Scan(&id, &status, &kind, &name, &ctype)
		return err == nil && status != "pending"
	}, "the attachment is fetched")
	return id, status, kind, name, ctype
}

func TestAttachments(t *testing.T) {
	t.Parallel()

	t.Run("Document", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		b.fake.addFile("doc-1", "documents/file_7.pdf", pdf)
		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1010,
			`"caption":"My referral letter","document":{"file_id":"doc-1","file_unique_id":"d1","file_name":"referral.pdf","mime_type":"application/pdf","file_size":80}`))
		require.Equal(t, http.StatusOK, status, resp)

		id, st, kind, name, ctype := b.attachment(t)
		require.Equal(t, "stored", st)
		require.Equal(t, "document", kind)
		require.Equal(t, "referral.pdf", name)
		require.Equal(t, "application/pdf", ctype)
		r, _, err := b.p.Conv.AttachmentFile(context.Background(), b.p.Workspace.ID, id, 0)
		require.NoError(t, err)
		defer func() { _ = r.Close() }()
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		require.Equal(t, pdf, got)
		b.waitDraft(t, "sent")
	})

	t.Run("Voice", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		// An Ogg page holding an Opus header: what a Telegram voice note starts with.
		ogg := append([]byte("OggS\x00\x02"), make([]byte, 22)...)
		ogg = append(ogg, []byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")...)
		b.fake.addFile("voice-1", "voice/file_3.oga", ogg)
		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1011,
			`"voice":{"file_id":"voice-1","file_unique_id":"v1","duration":3,"mime_type":"audio/ogg","file_size":47}`))
		require.Equal(t, http.StatusOK, status, resp)

		_, st, kind, _, _ := b.attachment(t)
		require.Equal(t, "stored", st)
		require.Equal(t, "audio", kind)
	})

	t.Run("PhotoTakesTheLargestSize", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		// Only the large size can be fetched: picking another fails the attachment.
		b.fake.addFile("photo-big", "photos/file_9.jpg", append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...))
		status, resp := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1012,
			`"photo":[{"file_id":"photo-small","file_unique_id":"p1","width":90,"height":60,"file_size":900},`+
				`{"file_id":"photo-big","file_unique_id":"p3","width":1280,"height":853,"file_size":90000},`+
				`{"file_id":"photo-mid","file_unique_id":"p2","width":320,"height":213,"file_size":9000}]`))
		require.Equal(t, http.StatusOK, status, resp)

		_, st, kind, _, ctype := b.attachment(t)
		require.Equal(t, "stored", st)
		require.Equal(t, "image", kind)
		require.Equal(t, "image/jpeg", ctype)
	})

	t.Run("GoneFileFailsAtOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		_, _, err := b.ch.Fetch(context.Background(), b.account.ID, "no-such-file")
		require.Error(t, err)
		require.True(t, channels.IsPermanent(err), "retrying cannot bring the file back: %v", err)
		require.NotContains(t, err.Error(), botToken)
	})
}

func TestSend(t *testing.T) {
	t.Parallel()

	t.Run("ServerErrorsAreRetriedUntilSent", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		b.fake.failNextSends(apiError{Code: 500, Desc: "Internal Server Error"}, apiError{Code: 502, Desc: "Bad Gateway"})
		status, _ := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1020, `"text":"What time do you open?"`))
		require.Equal(t, http.StatusOK, status)

		b.waitDraft(t, "sent")
		require.Len(t, b.fake.sentMessages(), 1)
		require.Equal(t, 3, b.fake.callCount("sendMessage"))
	})

	t.Run("BlockedBotFailsWithoutRetry", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		b.fake.failNextSends(apiError{Code: 403, Desc: "Forbidden: bot was blocked by the user"})
		status, _ := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1021, `"text":"What time do you open?"`))
		require.Equal(t, http.StatusOK, status)

		reason := b.waitDraft(t, "failed")
		require.Contains(t, reason, "the customer has blocked the bot")
		require.Equal(t, 1, b.fake.callCount("sendMessage"))
		require.Empty(t, b.fake.sentMessages())
	})

	t.Run("ErrorsAreClassified", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		ctx := context.Background()
		out := channels.Outbound{WorkspaceID: b.p.Workspace.ID, Channel: channels.Telegram, AccountID: b.account.ID, Address: "4242", Text: "Hi"}

		b.fake.failNextSends(apiError{Code: 429, Desc: "Too Many Requests: retry after 7", RetryAfter: 7})
		_, err := b.ch.Send(ctx, out)
		ra, ok := errors.AsType[*channels.RetryAfterError](err)
		require.True(t, ok, "a 429 says when to retry: %v", err)
		require.Equal(t, 7*time.Second, ra.After)

		b.fake.failNextSends(apiError{Code: 400, Desc: "Bad Request: chat not found"})
		_, err = b.ch.Send(ctx, out)
		require.True(t, channels.IsPermanent(err), "%v", err)
		require.Contains(t, err.Error(), "chat not found")

		b.fake.failNextSends(apiError{Code: 500, Desc: "Internal Server Error"})
		_, err = b.ch.Send(ctx, out)
		require.Error(t, err)
		require.False(t, channels.IsPermanent(err))

		other := out
		other.WorkspaceID++
		_, err = b.ch.Send(ctx, other)
		require.True(t, channels.IsPermanent(err), "a bot is not lent to another workspace: %v", err)

		id, err := b.ch.Send(ctx, out)
		require.NoError(t, err)
		sent := b.fake.sentMessages()
		require.Len(t, sent, 1)
		require.Equal(t, strconv.Itoa(sent[0].ID), id)
	})
}

func TestSendFiles(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	ctx := context.Background()
	pdf := append([]byte("%PDF-1.4\n"), make([]byte, 300)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), make([]byte, 200)...)
	store := func(name, ctype string, body []byte) channels.File {
		f, err := b.p.Media.Put(ctx, b.p.Workspace.ID, name, ctype, bytes.NewReader(body))
		require.NoError(t, err)
		return channels.File{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Kind: string(f.Kind), Size: f.Size,
			Open: func(ctx context.Context) (io.ReadCloser, error) { return b.p.Media.Reader(ctx, f.Key) }}
	}
	out := channels.Outbound{WorkspaceID: b.p.Workspace.ID, Channel: channels.Telegram, AccountID: b.account.ID, Address: "4242",
		Text: "Here is the price list", Files: []channels.File{store("prices.pdf", "application/pdf", pdf)}}

	t.Run("OneFileCarriesTheText", func(t *testing.T) {
		id, err := b.ch.Send(ctx, out)
		require.NoError(t, err)
		up := b.fake.uploaded()
		require.Len(t, up, 1)
		require.Equal(t, "sendDocument", up[0].Method)
		require.Equal(t, "4242", up[0].ChatID)
		require.Equal(t, "Here is the price list", up[0].Caption)
		require.Equal(t, "prices.pdf", up[0].Name)
		require.Equal(t, pdf, up[0].Body, "Telegram receives the file's bytes")
		require.Equal(t, strconv.Itoa(b.fake.nextID), id)
		require.Empty(t, b.fake.sentMessages(), "no separate text message")
	})

	t.Run("TextThenEachFile", func(t *testing.T) {
		two := out
		two.Files = append([]channels.File{store("smile.jpg", "image/jpeg", jpeg)}, out.Files...)
		_, err := b.ch.Send(ctx, two)
		require.NoError(t, err)
		require.Len(t, b.fake.sentMessages(), 1)
		up := b.fake.uploaded()[1:]
		require.Len(t, up, 2)
		require.Equal(t, "sendPhoto", up[0].Method)
		require.Equal(t, jpeg, up[0].Body)
		require.Equal(t, "sendDocument", up[1].Method)
	})
}

func TestApprovedReplyWithFile(t *testing.T) {
	t.Parallel()
	b := setup(t, "")
	ctx := context.Background()
	_, err := b.p.Pool.Exec(ctx, `UPDATE workspaces SET approval_mode = 'review_all' WHERE id = $1`, b.p.Workspace.ID)
	require.NoError(t, err)
	status, _ := b.post(t, b.account.ID, b.creds.WebhookSecret, update(1030, `"text":"Can I see the price list?"`))
	require.Equal(t, http.StatusOK, status)
	b.waitDraft(t, "pending")
	var draft int64
	require.NoError(t, b.p.Pool.QueryRow(ctx, `SELECT id FROM drafts WHERE status = 'pending'`).Scan(&draft))
	// An Ogg page whose first packet is an Opus header, as a recorded voice note starts.
	ogg := append(append(append([]byte("OggS"), make([]byte, 22)...), 1, 19), append([]byte("OpusHead"), make([]byte, 100)...)...)
	f, err := b.p.Media.Put(ctx, b.p.Workspace.ID, "hello.ogg", "audio/ogg", bytes.NewReader(ogg))
	require.NoError(t, err)
	_, err = b.p.Conv.Approve(ctx, conversation.Decision{WorkspaceID: b.p.Workspace.ID, DraftID: draft, Actor: "test", Files: []media.File{f}})
	require.NoError(t, err)

	b.waitDraft(t, "sent")
	up := b.fake.uploaded()
	require.Len(t, up, 1)
	require.Equal(t, "sendVoice", up[0].Method, "a recording goes as a voice note")
	require.Equal(t, ogg, up[0].Body)
	require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM attachments a JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
		WHERE m.direction = 'outbound' AND m.external_id = $1 AND a.kind = 'audio'`, strconv.Itoa(b.fake.nextID)))
}
