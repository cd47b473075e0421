package whatsapp

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// maxBackoff caps the pause between attempts to connect a device.
const maxBackoff = 2 * time.Minute

// stableAfter is how long a connection must last for the next to start without delay.
const stableAfter = time.Minute

// unlinkedError is what an account shows once WhatsApp has dropped its device.
const unlinkedError = "whatsapp: the phone no longer links frontdesk (it was removed under Linked devices, " +
	"or the phone was offline for weeks): pair it again"

// device is an account's device connected from this node.
type device struct {
	// account is as read when the device started; the loop keeps its own copy to
	// record status changes on.
	account accounts.Account
	jid     types.JID
	store   *store.Device
	client  Client
	// conn carries the client's connection events, and redelivery requests, to the
	// loop that keeps the device connected.
	conn   chan any
	cancel context.CancelFunc
	done   chan struct{}
}

// redeliver asks for a new connection, on which WhatsApp sends again the messages
// that were not acknowledged because they could not be stored.
type redeliver struct{}

func (d *device) stop() {
	d.cancel()
	<-d.done
}

// Run keeps the paired devices connected until ctx ends: each one this node holds the
// lock of, with reconnection and backoff. Every Refresh (and as soon as a pairing ends)
// it re-reads the accounts, stops devices whose account went or was paired anew, checks
// its locks, and takes the devices no node holds.
func (ch *Channel) Run(ctx context.Context) {
	if ch.Conversations == nil {
		ch.log.Error("whatsapp: not running devices: the channel has no Conversations to store messages in")
		return
	}
	defer ch.stopAll()
	tick := time.NewTicker(ch.refresh)
	defer tick.Stop()
	for {
		ch.leases.check()
		list, _, err := ch.accounts.OfKind(ctx, ch.pool, accounts.WhatsApp)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			ch.log.Error("whatsapp: list accounts", "error", err)
		default:
			ch.sync(ctx, list)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-ch.wakeup:
		}
	}
}

func (ch *Channel) stopAll() {
	ch.mu.Lock()
	ds := slices.Collect(maps.Values(ch.running))
	ch.mu.Unlock()
	for _, d := range ds {
		d.stop()
	}
}

// sync starts and stops devices to match the accounts.
func (ch *Channel) sync(ctx context.Context, list []accounts.Account) {
	paired := map[int64]accounts.Account{}
	for _, a := range list {
		if a.Settings.JID != "" {
			paired[a.ID] = a
		}
	}
	ch.mu.Lock()
	var stale, removed []*device
	for id, d := range ch.running {
		a, ok := paired[id]
		switch {
		case !ok && !slices.ContainsFunc(list, func(a accounts.Account) bool { return a.ID == id }):
			removed = append(removed, d)
		case !ok || a.Settings.JID != d.jid.String():
			stale = append(stale, d)
		}
	}
	ch.mu.Unlock()
	for _, d := range removed {
		ch.logout(ctx, d)
	}
	for _, d := range stale {
		d.stop()
	}
	for _, a := range paired {
		if err := ch.start(ctx, a); err != nil && ctx.Err() == nil {
			ch.log.Error("whatsapp: start device", "account_id", a.ID, "error", err)
		}
	}
}

// logout unlinks the device of a removed account from the business's phone (whatsmeow
// also deletes its keys), here on the node that holds it, then stops it. A device not
// connected at that moment cannot be logged out: it stays listed among the phone's
// linked devices until the owner removes it there.
func (ch *Channel) logout(ctx context.Context, d *device) {
	log := ch.log.With("account_id", d.account.ID, "jid", d.jid.String())
	if !d.client.IsConnected() {
		log.Warn("whatsapp: account removed while its device was not connected; unlink it on the phone")
	} else if err := d.client.Logout(ctx); err != nil {
		log.Warn("whatsapp: log out the removed account's device; unlink it on the phone", "error", err)
	} else {
		log.Info("whatsapp: logged out the device of a removed account")
	}
	d.stop()
}

// start connects a's device unless it already runs here, is being paired here, or
// another node holds it.
func (ch *Channel) start(ctx context.Context, a accounts.Account) error {
	ch.mu.Lock()
	_, running := ch.running[a.ID]
	p := ch.pairing[a.ID]
	ch.mu.Unlock()
	if running || (p != nil && p.active()) {
		return nil
	}
	jid, err := types.ParseJID(a.Settings.JID)
	if err != nil {
		return fmt.Errorf("account %d names device %q: %w", a.ID, a.Settings.JID, err)
	}
	dev, err := ch.devices.GetDevice(ctx, jid)
	if err != nil {
		return fmt.Errorf("read device %s: %w", jid, err)
	}
	if dev == nil {
		ch.unlinked(ctx, a)
		return nil
	}
	lost, ok, err := ch.leases.acquire(ctx, a.ID)
	if err != nil || !ok {
		return err
	}
	dctx, cancel := context.WithCancel(ctx)
	d := &device{account: a, jid: jid, store: dev, conn: make(chan any, 16), cancel: cancel, done: make(chan struct{})}
	d.client = ch.newClient(dev, waLogger{ch.log.With("component", "whatsmeow", "account_id", a.ID)})
	d.client.AddEventHandlerWithSuccessStatus(func(evt any) bool { return ch.handle(dctx, d, evt) })
	ch.mu.Lock()
	ch.running[a.ID] = d
	ch.mu.Unlock()
	go ch.runDevice(dctx, d, lost)
	return nil
}

