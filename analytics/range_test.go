package analytics

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRange(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	now := time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC) // 00:30 on the 30th in London (BST)

	tests := []struct {
		name, from, to string
		wantFrom       string
		wantTo         string
		wantDays       int
		badField       string
	}{
		{name: "DefaultIsLast30LocalDays", wantFrom: "2026-03-01", wantTo: "2026-03-30", wantDays: 30},
		{name: "Explicit", from: "2026-03-28", to: "2026-03-30", wantFrom: "2026-03-28", wantTo: "2026-03-30", wantDays: 3},
		{name: "OnlyTo", to: "2026-02-28", wantFrom: "2026-01-30", wantTo: "2026-02-28", wantDays: 30},
		{name: "BadFrom", from: "28/03/2026", badField: "from"},
		{name: "BadTo", to: "tomorrow", badField: "to"},
		{name: "Reversed", from: "2026-03-30", to: "2026-03-01", badField: "from"},
		{name: "TooLong", from: "2024-01-01", to: "2026-01-01", badField: "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ParseRange(tt.from, tt.to, loc, now)
			if tt.badField != "" {
				require.Error(t, err)
				require.Contains(t, err.Error(), tt.badField+":")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantFrom, r.From.Format(time.DateOnly))
			require.Equal(t, tt.wantTo, r.To.Format(time.DateOnly))
			require.Len(t, r.days(), tt.wantDays)
		})
	}

	t.Run("InstantsFollowTheTimeZone", func(t *testing.T) {
		t.Parallel()
		r, err := ParseRange("2026-03-29", "2026-03-29", loc, now)
		require.NoError(t, err)
		start, end := r.instants()
		// The day the clocks go forward is 23 hours long.
		require.Equal(t, time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), start.UTC())
		require.Equal(t, 23*time.Hour, end.Sub(start))
	})
}
