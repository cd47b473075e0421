package whatsapp_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// jpeg is the start of a JPEG file.
func jpeg() []byte { return append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...) }

func photo(directPath string) *waE2E.Message {
	return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Caption: proto.String("Is this swelling normal?"), Mimetype: proto.String("image/jpeg"),
		URL:        proto.String("https://mmg.whatsapp.net" + directPath + "?oe=6A000000"),
		DirectPath: proto.String(directPath), MediaKey: make([]byte, 32),
		FileSHA256: make([]byte, 32), FileEncSHA256: make([]byte, 32), FileLength: proto.Uint64(uint64(len(jpeg()))),
	}}
}

// attachment waits for the message's one attachment to leave 'pending'.
func (b *testBundle) attachment(t *testing.T) (status, source, reason string) {
	t.Helper()
	pipelinetest.Eventually(t, func() bool {
		err := b.p.Pool.QueryRow(context.Background(),
			`SELECT status, source, error FROM attachments WHERE workspace_id = $1`, b.p.Workspace.ID).Scan(&status, &source, &reason)
		return err == nil && status != "pending"
	}, "the attachment is fetched")
	return status, source, reason
}

func TestFetch(t *testing.T) {
	t.Parallel()

	t.Run("PhotoWithCaption", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		b.wa.addFile("/v/t62.7118-24/photo-1", jpeg())
		require.True(t, c.emit(message("3A00000000000000PHOTO", photo("/v/t62.7118-24/photo-1"))))
		status, _, _ := b.attachment(t)
		require.Equal(t, "stored", status)
		require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM messages WHERE workspace_id = $1 AND text = 'Is this swelling normal?'`, b.p.Workspace.ID))
		require.Equal(t, 1, b.p.Count(t, `SELECT count(*) FROM attachments WHERE workspace_id = $1 AND kind = 'image' AND file_name = 'photo.jpg'`, b.p.Workspace.ID))
	})

	t.Run("ExpiredMediaFailsAtOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		b.wa.failFetches(whatsmeow.ErrMediaDownloadFailedWith410)
		require.True(t, c.emit(message("3A0000000000000GONE1", photo("/v/t62.7118-24/gone"))))
		status, source, reason := b.attachment(t)
		require.Equal(t, "failed", status)
		require.Contains(t, reason, "no longer has the file")

		_, _, err := b.ch.Fetch(context.Background(), b.account.ID, source)
		require.True(t, channels.IsPermanent(err), "%v", err)
		_, _, err = b.ch.Fetch(context.Background(), b.account.ID, "not json")
		require.True(t, channels.IsPermanent(err), "%v", err)
	})

	t.Run("OnANodeWithoutTheDevice", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		// Not there at first: the attachment fails, and keeps its reference.
		require.True(t, c.emit(message("3A0000000000000LATER", photo("/v/t62.7118-24/later"))))
		_, source, _ := b.attachment(t)
		b.wa.addFile("/v/t62.7118-24/later", jpeg())

		elsewhere := newChannel(t, b.p, b.wa, "node-2")
		body, ctype, err := elsewhere.Fetch(context.Background(), b.account.ID, source)
		require.NoError(t, err)
		got, err := io.ReadAll(body)
		require.NoError(t, err)
		require.NoError(t, body.Close())
		require.Equal(t, jpeg(), got)
		require.Equal(t, "image/jpeg", ctype)
		require.Len(t, b.wa.online(b.jid), 1, "fetching did not connect the device a second time")
	})
}
