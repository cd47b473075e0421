package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/frontdesk/frontdesk/channels"
)

// receipt records a customer's phone reporting replies delivered, read or played on
// them. The pipeline never moves a message back, and keeps a report on a reply not
// stored yet until it is. It returns false when the report could not be stored, so
// whatsmeow does not acknowledge it.
func (ch *Channel) receipt(ctx context.Context, d *device, e *events.Receipt) bool {
	var status string
	switch e.Type {
	case types.ReceiptTypeDelivered:
		status = "delivered"
	case types.ReceiptTypeRead, types.ReceiptTypePlayed:
		status = "read"
	default: // our own devices' reads, retries, server errors: not about the customer
		return true
	}
	if e.IsFromMe || e.IsGroup {
		return true
	}
	for _, id := range e.MessageIDs {
		if _, err := ch.Conversations.UpdateDelivery(ctx, d.account.WorkspaceID, channels.WhatsApp, id, status, ""); err != nil {
			ch.log.Error("whatsapp: record receipt", "account_id", d.account.ID, "message_id", id, "error", err)
			return false
		}
	}
	return true
}
