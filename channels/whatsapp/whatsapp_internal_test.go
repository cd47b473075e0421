package whatsapp

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
)

func TestInboundMapping(t *testing.T) {
	t.Parallel()
	a := accounts.Account{ID: 3, WorkspaceID: 9}
	ann := types.NewJID("447700900123", types.DefaultUserServer)
	msg := func(m *waE2E.Message) *events.Message {
		return &events.Message{Info: types.MessageInfo{
			MessageSource: types.MessageSource{Chat: ann, Sender: ann}, ID: "ABC", PushName: " Ann ", Timestamp: time.Unix(1767225600, 0),
		}, Message: m}
	}
	path, key, sha, enc, size := "/v/t62/file", []byte("key"), []byte("sha"), []byte("enc"), proto.Uint64(10)

	for _, tc := range []struct {
		name     string
		m        *waE2E.Message
		text     string
		file     string
		ctype    string
		kind     string
		skipped  bool
		modified func(*events.Message)
	}{
		{name: "Text", m: &waE2E.Message{Conversation: proto.String("Hi")}, text: "Hi"},
		{name: "ExtendedText", m: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String("See https://example.com")}}, text: "See https://example.com"},
		{name: "VoiceNote", m: &waE2E.Message{AudioMessage: &waE2E.AudioMessage{PTT: proto.Bool(true), Mimetype: proto.String("audio/ogg"),
			DirectPath: &path, MediaKey: key, FileSHA256: sha, FileEncSHA256: enc, FileLength: size}},
			file: "voice-note.ogg", ctype: "audio/ogg; codecs=opus", kind: mediaAudio},
		{name: "Audio", m: &waE2E.Message{AudioMessage: &waE2E.AudioMessage{Mimetype: proto.String("audio/mpeg"),
			DirectPath: &path, MediaKey: key}}, file: "audio.mp3", ctype: "audio/mpeg", kind: mediaAudio},
		{name: "PhotoWithCaption", m: &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("Look"),
			DirectPath: &path, MediaKey: key}}, text: "Look", file: "photo.jpg", ctype: "image/jpeg", kind: mediaImage},
		{name: "Document", m: &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{FileName: proto.String("referral.pdf"),
			Mimetype: proto.String("application/pdf"), DirectPath: &path, MediaKey: key}}, file: "referral.pdf", ctype: "application/pdf", kind: mediaDocument},
		{name: "DocumentWithoutName", m: &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			Mimetype: proto.String("application/pdf"), DirectPath: &path, MediaKey: key}}, file: "document.pdf", ctype: "application/pdf", kind: mediaDocument},
		{name: "Video", m: &waE2E.Message{VideoMessage: &waE2E.VideoMessage{Mimetype: proto.String("video/mp4"),
			DirectPath: &path, MediaKey: key}}, file: "video.mp4", ctype: "video/mp4", kind: mediaVideo},
		{name: "VideoNote", m: &waE2E.Message{PtvMessage: &waE2E.VideoMessage{DirectPath: &path, MediaKey: key}},
			file: "video.mp4", ctype: "video/mp4", kind: mediaVideo},
		{name: "Sticker", m: &waE2E.Message{StickerMessage: &waE2E.StickerMessage{DirectPath: &path, MediaKey: key}}, skipped: true},
		{name: "Reaction", m: &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{Text: proto.String("👍")}}, skipped: true},
		{name: "Edit", m: &waE2E.Message{Conversation: proto.String("Hi!")}, skipped: true,
			modified: func(e *events.Message) { e.IsEdit = true }},
		{name: "Group", m: &waE2E.Message{Conversation: proto.String("Hi")}, skipped: true,
			modified: func(e *events.Message) {
				e.Info.Chat, e.Info.IsGroup = types.NewJID("1203630", types.GroupServer), true
			}},
		{name: "Status", m: &waE2E.Message{Conversation: proto.String("Hi")}, skipped: true,
			modified: func(e *events.Message) { e.Info.Chat = types.StatusBroadcastJID }},
		{name: "Channel", m: &waE2E.Message{Conversation: proto.String("News")}, skipped: true,
			modified: func(e *events.Message) { e.Info.Chat = types.NewJID("1203631", types.NewsletterServer) }},
		{name: "FromMe", m: &waE2E.Message{Conversation: proto.String("Hi")}, skipped: true,
			modified: func(e *events.Message) { e.Info.IsFromMe = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := msg(tc.m)
			if tc.modified != nil {
				tc.modified(e)
			}
			in, skip := inbound(a, e, ann)
			if tc.skipped {
				require.NotEmpty(t, skip)
				return
			}
			require.Empty(t, skip)
			require.Equal(t, channels.WhatsApp, in.Channel)
			require.Equal(t, int64(9), in.WorkspaceID)
			require.Equal(t, int64(3), in.AccountID)
			require.Equal(t, "ABC", in.ExternalID)
			require.Equal(t, "447700900123@s.whatsapp.net", in.Address)
			require.Equal(t, "+447700900123", in.Phone)
			require.Equal(t, "Ann", in.Name)
			require.Equal(t, tc.text, in.Text)
			if tc.file == "" {
				require.Empty(t, in.Attachments)
				return
			}
			require.Len(t, in.Attachments, 1)
			att := in.Attachments[0]
			require.Equal(t, tc.file, att.Name)
			require.Equal(t, tc.ctype, att.ContentType)
			src, err := decodeMedia(att.Source)
			require.NoError(t, err)
			require.Equal(t, tc.kind, src.Type)
			require.Equal(t, path, src.DirectPath)
			require.Equal(t, key, src.MediaKey)
		})
	}

	t.Run("PrivacyIDWithoutPhone", func(t *testing.T) {
		t.Parallel()
		lid := types.NewJID("123456789012345", types.HiddenUserServer)
		e := msg(&waE2E.Message{Conversation: proto.String("Hi")})
		e.Info.Chat, e.Info.Sender = lid, lid
		in, skip := inbound(a, e, lid)
		require.Empty(t, skip)
		require.Equal(t, "123456789012345@lid", in.Address)
		require.Empty(t, in.Phone)
	})
}

