package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/frontdesk/frontdesk/channels"
)

func (b *testBundle) outbound() channels.Outbound {
	return channels.Outbound{
		WorkspaceID: b.p.Workspace.ID, ConversationID: 7, Channel: channels.WhatsApp, AccountID: b.account.ID,
		Address: customer + "@s.whatsapp.net", Text: "Hi Ann, yes we are.", IdempotencyKey: "41",
	}
}

func TestSend(t *testing.T) {
	t.Parallel()

	t.Run("RetriesCarryTheSameID", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.online(t)
		ctx := context.Background()
		out := b.outbound()
		first, err := b.ch.Send(ctx, out)
		require.NoError(t, err)
		again, err := b.ch.Send(ctx, out)
		require.NoError(t, err)
		require.Equal(t, first, again, "the phone shows a retried reply once")
		other := out
		other.IdempotencyKey = "42"
		next, err := b.ch.Send(ctx, other)
		require.NoError(t, err)
		require.NotEqual(t, first, next)

		byPhone := out
		byPhone.Address = "+447700900123"
		_, err = b.ch.Send(ctx, byPhone)
		require.NoError(t, err)
		sent := b.wa.sentMessages()
		require.Len(t, sent, 4)
		require.Equal(t, types.NewJID(customer, types.DefaultUserServer), sent[3].To)
		require.Equal(t, out.Text, sent[0].Text)
	})

	t.Run("ErrorsAreClassified", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.online(t)
		ctx := context.Background()
		out := b.outbound()

		for _, addr := range []string{"ann@example.com", "120363000000000000@g.us", "hello", ""} {
			bad := out
			bad.Address = addr
			_, err := b.ch.Send(ctx, bad)
			require.True(t, channels.IsPermanent(err), "%q: %v", addr, err)
		}
		other := out
		other.WorkspaceID++
		_, err := b.ch.Send(ctx, other)
		require.True(t, channels.IsPermanent(err), "an account is not lent to another workspace: %v", err)

		b.wa.failNextSends(whatsmeow.ErrMessageTimedOut)
		_, err = b.ch.Send(ctx, out)
		require.Error(t, err)
		require.False(t, channels.IsPermanent(err), "a timeout is retried: %v", err)

		b.wa.failNextSends(fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 463))
		_, err = b.ch.Send(ctx, out)
		require.True(t, channels.IsPermanent(err), "%v", err)

		b.wa.failNextSends(fmt.Errorf("%w %d", whatsmeow.ErrServerReturnedError, 429))
		_, err = b.ch.Send(ctx, out)
		_, ok := errors.AsType[*channels.RetryAfterError](err)
		require.True(t, ok, "%v", err)

		b.wa.failNextSends(fmt.Errorf("failed to get user info for %s@s.whatsapp.net to fill LID cache: no LID found for it from server", customer))
		_, err = b.ch.Send(ctx, out)
		require.ErrorContains(t, err, "not on WhatsApp")
		require.True(t, channels.IsPermanent(err))
	})

	t.Run("DeviceOnAnotherNodeIsRetriedShortly", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.online(t)
		elsewhere := newChannel(t, b.p, b.wa, "node-2")
		_, err := elsewhere.Send(context.Background(), b.outbound())
		ra, ok := errors.AsType[*channels.RetryAfterError](err)
		require.True(t, ok, "%v", err)
		require.Positive(t, ra.After)
		require.Empty(t, b.wa.sentMessages())
	})

	t.Run("UnpairedAccountFailsAtOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.ch.Send(context.Background(), b.outbound())
		require.True(t, channels.IsPermanent(err), "%v", err)
		out := b.outbound()
		out.AccountID = 0
		_, err = b.ch.Send(context.Background(), out)
		require.True(t, channels.IsPermanent(err), "%v", err)
	})
}
