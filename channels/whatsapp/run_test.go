package whatsapp_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

func TestRun(t *testing.T) {
	t.Parallel()

	t.Run("ReconnectsWhenWhatsAppDrops", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		c.drop()
		pipelinetest.Eventually(t, func() bool { return c.connectCount() == 2 && c.IsConnected() }, "the device reconnects")
	})

	t.Run("UnlinkedFromThePhone", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		c.unlink(t)
		pipelinetest.Eventually(t, func() bool { return b.status(t) == "error" }, "the account shows the device is gone")
		a := b.get(t)
		require.Contains(t, a.LastError, "pair it again")
		require.False(t, c.IsConnected())
		require.Equal(t, 1, c.connectCount())

		// The owner pairs the phone again: a new device replaces the dropped one.
		b.jid.Device++
		b.pair(t)
		require.Equal(t, b.jid.String(), b.get(t).Settings.JID)
		b.wa.connection(t, b.jid)
	})

	t.Run("RemovedAccountIsDisconnected", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.online(t)
		require.NoError(t, b.p.Accounts.Delete(context.Background(), b.p.Pool, b.p.Workspace.ID, b.account.ID))
		pipelinetest.Eventually(t, func() bool { return !c.IsConnected() }, "the device is disconnected")
	})
}

// TestLease runs two nodes on one database: the device runs on one of them at a time.
func TestLease(t *testing.T) {
	t.Parallel()

	twoNodes := func(t *testing.T) (*testBundle, map[string]func()) {
		b := setup(t)
		second := newChannel(t, b.p, b.wa, "node-2")
		second.Conversations = b.p.Conv
		stops := map[string]func(){"node-1": run(t, b.ch), "node-2": run(t, second)}
		b.pair(t)
		return b, stops
	}

	t.Run("AnotherNodeTakesOverWhenOneStops", func(t *testing.T) {
		t.Parallel()
		b, stops := twoNodes(t)
		first := b.wa.connection(t, b.jid)
		stops[first.node]()
		next := b.wa.connection(t, b.jid)
		require.NotEqual(t, first.node, next.node)
		require.Zero(t, b.wa.overlapCount(), "never connected from two nodes at once")

		require.True(t, next.emit(message("3A000000000000TAKEN1", text("Still there?"))))
		require.Equal(t, 1, b.inbound(t))
	})

	t.Run("DeadDatabaseConnectionGivesTheDeviceUp", func(t *testing.T) {
		t.Parallel()
		b, _ := twoNodes(t)
		first := b.wa.connection(t, b.jid)
		// The node's lock connection dies (its host went away): PostgreSQL frees the lock.
		killLease(t, b.p.Pool, b.account.ID)

		pipelinetest.Eventually(t, func() bool { return !first.IsConnected() }, "the node stops the device it no longer holds")
		next := b.wa.connection(t, b.jid)
		require.NotSame(t, first, next)
	})
	t.Run("RemovingTheAccountLogsTheDeviceOutOnItsNode", func(t *testing.T) {
		t.Parallel()
		b, _ := twoNodes(t)
		holder := b.wa.connection(t, b.jid)
		require.NoError(t, b.p.Accounts.Delete(context.Background(), b.p.Pool, b.p.Workspace.ID, b.account.ID))
		pipelinetest.Eventually(t, func() bool { return len(b.wa.loggedOut()) > 0 }, "the device is logged out")
		require.Equal(t, []string{holder.node}, b.wa.loggedOut(), "by the node that held it, once")
		pipelinetest.Eventually(t, func() bool { return len(b.wa.online(b.jid)) == 0 }, "and connected nowhere")
		pipelinetest.Eventually(t, func() bool {
			dev, err := b.ch.Device(context.Background(), b.jid)
			return err == nil && dev == nil
		}, "its keys are gone")
	})
}

// TestHolderDiesDeviceMoves runs three nodes, the other two at the default refresh. The
// holder dies: PostgreSQL drops its connection (and with it the device's lock) without an
// unlock, and its socket to WhatsApp closes. Another node runs the device within seconds,
// never two at once, and receives the customer's next message.
func TestHolderDiesDeviceMoves(t *testing.T) {
	t.Parallel()
	b := setup(t)
	stops := map[string]func(){"node-1": run(t, b.ch)}
	for _, node := range []string{"node-2", "node-3"} {
		ch := newChannelEvery(t, b.p, b.wa, node, 0)
		ch.Conversations = b.p.Conv
		stops[node] = run(t, ch)
	}
	b.pair(t)
	holder := b.wa.connection(t, b.jid)

	died := time.Now()
	killLease(t, b.p.Pool, b.account.ID)
	stops[holder.node]() // its unlock finds the connection gone; its client disconnects

	var next *fakeClient
	require.Eventually(t, func() bool {
		on := b.wa.online(b.jid)
		if len(on) == 1 && on[0].node != holder.node {
			next = on[0]
			return true
		}
		return false
	}, whatsapp.DefaultRefresh+5*time.Second, 20*time.Millisecond, "another node runs the device")
	took := time.Since(died)
	t.Logf("the device moved from %s to %s in %v (refresh %v)", holder.node, next.node, took.Round(time.Millisecond), whatsapp.DefaultRefresh)
	require.Zero(t, b.wa.overlapCount(), "never connected from two nodes at once")
	require.True(t, next.emit(message("3A00000000000000DIE1", text("Hello again?"))))
	require.Equal(t, 1, b.inbound(t))
}

// killLease ends the database session holding account's lease, as when its node's host
// goes away; PostgreSQL frees the lock. It connects as the login itself: the
// application's role may not end another session.
func killLease(t *testing.T, pool *pgxpool.Pool, account int64) {
	t.Helper()
	var pid int
	require.NoError(t, pool.QueryRow(context.Background(), `
		SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND ((classid::bigint << 32) | objid::bigint) = $1`, whatsapp.LeaseKey(account)).Scan(&pid))
	admin, err := pgx.ConnectConfig(context.Background(), pool.Config().ConnConfig.Copy())
	require.NoError(t, err)
	defer admin.Close(context.Background())
	var killed bool
	require.NoError(t, admin.QueryRow(context.Background(), `SELECT pg_terminate_backend($1)`, pid).Scan(&killed))
	require.True(t, killed)
}