func TestMediaRebuildsTheMessage(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]whatsmeow.MediaType{
		mediaAudio: whatsmeow.MediaAudio, mediaImage: whatsmeow.MediaImage,
		mediaVideo: whatsmeow.MediaVideo, mediaDocument: whatsmeow.MediaDocument,
	} {
		m := media{Type: kind, DirectPath: "/v/x", URL: "https://mmg.whatsapp.net/v/x", MediaKey: []byte("k"),
			FileSHA256: []byte("s"), FileEncSHA256: []byte("e"), FileLength: 5, Mimetype: "x/y"}
		back, err := decodeMedia(m.encode())
		require.NoError(t, err)
		require.Equal(t, m, back)

		msg, err := back.message(false)
		require.NoError(t, err)
		require.Equal(t, want, whatsmeow.GetMediaType(msg), "its type names the keys that decrypt it")
		require.Equal(t, "/v/x", msg.GetDirectPath())
		require.Equal(t, []byte("k"), msg.GetMediaKey())
		require.Empty(t, msg.(interface{ GetURL() string }).GetURL(), "a connected client finds the file by path")
		withURL, err := back.message(true)
		require.NoError(t, err)
		require.Equal(t, m.URL, withURL.(interface{ GetURL() string }).GetURL())
	}
	for _, bad := range []string{"", "{}", `{"type":"image","media_key":"aw=="}`, "file-id-from-telegram"} {
		_, err := decodeMedia(bad)
		require.Error(t, err, bad)
	}
	_, err := media{Type: "sticker"}.message(false)
	require.Error(t, err)
}

func TestParseAddress(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"447700900123@s.whatsapp.net":    "447700900123@s.whatsapp.net",
		"447700900123:7@s.whatsapp.net":  "447700900123@s.whatsapp.net",
		"123456789012345@lid":            "123456789012345@lid",
		"+447700900123":                  "447700900123@s.whatsapp.net",
		"whatsapp:+447700900123":         "447700900123@s.whatsapp.net",
		"120363000000000000@g.us":        "",
		"status@broadcast":               "",
		"ann@example.com":                "",
		"@s.whatsapp.net":                "",
		"12345":                          "",
		"+44 7700 900123":                "",
		"447700900123@s.whatsapp.net.uk": "",
	} {
		jid, err := parseAddress(addr)
		if want == "" {
			require.Error(t, err, addr)
			continue
		}
		require.NoError(t, err, addr)
		require.Equal(t, want, jid.String(), addr)
	}
}

func TestSendError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err        error
		permanent  bool
		retryAfter time.Duration
	}{
		{err: whatsmeow.ErrNotConnected},
		{err: whatsmeow.ErrMessageTimedOut},
		{err: whatsmeow.ErrIQTimedOut},
		{err: whatsmeow.ErrRecipientADJID, permanent: true},
		{err: fmt.Errorf("%w %s", whatsmeow.ErrUnknownServer, "g.us"), permanent: true},
		{err: fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 406), permanent: true},
		{err: fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 429), retryAfter: time.Minute},
		{err: fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 500)},
		{err: errors.New("no LID found for 447700900000@s.whatsapp.net from server"), permanent: true},
	} {
		got := sendError(tc.err)
		require.ErrorIs(t, got, tc.err)
		require.Equal(t, tc.permanent, channels.IsPermanent(got), "%v", tc.err)
		ra, ok := errors.AsType[*channels.RetryAfterError](got)
		require.Equal(t, tc.retryAfter > 0, ok, "%v", tc.err)
		if ok {
			require.Equal(t, tc.retryAfter, ra.After)
		}
	}
}

func TestDownloadError(t *testing.T) {
	t.Parallel()
	for err, permanent := range map[error]bool{
		whatsmeow.ErrMediaDownloadFailedWith404: true,
		whatsmeow.ErrMediaDownloadFailedWith410: true,
		whatsmeow.ErrInvalidMediaHMAC:           true,
		whatsmeow.ErrFileLengthMismatch:         true,
		whatsmeow.ErrNotConnected:               false,
		errors.New("dial tcp: i/o timeout"):     false,
	} {
		require.Equal(t, permanent, channels.IsPermanent(downloadError(err)), "%v", err)
	}
}

func TestMessageIDIsStable(t *testing.T) {
	t.Parallel()
	out := channels.Outbound{WorkspaceID: 1, ConversationID: 2, IdempotencyKey: "draft-3"}
	id := messageID(out)
	require.Equal(t, id, messageID(out))
	require.Regexp(t, `^3EB0[0-9A-F]{18}$`, id)
	out.ConversationID = 4
	require.NotEqual(t, id, messageID(out))
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	var wait time.Duration
	var got []time.Duration
	for range 9 {
		wait = backoff(wait)
		got = append(got, wait)
	}
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, maxBackoff, maxBackoff}, got)
}
