package ratelimit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := New(time.Hour, 3)
	for range 3 {
		ok, _ := l.Allow("a")
		require.True(t, ok)
	}
	ok, wait := l.Allow("a")
	require.False(t, ok)
	require.Greater(t, wait, 59*time.Minute)
	ok, _ = l.Allow("b")
	require.True(t, ok, "each key has its own bucket")
}
