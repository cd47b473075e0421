package whatsapp_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow"

	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

func (b *testBundle) waitQR(t *testing.T, wantCode, wantStatus string) {
	t.Helper()
	pipelinetest.Eventually(t, func() bool {
		code, status, err := b.ch.QR(b.p.Workspace.ID, b.account.ID)
		return err == nil && code == wantCode && status == wantStatus
	}, "the pairing shows "+wantStatus+" "+wantCode)
}

func TestPair(t *testing.T) {
	t.Parallel()

	t.Run("CodesThenLink", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		run(t, b.ch)
		ctx, ws, id := context.Background(), b.p.Workspace.ID, b.account.ID
		_, _, err := b.ch.QR(ws, id)
		require.ErrorIs(t, err, whatsapp.ErrNotPairing)

		require.NoError(t, b.ch.Pair(ctx, ws, id))
		code, status, err := b.ch.QR(ws, id)
		require.NoError(t, err)
		require.Empty(t, code)
		require.Equal(t, whatsapp.PairConnecting, status)
		c := b.wa.pairingClient(t)
		c.showQR("2@one")
		b.waitQR(t, "2@one", whatsapp.PairWaiting)
		require.NoError(t, b.ch.Pair(ctx, ws, id), "polling Pair again keeps the session")
		c.showQR("2@two")
		b.waitQR(t, "2@two", whatsapp.PairWaiting)
		_, _, err = b.ch.QR(ws+1, id)
		require.ErrorIs(t, err, whatsapp.ErrNotPairing, "another workspace sees nothing")

		c.link(t, b.jid)
		b.waitQR(t, "", whatsapp.PairPaired)
		a := b.get(t)
		require.Equal(t, "active", a.Status)
		require.Empty(t, a.LastError)
		require.Equal(t, b.jid.String(), a.Settings.JID)

		// Run takes the device over from the pairing connection.
		running := b.wa.connection(t, b.jid)
		require.NotSame(t, c, running)
		require.False(t, c.IsConnected())
		require.ErrorIs(t, b.ch.Pair(ctx, ws, id), whatsapp.ErrPaired)
	})

	t.Run("CodesRunOut", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, ws, id := context.Background(), b.p.Workspace.ID, b.account.ID
		require.NoError(t, b.ch.Pair(ctx, ws, id))
		c := b.wa.pairingClient(t)
		c.showQR("2@one")
		b.waitQR(t, "2@one", whatsapp.PairWaiting)
		c.qr <- whatsmeow.QRChannelTimeout
		b.waitQR(t, "", whatsapp.PairTimeout)
		require.False(t, c.IsConnected())
		require.Equal(t, "pairing", b.status(t))

		// The owner tries again: a new session, with new codes.
		require.NoError(t, b.ch.Pair(ctx, ws, id))
		again := b.wa.pairingClient(t)
		require.NotSame(t, c, again)
		again.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventError, Error: whatsmeow.ErrPairInvalidDeviceSignature}
		pipelinetest.Eventually(t, func() bool {
			_, status, err := b.ch.QR(ws, id)
			return err == nil && status == "error: "+whatsmeow.ErrPairInvalidDeviceSignature.Error()
		}, "the pairing reports the error")
	})

	t.Run("OneNodeAtATime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, ws, id := context.Background(), b.p.Workspace.ID, b.account.ID
		require.NoError(t, b.ch.Pair(ctx, ws, id))
		other := newChannel(t, b.p, b.wa, "node-2")
		require.ErrorIs(t, other.Pair(ctx, ws, id), whatsapp.ErrBusy)
	})
}
