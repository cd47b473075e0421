package secret

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBox(t *testing.T) {
	t.Parallel()
	b, err := NewBox([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	plain := []byte(`{"auth_token":"tok"}`)
	sealed, err := b.Seal(plain, []byte("account:1"))
	require.NoError(t, err)
	require.False(t, bytes.Contains(sealed, []byte("tok")), "the token is not readable in the sealed value")

	got, err := b.Open(sealed, []byte("account:1"))
	require.NoError(t, err)
	require.Equal(t, plain, got)

	_, err = b.Open(sealed, []byte("account:2"))
	require.Error(t, err, "a value moved to another account does not open")

	other, err := NewBox([]byte("another key, another key, another key"))
	require.NoError(t, err)
	_, err = other.Open(sealed, []byte("account:1"))
	require.Error(t, err, "another key does not open it")

	again, err := b.Seal(plain, []byte("account:1"))
	require.NoError(t, err)
	require.NotEqual(t, sealed, again, "each seal has its own nonce")

	none, err := NewBox(nil)
	require.NoError(t, err)
	_, err = none.Seal(plain, nil)
	require.ErrorIs(t, err, ErrNoKey)
}
