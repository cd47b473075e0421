package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

func TestHours(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var ws int64
	require.NoError(t, pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ('a-biz', 'A') RETURNING id").Scan(&ws))
	st, err := booking.NewStore()
	require.NoError(t, err)

	require.NoError(t, st.SetHours(ctx, pool, ws, []booking.Window{
		{Weekday: time.Monday, Opens: "09:00", Closes: "12:00"},
		{Weekday: time.Monday, Opens: "13:00", Closes: "17:30"},
	}))
	hours, err := st.Hours(ctx, pool, ws)
	require.NoError(t, err)
	require.Len(t, hours[time.Monday], 2)
	require.Equal(t, "13:00–17:30", hours[time.Monday][1].String())
	require.Empty(t, hours[time.Sunday])

	err = st.SetHours(ctx, pool, ws, []booking.Window{{Weekday: time.Tuesday, Opens: "17:00", Closes: "09:00"}})
	require.Error(t, err, "closing before opening is refused by the database")
}
