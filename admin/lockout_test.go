package admin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLockoutFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{1, 0}, {4, 0}, {5, 30 * time.Second}, {6, time.Minute}, {7, 2 * time.Minute},
		{11, 32 * time.Minute}, {12, time.Hour}, {40, time.Hour},
	} {
		require.Equal(t, tc.want, lockoutFor(tc.failures), "after %d failures", tc.failures)
	}
}
