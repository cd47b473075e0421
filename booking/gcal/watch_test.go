package gcal

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/booking/gcal/gcaltest"
)

func (b *testBundle) jobs(t *testing.T, kind string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1 AND (args->>'workspace_id')::bigint = $2`, kind, b.ws).Scan(&n))
	return n
}

func (b *testBundle) channel(t *testing.T) (id, token string) {
	t.Helper()
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT coalesce(channel_id, ''), coalesce(channel_token, '') FROM calendar_connections WHERE workspace_id = $1`, b.ws).Scan(&id, &token))
	return id, token
}

func openChannels(f *gcaltest.Fake) []gcaltest.Channel {
	var out []gcaltest.Channel
	for _, ch := range f.Channels() {
		if !ch.Stopped {
			out = append(out, ch)
		}
	}
	return out
}

func TestWatchChannels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.g.Config.WebhookURL = "http://127.0.0.1:9/webhooks/google/calendar"
	b.fake.ChannelTTL = time.Hour // shorter than renewBefore: due for renewal at once

	b.connect(t)
	require.Equal(t, 1, b.jobs(t, "gcal_watch"), "connecting queues a channel")
	require.NoError(t, b.g.Watch(ctx, b.ws))
	open := openChannels(b.fake)
	require.Len(t, open, 1)
	id, token := b.channel(t)
	require.Equal(t, open[0].ID, id)
	require.Equal(t, token, open[0].Token)
	require.GreaterOrEqual(t, len(token), 40, "a random token per channel")
	require.Equal(t, b.g.Config.WebhookURL, open[0].Address)

	syncs := b.jobs(t, "gcal_sync")
	require.ErrorIs(t, b.g.Notified(ctx, id, token+"x", "exists"), ErrUnknownChannel)
	require.ErrorIs(t, b.g.Notified(ctx, "not-a-channel", token, "exists"), ErrUnknownChannel)
	require.ErrorIs(t, b.g.Notified(ctx, id, "", "exists"), ErrUnknownChannel)
	require.NoError(t, b.g.Notified(ctx, id, token, "sync"), "a channel's first message")
	require.Equal(t, syncs, b.jobs(t, "gcal_sync"), "refused and first messages queue nothing")
	require.NoError(t, b.g.Notified(ctx, id, token, "exists"))
	require.NoError(t, b.g.Notified(ctx, id, token, "exists"))
	require.Equal(t, syncs+1, b.jobs(t, "gcal_sync"), "notifications while a sync waits share it")

	// The periodic renewal replaces a channel about to stop, and stops the old one.
	require.NoError(t, (&watchWorker{g: b.g}).Work(ctx, &river.Job[WatchArgs]{JobRow: &rivertype.JobRow{}, Args: WatchArgs{}}))
	open = openChannels(b.fake)
	require.Len(t, open, 1)
	require.NotEqual(t, id, open[0].ID)
	require.Len(t, b.fake.Channels(), 2)
	require.ErrorIs(t, b.g.Notified(ctx, id, token, "exists"), ErrUnknownChannel, "the old channel is no longer ours")
	newID, _ := b.channel(t)
	require.Equal(t, open[0].ID, newID)

	// A channel far from its end is left alone.
	b.fake.ChannelTTL = 0
	require.NoError(t, b.g.Watch(ctx, b.ws))
	require.NoError(t, (&watchWorker{g: b.g}).Work(ctx, &river.Job[WatchArgs]{JobRow: &rivertype.JobRow{}, Args: WatchArgs{}}))
	require.Len(t, b.fake.Channels(), 3)

	require.NoError(t, b.g.Disconnect(ctx, b.ws))
	require.Empty(t, openChannels(b.fake), "disconnecting stops the channel")
}

func TestWatchWithoutWebhookURL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.connect(t)
	require.Zero(t, b.jobs(t, "gcal_watch"))
	require.NoError(t, b.g.Watch(context.Background(), b.ws))
	require.Empty(t, b.fake.Channels())
}
