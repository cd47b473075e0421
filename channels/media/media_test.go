package media

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A 1×1 PNG.
var png1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestPut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, "file://"+t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	// The bytes decide the type, whatever the sender claimed.
	f, err := s.Put(ctx, 7, "../../etc/photo.jpg", "application/pdf", bytes.NewReader(png1))
	require.NoError(t, err)
	require.Equal(t, "image/png", f.ContentType)
	require.Equal(t, Image, f.Kind)
	require.Equal(t, "photo.jpg", f.Name, "only the base of the name is kept")
	require.Equal(t, int64(len(png1)), f.Size)
	require.True(t, strings.HasPrefix(f.Key, "ws/7/"))

	r, err := s.Reader(ctx, f.Key)
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	require.Equal(t, png1, got)

	// Opus in Ogg, as WhatsApp voice notes arrive, is audio.
	ogg := append([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x13OpusHead"), make([]byte, 64)...)
	f, err = s.Put(ctx, 7, "", "audio/ogg; codecs=opus", bytes.NewReader(ogg))
	require.NoError(t, err)
	require.Equal(t, Audio, f.Kind, f.ContentType)

	_, err = s.Put(ctx, 7, "empty.txt", "text/plain", bytes.NewReader(nil))
	require.ErrorIs(t, err, ErrEmpty)

	s.Limits.Document = 10 << 10
	_, err = s.Put(ctx, 7, "big.txt", "text/plain", strings.NewReader(strings.Repeat("a", 11<<10)))
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorContains(t, err, "10 KB")

	require.NoError(t, s.Delete(ctx, f.Key))
	_, err = s.Reader(ctx, f.Key)
	require.ErrorIs(t, err, ErrNotFound)
}