// unlinked records that WhatsApp dropped a's device (whatsmeow deletes its keys when
// told), so the owner knows to pair the account again; Pair replaces the device. The
// account is read again first: it may have just been paired anew.
func (ch *Channel) unlinked(ctx context.Context, a accounts.Account) {
	ctx = context.WithoutCancel(ctx)
	now, _, err := ch.accounts.Lookup(ctx, ch.pool, a.ID)
	if err != nil || now.Settings.JID != a.Settings.JID {
		return
	}
	ch.record(ctx, &now, "error", unlinkedError)
}

// runDevice keeps d connected until ctx ends, its lease is lost, or WhatsApp unlinks it.
func (ch *Channel) runDevice(ctx context.Context, d *device, lost <-chan struct{}) {
	log := ch.log.With("account_id", d.account.ID, "jid", d.jid.String())
	queued := ch.serveQueue(d, log)
	defer func() {
		if queued {
			ch.stopQueue(d, log)
		}
		d.client.Disconnect()
		// Only now: the next holder must not connect while this client still is.
		ch.leases.release(d.account.ID)
		ch.mu.Lock()
		if ch.running[d.account.ID] == d {
			delete(ch.running, d.account.ID)
		}
		ch.mu.Unlock()
		close(d.done)
	}()
	a := d.account
	var wait time.Duration
	failures := 0
	for {
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-lost:
				log.Warn("whatsapp: lost the device's lock; another node may take it over")
				return
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			return
		}
		if err := d.client.ConnectContext(ctx); err != nil {
			if failures++; failures >= 3 {
				ch.record(ctx, &a, "error", "whatsapp: cannot reach WhatsApp: "+err.Error())
			}
			log.Warn("whatsapp: connect", "error", err)
			wait = backoff(wait)
			continue
		}
		var stop bool
		wait, stop = ch.watch(ctx, d, &a, lost, wait, log)
		d.client.Disconnect()
		if stop {
			return
		}
		failures = 0
	}
}

// watch follows one connection of d until it ends, and says how long to wait before
// the next; stop means the device must not be connected again from here.
func (ch *Channel) watch(ctx context.Context, d *device, a *accounts.Account, lost <-chan struct{}, wait time.Duration,
	log *slog.Logger) (next time.Duration, stop bool) {
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return 0, true
		case <-lost:
			log.Warn("whatsapp: lost the device's lock; another node may take it over")
			return 0, true
		case evt := <-d.conn:
			switch e := evt.(type) {
			case *events.Connected:
				ch.record(ctx, a, "active", "")
				continue
			case *events.LoggedOut:
				ch.unlinked(ctx, *a)
				return 0, true
			case *events.StreamReplaced:
				// Another connection took the device: this node's, if its lock went
				// unnoticed, or someone else's with a copy of the keys.
				ch.leases.check()
				select {
				case <-lost:
					return 0, true
				default:
				}
				ch.record(ctx, a, "error", "whatsapp: another program connected as this device; frontdesk will take it back")
				return maxBackoff, false
			case *events.TemporaryBan:
				ch.record(ctx, a, "error", "whatsapp: WhatsApp banned the number for a while: "+e.String())
				return max(e.Expire, maxBackoff), false
			case *events.ClientOutdated:
				ch.record(ctx, a, "error", "whatsapp: WhatsApp refuses this version of frontdesk's WhatsApp library; update frontdesk")
				return time.Hour, false
			case *events.ConnectFailure:
				ch.record(ctx, a, "error", fmt.Sprintf("whatsapp: WhatsApp refused the connection (%s) %s", e.Reason, e.Message))
				return backoff(wait), false
			}
			// Disconnected, a login to redo, or messages to have sent again.
			if _, ok := evt.(redeliver); !ok && time.Since(start) > stableAfter {
				wait = 0
			}
			return backoff(wait), false
		}
	}
}

// handle receives every event of a running device's client.
func (ch *Channel) handle(ctx context.Context, d *device, evt any) bool {
	switch e := evt.(type) {
	case *events.Message:
		return ch.receive(ctx, d, e)
	case *events.Receipt:
		return ch.receipt(ctx, d, e)
	case *events.UndecryptableMessage:
		ch.log.Warn("whatsapp: a message could not be decrypted", "account_id", d.account.ID, "message_id", e.Info.ID)
	case *events.Connected, *events.Disconnected, *events.ManualLoginReconnect, *events.LoggedOut,
		*events.StreamReplaced, *events.TemporaryBan, *events.ClientOutdated, *events.ConnectFailure:
		d.signal(evt)
	}
	return true
}

func (d *device) signal(evt any) {
	select {
	case d.conn <- evt:
	default: // the loop has plenty queued to act on
	}
}

// backoff doubles the pause after each failure, from a second to maxBackoff.
func backoff(prev time.Duration) time.Duration {
	return min(max(2*prev, time.Second), maxBackoff)
}

// connected returns account id's device when it is connected from this node.
func (ch *Channel) connected(id int64) *device {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.running[id]
}
