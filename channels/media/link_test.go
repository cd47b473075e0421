package media_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/media"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	l := media.NewLinks([]byte("0123456789abcdef0123456789abcdef"))
	tok := l.Token("ws/1/abc", now.Add(time.Hour))

	key, err := l.Open(tok, now)
	require.NoError(t, err)
	require.Equal(t, "ws/1/abc", key)

	_, err = l.Open(tok, now.Add(time.Hour))
	require.ErrorIs(t, err, media.ErrBadLink, "expired")
	other := media.NewLinks([]byte("ffffffffffffffffffffffffffffffff"))
	_, err = other.Open(tok, now)
	require.ErrorIs(t, err, media.ErrBadLink, "signed under another key")
	forged := other.Token("ws/2/abc", now.Add(time.Hour))
	_, err = l.Open(forged, now)
	require.ErrorIs(t, err, media.ErrBadLink, "forged")
	for _, bad := range []string{"", ".", "abc", tok + "x", "x" + tok} {
		_, err = l.Open(bad, now)
		require.ErrorIs(t, err, media.ErrBadLink, bad)
	}
}
