package whatsapp_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// customer is the phone that writes to the business in these tests.
const customer = "447700900123"

// testAccounts is accounts.Store with the query the channel needs that the store does
// not have yet: recording the paired device in settings.jid.
type testAccounts struct{ *accounts.Store }

func (testAccounts) SetJID(ctx context.Context, db database.DBTX, ws, id int64, jid string) error {
	_, err := db.Exec(ctx, `
		UPDATE channel_accounts
		SET settings = CASE WHEN $3::text = '' THEN settings - 'jid' ELSE jsonb_set(settings, '{jid}', to_jsonb($3::text)) END
		WHERE workspace_id = $1 AND id = $2 AND kind = 'whatsapp'`, ws, id, jid)
	return err
}

type testBundle struct {
	p       *pipelinetest.Pipeline
	wa      *fakeWhatsApp
	ch      *whatsapp.Channel
	account accounts.Account
	// jid is the device WhatsApp gives the business's phone when it links.
	jid types.JID
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// newChannel is one frontdesk node's WhatsApp channel on p's database.
func newChannel(t *testing.T, p *pipelinetest.Pipeline, wa *fakeWhatsApp, node string) *whatsapp.Channel {
	t.Helper()
	return newChannelEvery(t, p, wa, node, 50*time.Millisecond)
}

// newChannelEvery is newChannel refreshing every refresh (0: the default).
func newChannelEvery(t *testing.T, p *pipelinetest.Pipeline, wa *fakeWhatsApp, node string, refresh time.Duration) *whatsapp.Channel {
	t.Helper()
	ch, err := whatsapp.New(context.Background(), whatsapp.Options{
		Pool: p.Pool, Accounts: testAccounts{p.Accounts}, Log: quietLog(),
		Refresh: refresh, NewClient: wa.factory(node),
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, ch.Close()) })
	return ch
}

// setup runs the pipeline with the WhatsApp channel as its sender and fetcher, and adds
// a WhatsApp account, waiting to be paired.
func setup(t *testing.T) *testBundle {
	t.Helper()
	b := &testBundle{wa: newFake(), jid: types.JID{User: "447700900999", Device: 12, Server: types.DefaultUserServer}}
	b.p = pipelinetest.New(t, func(p *pipelinetest.Pipeline, o *pipelinetest.Options) {
		b.ch = newChannel(t, p, b.wa, "node-1")
		o.Senders = map[channels.Kind]conversation.Sender{channels.WhatsApp: b.ch}
		o.Fetchers = map[channels.Kind]conversation.Fetcher{channels.WhatsApp: b.ch}
	})
	b.ch.Conversations = b.p.Conv
	a, c, err := accounts.Check(accounts.Input{Kind: accounts.WhatsApp, Name: "Front desk"}, "GB")
	require.NoError(t, err)
	b.account, err = b.p.Accounts.Create(context.Background(), b.p.Pool, b.p.Workspace.ID, a, c)
	require.NoError(t, err)
	require.Equal(t, "pairing", b.account.Status)
	return b
}

// run runs ch.Run until the returned stop is called, which waits for it to return.
func run(t *testing.T, ch *whatsapp.Channel) (stop func()) {
	t.Helper()
	return pipelinetest.Background(t, "Run", ch.Run)
}

// pair links the business's phone through the channel, as the owner does by scanning.
func (b *testBundle) pair(t *testing.T) {
	t.Helper()
	require.NoError(t, b.ch.Pair(context.Background(), b.p.Workspace.ID, b.account.ID))
	c := b.wa.pairingClient(t)
	c.showQR("2@first-code")
	c.link(t, b.jid)
	pipelinetest.Eventually(t, func() bool { return b.status(t) == "active" }, "the account becomes active")
}

// online pairs the phone and runs the channel until its device is connected.
func (b *testBundle) online(t *testing.T) *fakeClient {
	t.Helper()
	run(t, b.ch)
	b.pair(t)
	return b.wa.connection(t, b.jid)
}

