package whatsapp_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

func TestReceipts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.online(t)
	require.True(t, c.emit(message("3A0000000000000000B1", text("Are you open on Saturday?"))))
	b.waitDraft(t, "sent")
	sent := b.wa.sentMessages()
	require.Len(t, sent, 1)

	from := types.NewJID(customer, types.DefaultUserServer)
	receipt := func(kind types.ReceiptType, ids ...types.MessageID) *events.Receipt {
		return &events.Receipt{
			MessageSource: types.MessageSource{Chat: from, Sender: from},
			MessageIDs:    ids, Timestamp: time.Now(), Type: kind,
		}
	}
	status := func() string {
		var s string
		require.NoError(t, b.p.Pool.QueryRow(context.Background(),
			`SELECT delivery_status FROM messages WHERE direction = 'outbound' AND external_id = $1`, string(sent[0].ID)).Scan(&s))
		return s
	}
	require.Equal(t, "sent", status())
	require.True(t, c.emit(receipt(types.ReceiptTypeDelivered, sent[0].ID)))
	require.Equal(t, "delivered", status())
	require.True(t, c.emit(receipt(types.ReceiptTypeRead, sent[0].ID)))
	require.Equal(t, "read", status())
	require.True(t, c.emit(receipt(types.ReceiptTypeDelivered, sent[0].ID)), "a late receipt")
	require.Equal(t, "read", status(), "never backwards")

	// The business's own other devices reading the chat say nothing about the customer.
	own := receipt(types.ReceiptTypeReadSelf, "3EB0OTHER")
	own.IsFromMe = true
	require.True(t, c.emit(own))
	require.Zero(t, b.p.Count(t, `SELECT count(*) FROM early_deliveries`))
}
