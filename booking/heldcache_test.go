package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/internal/database"
)

// offered lists the starts store offers on 2 December as "15:04".
func (b *testBundle) offered(t *testing.T, store *booking.Store, db database.DBTX) []string {
	t.Helper()
	got, err := store.AvailableSlots(context.Background(), db, b.ws, b.loc, b.svc.ID, date(t, "2026-12-02"), date(t, "2026-12-02"), 0)
	require.NoError(t, err)
	out := []string{}
	for _, s := range got {
		out = append(out, s.Start.In(b.loc).Format("15:04"))
	}
	return out
}

// Two nodes each keep the held time they read; every change made anywhere (a booking on
// the other node, a cancellation, a move, a row written by hand) shows in the next
// search of both, and a booking rolled back never does.
func TestHeldTimeCacheSeesEveryChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	st, err := booking.NewStore()
	require.NoError(t, err)
	other := st.WithClock(func() time.Time { return b.now })

	require.Contains(t, b.offered(t, b.store, b.pool), "10:00")
	require.Contains(t, b.offered(t, other, b.pool), "10:00")

	a, err := other.Book(ctx, b.pool, booking.BookRequest{WorkspaceID: b.ws, ServiceID: b.svc.ID, ContactID: b.contact,
		Start: b.at(2, "10:00"), Location: b.loc})
	require.NoError(t, err)
	require.NotContains(t, b.offered(t, b.store, b.pool), "10:00", "booked on the other node")
	require.NotContains(t, b.offered(t, other, b.pool), "10:00")

	_, err = other.Reschedule(ctx, b.pool, b.ws, a.ID, b.loc, b.at(2, "14:00"))
	require.NoError(t, err)
	got := b.offered(t, b.store, b.pool)
	require.Contains(t, got, "10:00", "moved away")
	require.NotContains(t, got, "14:00", "moved here")

	_, err = other.Cancel(ctx, b.pool, b.ws, a.ID)
	require.NoError(t, err)
	require.Contains(t, b.offered(t, b.store, b.pool), "14:00", "cancelled")

	var res int64
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT id FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&res))
	insert := `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '30 minutes',
		        tstzrange($5::timestamptz, $5::timestamptz + interval '40 minutes'))`
	_, err = b.pool.Exec(ctx, insert, b.ws, res, b.svc.ID, b.contact, b.at(2, "11:00"))
	require.NoError(t, err)
	require.NotContains(t, b.offered(t, b.store, b.pool), "11:00", "a row written without the store")

	// A transaction sees its own uncommitted booking, and may fill the cache with it;
	// once it rolls back, the booking is offered again.
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, insert, b.ws, res, b.svc.ID, b.contact, b.at(2, "15:00"))
	require.NoError(t, err)
	require.NotContains(t, b.offered(t, b.store, tx), "15:00")
	require.NoError(t, tx.Rollback(ctx))
	require.Contains(t, b.offered(t, b.store, b.pool), "15:00", "rolled back")
}

// Only a change of held time gives a resource a new version: notes do not, a status
// does, and a bulk insert gives each resource one.
func TestHeldVersionMovesWithHeldTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	version := func() int64 {
		var v int64
		require.NoError(t, b.pool.QueryRow(ctx, "SELECT held_version FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&v))
		return v
	}
	v0 := version()
	a, err := b.book(t, b.at(2, "10:00"))
	require.NoError(t, err)
	v1 := version()
	require.Greater(t, v1, v0)
	_, err = b.pool.Exec(ctx, "UPDATE appointments SET notes = 'bring x-rays' WHERE id = $1", a.ID)
	require.NoError(t, err)
	require.Equal(t, v1, version(), "notes hold no time")
	_, err = b.pool.Exec(ctx, "UPDATE appointments SET status = 'completed' WHERE id = $1", a.ID)
	require.NoError(t, err)
	v2 := version()
	require.Greater(t, v2, v1)
	_, err = b.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		SELECT workspace_id, id, $2, $3, s, s + interval '30 minutes', tstzrange(s, s + interval '30 minutes')
		FROM resources, generate_series($4::timestamptz, $4::timestamptz + interval '5 hours', interval '1 hour') s
		WHERE workspace_id = $1 AND is_default`, b.ws, b.svc.ID, b.contact, b.at(7, "09:00"))
	require.NoError(t, err)
	require.Equal(t, v2+1, version(), "six rows in one statement, one new version")
}

// A booked span longer than the 32 hours the search's range scan assumes (possible only
// for rows from before that limit) still holds its time.
func TestLongHeldSpanFromBeforeTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	_, err := b.pool.Exec(ctx, "ALTER TABLE appointments DROP CONSTRAINT appointments_held_span")
	require.NoError(t, err)
	var res int64
	require.NoError(t, b.pool.QueryRow(ctx, "SELECT id FROM resources WHERE workspace_id = $1 AND is_default", b.ws).Scan(&res))
	// Held from Friday 27 November 09:00 to Wednesday 2 December 12:00: 123 hours.
	_, err = b.pool.Exec(ctx, `INSERT INTO appointments (workspace_id, resource_id, service_id, contact_id, starts_at, ends_at, during)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, tstzrange($5::timestamptz, $6::timestamptz))`,
		b.ws, res, b.svc.ID, b.contact, b.at(1, "09:00").AddDate(0, 0, -4), b.at(2, "12:00"))
	require.NoError(t, err)
	got := b.offered(t, b.store, b.pool)
	require.NotEmpty(t, got)
	require.Equal(t, "12:00", got[0], "held until noon by an appointment that began five days earlier")
	_, err = b.book(t, b.at(2, "10:00"))
	require.ErrorIs(t, err, booking.ErrSlotTaken)
}