func (b *testBundle) get(t *testing.T) accounts.Account {
	t.Helper()
	a, _, err := b.p.Accounts.Get(context.Background(), b.p.Pool, b.p.Workspace.ID, b.account.ID)
	require.NoError(t, err)
	return a
}

func (b *testBundle) status(t *testing.T) string { return b.get(t).Status }

func (b *testBundle) inbound(t *testing.T) int {
	t.Helper()
	return b.p.Count(t, `SELECT count(*) FROM messages WHERE workspace_id = $1 AND direction = 'inbound'`, b.p.Workspace.ID)
}

func (b *testBundle) waitDraft(t *testing.T, want string) string {
	t.Helper()
	var status, reason string
	pipelinetest.Eventually(t, func() bool {
		err := b.p.Pool.QueryRow(context.Background(),
			`SELECT status, error FROM drafts WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1`, b.p.Workspace.ID).Scan(&status, &reason)
		return err == nil && status == want
	}, "the reply's draft becomes "+want)
	return reason
}

// message is a message from customer to the business, as whatsmeow hands it over.
func message(id string, m *waE2E.Message) *events.Message {
	from := types.NewJID(customer, types.DefaultUserServer)
	return &events.Message{
		Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: from, Sender: from},
			ID:            id, PushName: "Ann Lee", Timestamp: time.Unix(1767225600, 0),
		},
		Message: m,
	}
}

