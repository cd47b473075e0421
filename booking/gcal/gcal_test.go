package gcal

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal/gcaltest"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/secret"
)

// now is Monday 7 December 2026, 08:00 in New York.
var now = time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // the tests' fixed clock

type notes struct {
	mu     sync.Mutex
	titles []string
}

func (n *notes) Notify(_ context.Context, _ int64, _, title string, _ int64) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.titles = append(n.titles, title)
	return nil
}

func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.titles...)
}

type testBundle struct {
	pool      *pgxpool.Pool
	g         *Sync
	bk        *booking.Store
	fake      *gcaltest.Fake
	notes     *notes
	ny        *time.Location
	ws        int64
	serviceID int64
	contactID int64
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	b := &testBundle{pool: dbtest.New(t), fake: gcaltest.New(t), notes: &notes{}}
	var err error
	b.ny, err = time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// The clock runs from now, so changes here and in Google are ordered as they happen.
	began := time.Now()
	clock := func() time.Time { return now.Add(time.Since(began)) }
	b.fake.Now = clock
	bk, err := booking.NewStore()
	require.NoError(t, err)
	b.bk = bk.WithClock(clock)
	box, err := secret.NewBox([]byte("gcal-test-secret-key-0123456789abcdef"))
	require.NoError(t, err)
	log := slog.New(slog.DiscardHandler)
	b.g, err = New(Options{
		Pool: b.pool, Box: box, Booking: b.bk, Notify: b.notes, Log: log, Now: clock,
		Config: Config{
			ClientID: "client-id", ClientSecret: "client-secret", RedirectURL: "http://127.0.0.1:8080/admin/calendar/google/callback",
			AuthURL: b.fake.Server.URL + "/auth", TokenURL: b.fake.TokenURL(), APIEndpoint: b.fake.Endpoint(),
		},
	})
	require.NoError(t, err)
	b.bk.OnChange(b.g)
	b.bk.UseBusy(b.g, log)
	workers := river.NewWorkers()
	b.g.AddWorkers(workers)
	client, err := river.NewClient(riverpgxv5.New(b.pool), &river.Config{Workers: workers, Logger: log})
	require.NoError(t, err)
	b.g.Attach(client)

	require.NoError(t, b.pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name, timezone) VALUES ('gcal', 'Bright Smile', 'America/New_York') RETURNING id`).Scan(&b.ws))
	require.NoError(t, b.pool.QueryRow(ctx, `INSERT INTO contacts (workspace_id, phone, name) VALUES ($1, '+12125550123', 'Jane Doe') RETURNING id`, b.ws).Scan(&b.contactID))
	require.NoError(t, b.bk.SetHours(ctx, b.pool, b.ws, []booking.Window{{Weekday: time.Monday, Opens: "09:00", Closes: "17:00"}}))
	sv, err := b.bk.CreateService(ctx, b.pool, b.ws, booking.Service{Name: "Check-up", DurationMinutes: 30})
	require.NoError(t, err)
	b.serviceID = sv.ID
	return b
}

func (b *testBundle) connect(t *testing.T) {
	t.Helper()
	require.NoError(t, b.g.Connect(context.Background(), b.ws, "good-code", ""))
}

// at is a local time in New York on Monday 14 December 2026.
func (b *testBundle) at(hour, minute int) time.Time {
	return time.Date(2026, 12, 14, hour, minute, 0, 0, b.ny)
}

func (b *testBundle) book(t *testing.T, start time.Time) booking.Appointment {
	t.Helper()
	a, err := b.bk.Book(context.Background(), b.pool, booking.BookRequest{
		WorkspaceID: b.ws, ServiceID: b.serviceID, ContactID: b.contactID, Start: start, Location: b.ny,
	})
	require.NoError(t, err)
	return a
}

// pushAll works the queued push jobs, as a River worker would, and removes them.
func (b *testBundle) pushAll(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	rows, err := b.pool.Query(ctx, `DELETE FROM river_job WHERE kind = 'gcal_push' RETURNING args`)
	require.NoError(t, err)
	var jobs []PushArgs
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var a PushArgs
		require.NoError(t, json.Unmarshal(raw, &a))
		jobs = append(jobs, a)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, jobs, "a push job was queued")
	for _, a := range jobs {
		require.NoError(t, (&pushWorker{g: b.g}).Work(ctx, &river.Job[PushArgs]{JobRow: &rivertype.JobRow{}, Args: a}))
	}
}

func (b *testBundle) requests(method, pathPart string) []gcaltest.Request {
	var out []gcaltest.Request
	for _, r := range b.fake.Requests() {
		if r.Method == method && strings.Contains(r.Path, pathPart) {
			out = append(out, r)
		}
	}
	return out
}

func (b *testBundle) appointment(t *testing.T, id int64) booking.Appointment {
	t.Helper()
	a, err := b.bk.Appointment(context.Background(), b.pool, b.ws, id)
	require.NoError(t, err)
	return a
}

func TestConnect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	u := b.g.AuthCodeURL("state-123")
	require.Contains(t, u, "state=state-123")
	require.Contains(t, u, "access_type=offline")
	require.Contains(t, u, "redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fadmin%2Fcalendar%2Fgoogle%2Fcallback")

	require.Error(t, b.g.Connect(ctx, b.ws, "bad-code", ""), "a code Google refuses connects nothing")
	_, err := b.g.Connection(ctx, b.ws)
	require.ErrorIs(t, err, ErrNotConnected)

	b.connect(t)
	c, err := b.g.Connection(ctx, b.ws)
	require.NoError(t, err)
	require.Equal(t, "primary", c.CalendarID)
	require.NotContains(t, string(c.token), "refresh-1", "the token is sealed at rest")
	var queued int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'gcal_sync'`).Scan(&queued))
	require.Equal(t, 1, queued, "the first sync is queued")

	require.NoError(t, b.g.SetCalendar(ctx, b.ws, "team@example.com"))
	c, err = b.g.Connection(ctx, b.ws)
	require.NoError(t, err)
	require.Equal(t, "team@example.com", c.CalendarID)

	require.NoError(t, b.g.Disconnect(ctx, b.ws))
	_, err = b.g.Connection(ctx, b.ws)
	require.ErrorIs(t, err, ErrNotConnected)

	noKey, err := secret.NewBox(nil)
	require.NoError(t, err)
	g2 := *b.g
	g2.Box = noKey
	require.ErrorIs(t, g2.Connect(ctx, b.ws, "good-code", ""), secret.ErrNoKey, "without FRONTDESK_SECRET_KEY nothing is stored")
}

