package gcal

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
)

// staffBundle is the Check-up performed by Dr Lee and Dr Kim alone, each with a Google
// calendar of their own.
type staffBundle struct {
	*testBundle
	lee, kim int64
	day      time.Time
	log      *bytes.Buffer
}

func setupStaff(t *testing.T) *staffBundle {
	t.Helper()
	ctx := context.Background()
	b := &staffBundle{testBundle: setup(t), day: time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC), log: &bytes.Buffer{}}
	b.g.Log = slog.New(slog.NewTextHandler(b.log, nil))
	b.connect(t)
	all, err := b.bk.Resources(ctx, b.pool, b.ws)
	require.NoError(t, err)
	for _, who := range []struct {
		id       *int64
		name, at string
	}{{&b.lee, "Dr Lee", "lee@example.com"}, {&b.kim, "Dr Kim", "kim@example.com"}} {
		r, err := b.bk.CreateResource(ctx, b.pool, b.ws, booking.Resource{Name: who.name, Kind: booking.KindStaff})
		require.NoError(t, err)
		require.NoError(t, b.bk.SetResourceServices(ctx, b.pool, b.ws, r.ID, []int64{b.serviceID}))
		require.NoError(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, r.ID, who.at))
		*who.id = r.ID
	}
	require.True(t, all[0].IsDefault)
	require.NoError(t, b.bk.SetResourceServices(ctx, b.pool, b.ws, all[0].ID, nil))
	return b
}

// slots maps each offered start on Monday 14 December ("15:04", New York) to the
// resource it is offered on, after the refresh a slot search makes.
func (b *staffBundle) slots(t *testing.T) map[string]int64 {
	t.Helper()
	slots, err := b.bk.AvailableSlots(context.Background(), b.pool, b.ws, b.ny, b.serviceID, b.day, b.day, 0)
	require.NoError(t, err)
	out := map[string]int64{}
	for _, s := range slots {
		out[s.Start.In(b.ny).Format("15:04")] = s.ResourceID
	}
	return out
}

// stale makes the next slot search ask Google again.
func (b *staffBundle) stale(t *testing.T) {
	t.Helper()
	_, err := b.pool.Exec(context.Background(), `UPDATE calendar_connections SET busy_refreshed_at = $2 WHERE workspace_id = $1`, b.ws, now.Add(-time.Hour))
	require.NoError(t, err)
}

// busyOf lists the cached busy times of a resource (0: the business's calendar) as
// New York "15:04-15:04".
func (b *staffBundle) busyOf(t *testing.T, resource int64) []string {
	t.Helper()
	rows, err := b.pool.Query(context.Background(), `SELECT starts_at, ends_at FROM calendar_busy WHERE workspace_id = $1 AND resource_id = $2 ORDER BY starts_at`, b.ws, resource)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s, e time.Time
		require.NoError(t, rows.Scan(&s, &e))
		out = append(out, s.In(b.ny).Format("15:04")+"-"+e.In(b.ny).Format("15:04"))
	}
	require.NoError(t, rows.Err())
	return out
}

func (b *staffBundle) refreshedAt(t *testing.T) time.Time {
	t.Helper()
	c, err := b.g.Connection(context.Background(), b.ws)
	require.NoError(t, err)
	require.NotNil(t, c.BusyRefreshedAt)
	return *c.BusyRefreshedAt
}

