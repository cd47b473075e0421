package whatsapp

import (
	"context"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
)

// LeaseKey is the advisory lock of an account's device, for tests that look for it.
func LeaseKey(accountID int64) int64 { return leaseKey(accountID) }

// Device reads a device's keys from whatsmeow's store (nil when deleted).
func (ch *Channel) Device(ctx context.Context, jid types.JID) (*store.Device, error) {
	return ch.devices.GetDevice(ctx, jid)
}
