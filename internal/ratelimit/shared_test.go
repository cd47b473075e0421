package ratelimit_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
)

// Two nodes' limiters on one database share each key's allowance, exactly, even when
// they race for it.
func TestSharedAcrossNodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	a, err := ratelimit.NewShared(pool, time.Hour, 5)
	require.NoError(t, err)
	b, err := ratelimit.NewShared(pool, time.Hour, 5)
	require.NoError(t, err)

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Go(func() {
			ok, _, err := l.Allow(ctx, "account:1")
			require.NoError(t, err)
			if ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, 5, allowed.Load(), "the burst is shared, not five per node")

	ok, wait, err := b.Allow(ctx, "account:1")
	require.NoError(t, err)
	require.False(t, ok)
	require.InDelta(t, time.Hour.Seconds(), wait.Seconds(), 5, "the next one is an interval away")

	ok, _, err = a.Allow(ctx, "account:2")
	require.NoError(t, err)
	require.True(t, ok, "another key has its own allowance")
}

// After the burst, one action per interval, whichever node asks.
func TestSharedRefills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	a, err := ratelimit.NewShared(pool, 300*time.Millisecond, 1)
	require.NoError(t, err)
	b, err := ratelimit.NewShared(pool, 300*time.Millisecond, 1)
	require.NoError(t, err)
	ok, _, err := a.Allow(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	ok, wait, err := b.Allow(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)
	require.Greater(t, wait, 100*time.Millisecond)
	require.LessOrEqual(t, wait, 300*time.Millisecond)
	time.Sleep(wait + 20*time.Millisecond)
	ok, _, err = b.Allow(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok, "room again after the interval")
}
