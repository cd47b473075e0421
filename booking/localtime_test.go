package booking

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The day's fast path (offsets looked up once a day) finds the same instants as
// wallInstants, which probes each wall time on its own, on every day around changes
// of offset: an hour either way, Lord Howe's half hour, and the day Samoa skipped.
func TestLocalDayMatchesWallInstants(t *testing.T) {
	for _, c := range []struct {
		zone  string
		first string
	}{
		{"America/New_York", "2026-03-05"}, {"America/New_York", "2026-10-28"},
		{"Europe/London", "2026-03-25"}, {"Europe/London", "2026-10-21"},
		{"Australia/Lord_Howe", "2026-03-31"}, {"Australia/Lord_Howe", "2026-09-30"},
		{"Pacific/Apia", "2011-12-26"},
	} {
		loc, err := time.LoadLocation(c.zone)
		require.NoError(t, err)
		first, err := ParseDate(c.first)
		require.NoError(t, err)
		varied := 0
		for day := first; day.Before(first.AddDate(0, 0, 10)); day = day.AddDate(0, 0, 1) {
			local := newLocalDay(loc, day)
			for tod := TimeOfDay(0); tod <= EndOfDay; tod += 5 {
				want, wn := wallInstants(loc, day, tod)
				got, gn := local.instants(tod)
				require.Equal(t, wn, gn, "%s %s %s", c.zone, day.Format(time.DateOnly), tod)
				for i := range wn {
					require.Equal(t, want[i].UnixNano(), got[i], "%s %s %s", c.zone, day.Format(time.DateOnly), tod)
				}
				if wn != 1 {
					varied++
				}
			}
		}
		require.Positive(t, varied, "%s from %s: the ten days hold a change of offset", c.zone, c.first)
	}
}