// A staff calendar Google will not read leaves the others refreshed: Dr Lee's is
// unshared, Dr Kim's moves from 10:00 to 11:00. Dr Lee's last known 10:00–12:00 stays,
// so 10:00 is offered on Dr Kim and 11:00 on nobody; the owner sees why, since when;
// it clears once Google reads it again.
func TestUnreadableStaffCalendar(t *testing.T) {
	t.Parallel()
	b := setupStaff(t)
	ctx := context.Background()
	// 15:00 in New York, on the business's calendar: it holds both.
	b.fake.Busy = [][2]string{{"2026-12-14T20:00:00Z", "2026-12-14T20:30:00Z"}}
	b.fake.BusyOf = map[string][][2]string{
		"lee@example.com": {{"2026-12-14T15:00:00Z", "2026-12-14T17:00:00Z"}},
		"kim@example.com": {{"2026-12-14T15:00:00Z", "2026-12-14T16:00:00Z"}},
	}
	got := b.slots(t)
	require.NotContains(t, got, "10:00", "both are busy at 10:00")
	require.Equal(t, b.kim, got["11:00"], "Dr Lee is busy till 12:00")
	require.NotContains(t, got, "15:00", "the business's calendar holds everyone")
	require.Equal(t, []string{"10:00-12:00"}, b.busyOf(t, b.lee))

	b.fake.FailCalendar("lee@example.com", "notFound")
	b.fake.BusyOf = map[string][][2]string{
		"lee@example.com": {{"2026-12-14T20:00:00Z", "2026-12-14T21:00:00Z"}}, // not to be read
		"kim@example.com": {{"2026-12-14T16:00:00Z", "2026-12-14T17:00:00Z"}},
	}
	b.fake.Busy = [][2]string{{"2026-12-14T21:00:00Z", "2026-12-14T21:30:00Z"}}
	b.stale(t)
	got = b.slots(t)
	require.Len(t, b.requests("POST", "/freeBusy"), 2)
	require.Equal(t, b.kim, got["10:00"], "Dr Kim's old busy hour is gone")
	require.NotContains(t, got, "11:00", "Dr Kim's new busy hour and Dr Lee's last known one")
	require.Contains(t, got, "15:00", "the business's calendar was read: its old busy time is gone")
	require.NotContains(t, got, "16:00")
	require.Equal(t, []string{"10:00-12:00"}, b.busyOf(t, b.lee), "Dr Lee's last known busy times stay")
	require.Equal(t, []string{"11:00-12:00"}, b.busyOf(t, b.kim))
	require.Equal(t, []string{"16:00-16:30"}, b.busyOf(t, 0))

	c, err := b.g.Connection(ctx, b.ws)
	require.NoError(t, err)
	require.Equal(t, "active", c.Status, "the connection itself is fine")
	require.Empty(t, c.LastError)
	refreshed := b.refreshedAt(t)
	require.True(t, refreshed.After(now.Add(-time.Minute)), "the refresh is done: the next search does not ask again")
	bad, err := b.g.UnreadableCalendars(ctx, b.ws)
	require.NoError(t, err)
	require.Len(t, bad, 1)
	require.Equal(t, b.lee, bad[0].ResourceID)
	require.Equal(t, "Dr Lee", bad[0].Name)
	require.Equal(t, "lee@example.com", bad[0].CalendarID)
	require.Contains(t, bad[0].Error, "notFound")
	require.Contains(t, bad[0].Error, "not shared with the connected Google account")
	since := bad[0].Since
	require.WithinDuration(t, refreshed, since, time.Second)
	require.Contains(t, b.log.String(), "level=WARN")
	require.Contains(t, b.log.String(), "resource_id="+strconv.FormatInt(b.lee, 10))
	require.Contains(t, b.log.String(), "calendar_id=lee@example.com")

	t.Run("StillUnreadableKeepsSince", func(t *testing.T) {
		b.stale(t)
		b.slots(t)
		require.Len(t, b.requests("POST", "/freeBusy"), 3)
		bad, err := b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Len(t, bad, 1)
		require.True(t, since.Equal(bad[0].Since), "since the first failure")
		require.Equal(t, []string{"10:00-12:00"}, b.busyOf(t, b.lee))
	})

	t.Run("SavingTheSameCalendarKeepsTheError", func(t *testing.T) {
		require.NoError(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, b.lee, "lee@example.com"))
		bad, err := b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Len(t, bad, 1)
		require.NoError(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, b.lee, "lee.new@example.com"))
		bad, err = b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Empty(t, bad, "another calendar's error is not this one's")
		require.NoError(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, b.lee, "lee@example.com"))
	})

	t.Run("ReadableAgainClears", func(t *testing.T) {
		b.fake.FailCalendar("lee@example.com", "")
		b.stale(t)
		got := b.slots(t)
		bad, err := b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Empty(t, bad)
		require.Equal(t, []string{"15:00-16:00"}, b.busyOf(t, b.lee), "his calendar as Google has it now")
		require.Equal(t, b.lee, got["11:00"])
		require.Equal(t, b.kim, got["15:00"])
	})

	t.Run("BusinessCalendarUnreadableFailsTheRefresh", func(t *testing.T) {
		b.fake.FailCalendar("primary", "notFound")
		b.fake.BusyOf["kim@example.com"] = [][2]string{{"2026-12-14T18:00:00Z", "2026-12-14T19:00:00Z"}}
		b.stale(t)
		err := b.g.RefreshBusy(ctx, b.ws)
		require.ErrorContains(t, err, `google could not read calendar "primary": notFound`)
		c, err := b.g.Connection(ctx, b.ws)
		require.NoError(t, err)
		require.Equal(t, "error", c.Status)
		require.Contains(t, c.LastError, `"primary": notFound`)
		require.True(t, c.BusyRefreshedAt.Equal(now.Add(-time.Hour)), "not refreshed: the next search asks again")
		require.Equal(t, []string{"16:00-16:30"}, b.busyOf(t, 0), "the business's last known busy times stay")
		require.Equal(t, []string{"13:00-14:00"}, b.busyOf(t, b.kim), "the staff calendars read are stored")
		bad, err := b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Empty(t, bad, "the business's calendar is the connection's error, not a resource's")

		b.fake.FailCalendar("primary", "")
		require.NoError(t, b.g.RefreshBusy(ctx, b.ws))
		c, err = b.g.Connection(ctx, b.ws)
		require.NoError(t, err)
		require.Equal(t, "active", c.Status)
		require.Equal(t, []string{"16:00-16:30"}, b.busyOf(t, 0))
	})

	t.Run("DisconnectForgetsTheErrors", func(t *testing.T) {
		b.fake.FailCalendar("kim@example.com", "notFound")
		b.stale(t)
		b.slots(t)
		bad, err := b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Len(t, bad, 1)
		require.NoError(t, b.g.Disconnect(ctx, b.ws))
		bad, err = b.g.UnreadableCalendars(ctx, b.ws)
		require.NoError(t, err)
		require.Empty(t, bad)
	})
}
