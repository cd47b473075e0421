package conversation

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPickSlot(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	slots := []time.Time{at(1, 9, 0), at(1, 15, 30), at(2, 11, 0)}
	for _, tc := range []struct {
		text string
		want time.Time
		ok   bool
	}{
		{"2", at(1, 15, 30), true},
		{"2 please", at(1, 15, 30), true},
		{"Option 3", at(2, 11, 0), true},
		{"the first one", at(1, 9, 0), true},
		{"the 3:30 one", at(1, 15, 30), true},
		{"15:30 works for me", at(1, 15, 30), true},
		{"11am is good", at(2, 11, 0), true},
		{"9.00 thanks", at(1, 9, 0), true},
		{"4", time.Time{}, false},
		{"I have 2 kids, is that ok?", time.Time{}, false},
		{"yes", time.Time{}, false},
		{"how about 10:15?", time.Time{}, false},
	} {
		got, ok := pickSlot(tc.text, slots)
		require.Equal(t, tc.ok, ok, tc.text)
		if ok {
			require.True(t, got.Equal(tc.want), "%s: got %s", tc.text, got)
		}
	}
	got, ok := pickSlot("Yes please", slots[:1])
	require.True(t, ok)
	require.True(t, got.Equal(at(1, 9, 0)))
}