func text(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

func TestInbound(t *testing.T) {
	t.Parallel()

	t.Run("TextIsStoredOnceAndAnsweredOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		ctx := context.Background()
		evt := message("3A0000000000000000A1", text("Hello, are you open on Saturday?"))

		require.True(t, c.emit(evt), "a stored message is acknowledged")
		require.Equal(t, 1, b.inbound(t))
		var body, ext, name, phone, address string
		var at time.Time
		var accountID int64
		require.NoError(t, b.p.Pool.QueryRow(ctx, `
			SELECT m.text, m.external_id, m.created_at, c.name, c.phone, v.channel_account_id, a.address
			FROM messages m JOIN conversations v ON v.workspace_id = m.workspace_id AND v.id = m.conversation_id
			JOIN contacts c ON c.workspace_id = v.workspace_id AND c.id = v.contact_id
			JOIN contact_addresses a ON a.workspace_id = c.workspace_id AND a.contact_id = c.id AND a.channel = 'whatsapp'
			WHERE m.workspace_id = $1 AND m.direction = 'inbound'`, b.p.Workspace.ID).Scan(&body, &ext, &at, &name, &phone, &accountID, &address))
		require.Equal(t, "Hello, are you open on Saturday?", body)
		require.Equal(t, "3A0000000000000000A1", ext)
		require.Equal(t, "Ann Lee", name)
		require.Equal(t, "+447700900123", phone)
		require.Equal(t, customer+"@s.whatsapp.net", address)
		require.Equal(t, b.account.ID, accountID, "replies leave through the account the customer wrote to")
		require.True(t, at.Equal(time.Unix(1767225600, 0)), "stored at the message's time, got %s", at)
		require.Equal(t, []types.MessageID{"3A0000000000000000A1"}, c.readIDs(), "the customer sees it read")

		b.waitDraft(t, "sent")
		sent := b.wa.sentMessages()
		require.Len(t, sent, 1)
		require.Equal(t, types.NewJID(customer, types.DefaultUserServer), sent[0].To)
		require.NotEmpty(t, sent[0].Text)
		var outExt, outText string
		require.NoError(t, b.p.Pool.QueryRow(ctx, `SELECT external_id, text FROM messages WHERE workspace_id = $1 AND direction = 'outbound'`,
			b.p.Workspace.ID).Scan(&outExt, &outText))
		require.Equal(t, string(sent[0].ID), outExt, "the reply keeps WhatsApp's message id")
		require.Equal(t, sent[0].Text, outText)

		// The same message again (a redelivery after a lost acknowledgement).
		require.True(t, c.emit(evt))
		require.Equal(t, 1, b.inbound(t))
		require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM drafts WHERE workspace_id = $1`, b.p.Workspace.ID))
		require.Len(t, b.wa.sentMessages(), 1)
	})

	t.Run("VoiceNoteIsFetched", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		b.wa.addFile("/v/t62.7117-24/voice-1", ogg())
		require.True(t, c.emit(message("3A00000000000000VOICE", &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg; codecs=opus"), Seconds: proto.Uint32(3),
			DirectPath: proto.String("/v/t62.7117-24/voice-1"), MediaKey: make([]byte, 32),
			FileSHA256: make([]byte, 32), FileEncSHA256: make([]byte, 32), FileLength: proto.Uint64(uint64(len(ogg()))),
		}})))

		var status, kind, name, ctype string
		pipelinetest.Eventually(t, func() bool {
			err := b.p.Pool.QueryRow(context.Background(),
				`SELECT status, kind, file_name, content_type FROM attachments WHERE workspace_id = $1`,
				b.p.Workspace.ID).Scan(&status, &kind, &name, &ctype)
			return err == nil && status != "pending"
		}, "the voice note is fetched")
		require.Equal(t, "stored", status)
		require.Equal(t, "audio", kind)
		require.Equal(t, "voice-note.ogg", name)
		require.Contains(t, ctype, "audio/ogg")
	})

	t.Run("IgnoresGroupsStatusesAndOwnMessages", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		group := message("3A0000000000000GROUP", text("hello group"))
		group.Info.Chat, group.Info.IsGroup = types.NewJID("120363000000000000", types.GroupServer), true
		status := message("3A000000000000STATUS", text("my holiday"))
		status.Info.Chat = types.StatusBroadcastJID
		own := message("3EB00000000000000OWN", text("sent from the phone"))
		own.Info.IsFromMe = true
		sticker := message("3A00000000000STICKER", &waE2E.Message{StickerMessage: &waE2E.StickerMessage{}})
		for _, evt := range []*events.Message{group, status, own, sticker} {
			require.True(t, c.emit(evt), evt.Info.ID)
		}
		require.Equal(t, 0, b.inbound(t))
		require.Empty(t, c.readIDs())
	})

	t.Run("PrivacyIDSenderIsKnownByPhone", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		evt := message("3A00000000000000LID1", text("Can I book a cleaning?"))
		lid := types.NewJID("123456789012345", types.HiddenUserServer)
		evt.Info.Chat, evt.Info.Sender = lid, lid
		evt.Info.SenderAlt = types.NewJID(customer, types.DefaultUserServer)
		require.True(t, c.emit(evt))
		require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM contacts WHERE workspace_id = $1 AND phone = '+447700900123'`, b.p.Workspace.ID))
	})

	t.Run("FailedIngestIsRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		flaky := &flakyIngester{Ingester: b.p.Conv, failures: 2}
		b.ch.Conversations = flaky
		c := b.online(t)
		require.True(t, c.emit(message("3A000000000000FLAKY1", text("Hello?"))))
		require.Equal(t, 3, flaky.calls)
		require.Equal(t, 1, b.inbound(t))
	})

	t.Run("UnstoredMessageIsLeftForWhatsAppToResend", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		flaky := &flakyIngester{Ingester: b.p.Conv, failures: 3}
		b.ch.Conversations = flaky
		c := b.online(t)
		evt := message("3A000000000000FLAKY2", text("Hello?"))
		require.False(t, c.emit(evt), "not acknowledged")
		require.Empty(t, c.readIDs())
		// The device reconnects, and WhatsApp sends what was not acknowledged again.
		pipelinetest.Eventually(t, func() bool { return c.connectCount() == 2 && c.IsConnected() }, "the device reconnects")
		require.True(t, c.emit(evt))
		require.Equal(t, 1, b.inbound(t))
	})
}

// flakyIngester fails its first calls as a database that is away would.
type flakyIngester struct {
	whatsapp.Ingester
	failures, calls int
}

func (f *flakyIngester) Ingest(ctx context.Context, in channels.Inbound) (conversation.IngestResult, error) {
	f.calls++
	if f.calls <= f.failures {
		return conversation.IngestResult{}, errors.New("connection refused")
	}
	return f.Ingester.Ingest(ctx, in)
}
