package whatsapp_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

func (b *testBundle) file(t *testing.T, name, ctype string, body []byte) channels.File {
	t.Helper()
	f, err := b.p.Media.Put(context.Background(), b.p.Workspace.ID, name, ctype, bytes.NewReader(body))
	require.NoError(t, err)
	return channels.File{Key: f.Key, Name: f.Name, ContentType: f.ContentType, Kind: string(f.Kind), Size: f.Size,
		Open: func(ctx context.Context) (io.ReadCloser, error) { return b.p.Media.Reader(ctx, f.Key) }}
}

func TestSendFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.online(t)
	ctx := context.Background()
	pdf := append([]byte("%PDF-1.4\n"), make([]byte, 300)...)

	out := b.outbound()
	out.Text = "Here is the price list"
	out.Files = []channels.File{b.file(t, "prices.pdf", "application/pdf", pdf)}
	id, err := b.ch.Send(ctx, out)
	require.NoError(t, err)
	sent := b.wa.sentMessages()
	require.Len(t, sent, 1, "one document with the text as its caption")
	doc := sent[0].Msg.GetDocumentMessage()
	require.NotNil(t, doc)
	require.Equal(t, "Here is the price list", doc.GetCaption())
	require.Equal(t, "prices.pdf", doc.GetFileName())
	require.Equal(t, "application/pdf", doc.GetMimetype())
	require.Equal(t, pdf, b.wa.uploaded(doc.GetDirectPath()), "WhatsApp receives the file's bytes")
	require.Equal(t, uint64(len(pdf)), doc.GetFileLength())
	require.Equal(t, sent[0].ID, id)

	// A voice note cannot carry a caption: the text goes first, then the recording.
	voice := b.outbound()
	voice.IdempotencyKey = "43"
	voice.Files = []channels.File{b.file(t, "note.ogg", "audio/ogg", ogg())}
	id, err = b.ch.Send(ctx, voice)
	require.NoError(t, err)
	sent = b.wa.sentMessages()[1:]
	require.Len(t, sent, 2)
	require.Equal(t, voice.Text, sent[0].Text)
	require.Equal(t, sent[0].ID, id)
	audio := sent[1].Msg.GetAudioMessage()
	require.NotNil(t, audio)
	require.True(t, audio.GetPTT(), "an Ogg Opus recording plays as a voice note")
	require.Equal(t, ogg(), b.wa.uploaded(audio.GetDirectPath()))
	require.NotEqual(t, sent[0].ID, sent[1].ID)

	// A retry carries the same ids, so the phone shows each part once.
	_, err = b.ch.Send(ctx, voice)
	require.NoError(t, err)
	again := b.wa.sentMessages()[3:]
	require.Equal(t, sent[0].ID, again[0].ID)
	require.Equal(t, sent[1].ID, again[1].ID)
}
