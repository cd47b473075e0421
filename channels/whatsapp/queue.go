package whatsapp

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
)

// Queues is what the channel uses of River's queue bundle (river.Client.Queues()): the
// node holding a device works its replies' queue, added when it takes the device and
// removed when it lets it go, so a send job runs where the device is connected instead
// of being fetched and put back by the other nodes.
type Queues interface {
	Add(queueName string, queueConfig river.QueueConfig) error
	Remove(ctx context.Context, queueName string) error
}

// SendQueue is the River queue of the replies through account id's device.
func SendQueue(accountID int64) string { return "whatsapp_" + strconv.FormatInt(accountID, 10) }

// serveQueue starts working d's send queue on this node.
func (ch *Channel) serveQueue(d *device, log *slog.Logger) bool {
	if ch.Queues == nil {
		return false
	}
	// A device sends one message at a time; WhatsApp does not want bursts from a linked device.
	if err := ch.Queues.Add(SendQueue(d.account.ID), river.QueueConfig{MaxWorkers: 1}); err != nil {
		log.Error("whatsapp: work the device's send queue", "error", err)
		return false
	}
	return true
}

// stopQueue stops working d's send queue here, after the sends under way finish.
func (ch *Channel) stopQueue(d *device, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := ch.Queues.Remove(ctx, SendQueue(d.account.ID)); err != nil {
		log.Warn("whatsapp: stop working the device's send queue", "error", err)
	}
}