func TestPush(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.fake.ExpiresIn = 5 // the first access token is as good as expired: the client must refresh it
	b.connect(t)

	a := b.book(t, b.at(10, 0))
	b.pushAll(t)
	id := EventID(b.ws, a.ID)
	require.Equal(t, id, b.appointment(t, a.ID).GoogleEventID)
	inserts := b.requests("POST", "/events")
	require.Len(t, inserts, 1)
	ins := inserts[0]
	require.Equal(t, "Bearer refreshed-2", ins.Auth, "calls carry the refreshed access token")
	require.Equal(t, id, ins.Body["id"])
	require.Equal(t, map[string]any{"dateTime": "2026-12-14T10:00:00-05:00", "timeZone": "America/New_York"}, ins.Body["start"])
	require.Equal(t, map[string]any{"dateTime": "2026-12-14T10:30:00-05:00", "timeZone": "America/New_York"}, ins.Body["end"])
	require.Equal(t, "Check-up — Jane Doe", ins.Body["summary"])
	for _, r := range b.fake.Requests() {
		require.NotEqual(t, "Bearer access-1", r.Auth, "the expired token is never sent")
	}
	c, err := b.g.Connection(ctx, b.ws)
	require.NoError(t, err)
	plain, err := b.g.Box.Open(c.token, tokenContext(b.ws))
	require.NoError(t, err)
	var stored oauth2.Token
	require.NoError(t, json.Unmarshal(plain, &stored))
	require.Equal(t, "refreshed-2", stored.AccessToken, "the refreshed token is stored")
	require.Equal(t, "refresh-1", stored.RefreshToken, "and keeps the refresh token")

	t.Run("RetryMakesNoSecondEvent", func(t *testing.T) {
		// An attempt that created the event and died before recording its id.
		_, err := b.pool.Exec(ctx, `UPDATE appointments SET google_event_id = NULL WHERE id = $1`, a.ID)
		require.NoError(t, err)
		appt := b.appointment(t, a.ID)
		require.NoError(t, b.g.pushOne(ctx, b.ws, appt))
		require.Equal(t, 1, b.fake.Events(), "the deterministic id finds the first event")
		require.Equal(t, id, b.appointment(t, a.ID).GoogleEventID)
	})

	t.Run("RescheduleIsAPatch", func(t *testing.T) {
		_, err := b.bk.Reschedule(ctx, b.pool, b.ws, a.ID, b.ny, b.at(14, 0))
		require.NoError(t, err)
		b.pushAll(t)
		ev := b.fake.Event(id)
		require.Equal(t, "2026-12-14T14:00:00-05:00", ev.Start)
		require.Equal(t, "2026-12-14T14:30:00-05:00", ev.End)
		require.Equal(t, 1, b.fake.Events())
	})

	t.Run("CancelIsADelete", func(t *testing.T) {
		_, err := b.bk.Cancel(ctx, b.pool, b.ws, a.ID)
		require.NoError(t, err)
		b.pushAll(t)
		require.Equal(t, "cancelled", b.fake.Event(id).Status)
		require.Len(t, b.requests("DELETE", "/events/"+id), 1)
	})

	t.Run("NothingQueuedWithoutConnection", func(t *testing.T) {
		require.NoError(t, b.g.Disconnect(ctx, b.ws))
		b.book(t, b.at(11, 0))
		var n int
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'gcal_push'`).Scan(&n))
		require.Zero(t, n)
	})
}

func TestBusy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.connect(t)
	// The dentist's own 11:00–12:00 (given in UTC, as Google may).
	b.fake.Busy = [][2]string{{"2026-12-14T16:00:00Z", "2026-12-14T17:00:00Z"}}
	day := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	slots, err := b.bk.AvailableSlots(ctx, b.pool, b.ws, b.ny, b.serviceID, day, day, 0)
	require.NoError(t, err)
	starts := map[string]bool{}
	for _, s := range slots {
		starts[s.Start.In(b.ny).Format("15:04")] = true
	}
	require.True(t, starts["10:30"], "free before")
	for _, busy := range []string{"10:45", "11:00", "11:30", "11:45"} {
		require.False(t, starts[busy], "%s overlaps the busy hour", busy)
	}
	require.True(t, starts["12:00"], "free after")
	fb := b.requests("POST", "/freeBusy")
	require.Len(t, fb, 1)
	require.Equal(t, "Bearer access-1", fb[0].Auth)
	require.Equal(t, []any{map[string]any{"id": "primary"}}, fb[0].Body["items"])

	// Fresh within the TTL: no second call.
	_, err = b.bk.AvailableSlots(ctx, b.pool, b.ws, b.ny, b.serviceID, day, day, 0)
	require.NoError(t, err)
	require.Len(t, b.requests("POST", "/freeBusy"), 1)

	_, err = b.bk.Book(ctx, b.pool, booking.BookRequest{WorkspaceID: b.ws, ServiceID: b.serviceID, ContactID: b.contactID, Start: b.at(11, 0), Location: b.ny})
	require.ErrorIs(t, err, booking.ErrNotBookable, "a busy time cannot be booked")

	t.Run("GoogleDownUsesLastKnown", func(t *testing.T) {
		b.fake.Down = true
		_, err := b.pool.Exec(ctx, `UPDATE calendar_connections SET busy_refreshed_at = $2 WHERE workspace_id = $1`, b.ws, now.Add(-time.Hour))
		require.NoError(t, err)
		slots, err := b.bk.AvailableSlots(ctx, b.pool, b.ws, b.ny, b.serviceID, day, day, 0)
		require.NoError(t, err, "an unreachable Google does not fail the search")
		for _, s := range slots {
			require.NotEqual(t, "11:00", s.Start.In(b.ny).Format("15:04"))
		}
		require.Len(t, b.requests("POST", "/freeBusy"), 2, "it was asked")
		c, err := b.g.Connection(ctx, b.ws)
		require.NoError(t, err)
		require.Equal(t, "error", c.Status)
		require.Contains(t, c.LastError, "503")
		b.fake.Down = false
	})

	t.Run("OwnEventIsNotBusyTwice", func(t *testing.T) {
		// freeBusy reports our own appointment's event as busy; cancelling the
		// appointment frees the time even before the event's deletion is pushed.
		a := b.book(t, b.at(14, 0))
		b.pushAll(t)
		b.fake.Busy = append(b.fake.Busy, [2]string{"2026-12-14T19:00:00Z", "2026-12-14T19:30:00Z"})
		require.NoError(t, b.g.SyncNow(ctx, b.ws))
		_, err := b.bk.Cancel(ctx, b.pool, b.ws, a.ID)
		require.NoError(t, err)
		slots, err := b.bk.AvailableSlots(ctx, b.pool, b.ws, b.ny, b.serviceID, day, day, 0)
		require.NoError(t, err)
		found := false
		for _, s := range slots {
			found = found || s.Start.Equal(b.at(14, 0))
		}
		require.True(t, found, "14:00 is free again")
	})
}

// A member of staff's own Google calendar holds that member alone: the business's
// calendar is free, Dr Lee's is busy 11:00–12:00, so 11:00 takes one booking (on the
// default resource) and 13:00 two. One freeBusy request asks for both calendars
// (TestUnreadableStaffCalendar: when Google will not read one).
func TestStaffOwnCalendarBusy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.connect(t)
	lee, err := b.bk.CreateResource(ctx, b.pool, b.ws, booking.Resource{Name: "Dr Lee", Kind: booking.KindStaff})
	require.NoError(t, err)
	require.NoError(t, b.bk.SetResourceServices(ctx, b.pool, b.ws, lee.ID, []int64{b.serviceID}))
	require.Error(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, lee.ID, "lee @example.com"))
	require.NoError(t, b.bk.SetResourceCalendar(ctx, b.pool, b.ws, lee.ID, "lee@example.com"))
	id, err := b.bk.ResourceCalendar(ctx, b.pool, b.ws, lee.ID)
	require.NoError(t, err)
	require.Equal(t, "lee@example.com", id)
	b.fake.BusyOf = map[string][][2]string{"lee@example.com": {{"2026-12-14T16:00:00Z", "2026-12-14T17:00:00Z"}}}

	day := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	slots, err := b.bk.AvailableSlots(ctx, b.pool, b.ws, b.ny, b.serviceID, day, day, 0)
	require.NoError(t, err)
	fb := b.requests("POST", "/freeBusy")
	require.Len(t, fb, 1)
	require.Equal(t, []any{map[string]any{"id": "primary"}, map[string]any{"id": "lee@example.com"}}, fb[0].Body["items"])
	var at11 *booking.Slot
	for i := range slots {
		if slots[i].Start.Equal(b.at(11, 0)) {
			at11 = &slots[i]
		}
	}
	require.NotNil(t, at11, "the business's calendar is free at 11:00")
	require.NotEqual(t, lee.ID, at11.ResourceID)

	first := b.book(t, b.at(11, 0))
	require.NotEqual(t, lee.ID, first.ResourceID)
	_, err = b.bk.Book(ctx, b.pool, booking.BookRequest{WorkspaceID: b.ws, ServiceID: b.serviceID, ContactID: b.contactID, Start: b.at(11, 0), Location: b.ny})
	require.ErrorIs(t, err, booking.ErrSlotTaken, "Dr Lee is busy in his own calendar")
	b.book(t, b.at(13, 0))
	second := b.book(t, b.at(13, 0))
	require.Equal(t, lee.ID, second.ResourceID, "free at 13:00 in his calendar")

}

func TestPull(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.connect(t)
	moved := b.book(t, b.at(10, 0))
	deleted := b.book(t, b.at(12, 0))
	blocked := b.book(t, b.at(15, 0))
	b.pushAll(t)
	b.fake.Add("owners0wn", "2026-12-14T09:00:00-05:00", "2026-12-14T09:30:00-05:00")

	require.NoError(t, b.g.SyncNow(ctx, b.ws))
	lists := b.requests("GET", "/events")
	require.NotEmpty(t, lists)
	require.Empty(t, lists[0].Query.Get("syncToken"), "the first sync is a full one")
	require.Equal(t, "true", lists[0].Query.Get("showDeleted"))
	require.Empty(t, b.notes.all(), "nothing changed in Google yet")

	b.fake.Move(EventID(b.ws, moved.ID), "2026-12-14T13:00:00-05:00", "2026-12-14T13:45:00-05:00")
	b.fake.Delete(EventID(b.ws, deleted.ID))
	b.fake.Move(EventID(b.ws, blocked.ID), "2026-12-14T13:15:00-05:00", "2026-12-14T13:45:00-05:00")
	require.NoError(t, b.g.SyncNow(ctx, b.ws))
	last := b.requests("GET", "/events")
	require.NotEmpty(t, last[len(last)-1].Query.Get("syncToken"), "later syncs are incremental")

	m := b.appointment(t, moved.ID)
	require.True(t, m.Start.Equal(b.at(13, 0)), "moved in Google, moved here: %s", m.Start)
	require.True(t, m.End.Equal(b.at(13, 45)), "with Google's end")
	require.Equal(t, booking.StatusCancelled, b.appointment(t, deleted.ID).Status, "deleted in Google, cancelled here")
	bl := b.appointment(t, blocked.ID)
	require.True(t, bl.Start.Equal(b.at(15, 0)), "a move onto a taken time is refused")
	titles := strings.Join(b.notes.all(), "\n")
	require.Contains(t, titles, "Moved in Google Calendar: Check-up for Jane Doe on Mon 14 Dec 10:00 is now on Mon 14 Dec 13:00")
	require.Contains(t, titles, "Cancelled in Google Calendar: Check-up for Jane Doe on Mon 14 Dec 12:00")
	require.Contains(t, titles, "that time is taken here")
	require.Len(t, b.notes.all(), 3)

	t.Run("ChangedHereWins", func(t *testing.T) {
		// Moved here; before its push, a sync lists the event as Google last had it.
		b.fake.Move(EventID(b.ws, blocked.ID), "2026-12-14T15:30:00-05:00", "2026-12-14T16:00:00-05:00")
		_, err := b.bk.Reschedule(ctx, b.pool, b.ws, blocked.ID, b.ny, b.at(9, 30))
		require.NoError(t, err)
		require.NoError(t, b.g.SyncNow(ctx, b.ws))
		require.True(t, b.appointment(t, blocked.ID).Start.Equal(b.at(9, 30)), "the newer change, made here, stays")
		require.Len(t, b.notes.all(), 3, "and nothing is reported")
		b.pushAll(t)
		require.Equal(t, "2026-12-14T09:30:00-05:00", b.fake.Event(EventID(b.ws, blocked.ID)).Start)
	})

	t.Run("GoneMeansFullResync", func(t *testing.T) {
		b.fake.ExpireSyncTokens()
		b.fake.Move(EventID(b.ws, moved.ID), "2026-12-14T16:00:00-05:00", "2026-12-14T16:30:00-05:00")
		before := len(b.requests("GET", "/events"))
		require.NoError(t, b.g.SyncNow(ctx, b.ws))
		lists := b.requests("GET", "/events")[before:]
		require.NotEmpty(t, lists[0].Query.Get("syncToken"))
		require.Empty(t, lists[1].Query.Get("syncToken"), "410 Gone starts a full list")
		require.True(t, b.appointment(t, moved.ID).Start.Equal(b.at(16, 0)))
	})
}
