package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// The states of a pairing, as QR reports them. A failure is "error: " and the reason.
const (
	// PairConnecting: no QR code yet.
	PairConnecting = "connecting"
	// PairWaiting: the code is to be shown, and replaced as it changes (every 20 s).
	PairWaiting = "waiting_for_scan"
	// PairPaired: the phone linked frontdesk; the account is active.
	PairPaired = "paired"
	// PairTimeout: no phone scanned a code in time; Pair starts again.
	PairTimeout = "timeout"
)

// Errors of Pair and QR.
var (
	ErrNotPairing = errors.New("whatsapp: no pairing of this account is under way on this node")
	ErrPaired     = errors.New("whatsapp: the account is already linked to a phone")
	ErrBusy       = errors.New("whatsapp: the account's device is being paired or run by another node")
)

// pairTimeout bounds a pairing session; WhatsApp's own codes run out before.
const pairTimeout = 5 * time.Minute

// handover is how long a paired phone is given to finish linking before the pairing
// connection closes and Run connects the device as itself.
const handover = 15 * time.Second

// pairing is a pairing session of an account, under way or ended.
type pairing struct {
	ws     int64
	code   string
	status string
	done   chan struct{}
}

func (p *pairing) active() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Pair starts linking a phone to account id of workspace ws: it connects a new device
// to WhatsApp, which hands out QR codes for the phone to scan (read them with QR). The
// session outlives ctx, and ends by itself once the phone links (the account becomes
// active and Run takes the device over), or the codes run out. Calling Pair while a
// session is under way does nothing.
func (ch *Channel) Pair(ctx context.Context, ws, id int64) error {
	a, _, err := ch.accounts.Get(ctx, ch.pool, ws, id)
	if err != nil {
		return err
	}
	if a.Kind != accounts.WhatsApp {
		return fmt.Errorf("whatsapp: account %d is a %s account", id, a.Kind)
	}
	if jid, err := types.ParseJID(a.Settings.JID); a.Settings.JID != "" && err == nil {
		dev, err := ch.devices.GetDevice(ctx, jid)
		if err != nil {
			return fmt.Errorf("whatsapp: read device %s: %w", jid, err)
		}
		if dev != nil {
			return ErrPaired
		}
		// The phone unlinked it: a new device replaces it.
	}
	p := &pairing{ws: ws, status: PairConnecting, done: make(chan struct{})}
	ch.mu.Lock()
	if old := ch.pairing[id]; old != nil && old.active() {
		ch.mu.Unlock()
		return nil
	}
	ch.pairing[id] = p
	ch.mu.Unlock()
	fail := func(err error) error {
		ch.mu.Lock()
		p.status = "error: " + err.Error()
		close(p.done)
		ch.mu.Unlock()
		return err
	}

	// The lock keeps Run, here or on another node, from connecting the device before
	// this connection is closed.
	lost, ok, err := ch.leases.acquire(ctx, id)
	if err != nil {
		return fail(err)
	}
	if !ok {
		return fail(ErrBusy)
	}
	dev := ch.devices.NewDevice()
	cl := ch.newClient(dev, waLogger{ch.log.With("component", "whatsmeow", "account_id", id)})
	relogin := make(chan struct{}, 1)
	cl.AddEventHandlerWithSuccessStatus(func(evt any) bool {
		if _, ok := evt.(*events.ManualLoginReconnect); ok {
			select {
			case relogin <- struct{}{}:
			default:
			}
		}
		return true
	})
	pctx, cancel := context.WithTimeout(ch.base, pairTimeout)
	qr, err := cl.GetQRChannel(pctx)
	if err == nil {
		err = cl.ConnectContext(pctx)
	}
	if err != nil {
		cancel()
		cl.Disconnect()
		ch.leases.release(id)
		return fail(fmt.Errorf("whatsapp: connect to WhatsApp to pair: %w", err))
	}
	ch.record(ctx, &a, "pairing", "")
	ch.pairings.Add(1)
	go func() {
		defer ch.pairings.Done()
		defer cancel()
		ch.runPairing(pctx, p, a, dev, cl, qr, relogin, lost)
	}()
	return nil
}

// QR returns the code to show for account id of workspace ws, and how its pairing
// stands (PairWaiting and the others). It knows only the sessions of this node, and
// the last one's outcome; ErrNotPairing means there is none.
func (ch *Channel) QR(ws, id int64) (code, status string, err error) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	p := ch.pairing[id]
	if p == nil || p.ws != ws {
		return "", "", ErrNotPairing
	}
	return p.code, p.status, nil
}

// runPairing follows the QR channel until the phone links or the session ends.
func (ch *Channel) runPairing(ctx context.Context, p *pairing, a accounts.Account, dev *store.Device, cl Client,
	qr <-chan whatsmeow.QRChannelItem, relogin <-chan struct{}, lost <-chan struct{}) {
	log := ch.log.With("account_id", a.ID)
	status := PairTimeout
	defer func() {
		cl.Disconnect()
		ch.leases.release(a.ID)
		ch.mu.Lock()
		p.code, p.status = "", status
		close(p.done)
		ch.mu.Unlock()
		ch.wake()
	}()
	for {
		var item whatsmeow.QRChannelItem
		var open bool
		select {
		case <-ctx.Done():
			return
		case <-lost:
			status = "error: lost the database connection while pairing; try again"
			return
		case item, open = <-qr:
		}
		if !open {
			return
		}
		switch item.Event {
		case whatsmeow.QRChannelEventCode:
			ch.mu.Lock()
			p.code, p.status = item.Code, PairWaiting
			ch.mu.Unlock()
			continue
		case whatsmeow.QRChannelSuccess.Event:
			status = ch.paired(ctx, &a, dev, log)
			if status != PairPaired {
				return
			}
			ch.mu.Lock()
			p.code, p.status = "", status
			ch.mu.Unlock()
			// WhatsApp asks for a new login once the link is complete.
			select {
			case <-relogin:
			case <-ctx.Done():
			case <-time.After(handover):
			}
		case whatsmeow.QRChannelTimeout.Event:
		case whatsmeow.QRChannelEventError:
			status = "error: " + item.Error.Error()
		case whatsmeow.QRChannelScannedWithoutMultidevice.Event:
			status = "error: the phone's WhatsApp is too old to link devices; update it and try again"
		case whatsmeow.QRChannelClientOutdated.Event:
			status = "error: WhatsApp refuses this version of frontdesk's WhatsApp library; update frontdesk"
		default:
			status = "error: WhatsApp answered unexpectedly (" + item.Event + "); try again"
		}
		return
	}
}

// paired records the device the phone linked on the account, which makes it active.
func (ch *Channel) paired(ctx context.Context, a *accounts.Account, dev *store.Device, log *slog.Logger) string {
	if dev.ID == nil {
		return "error: WhatsApp reported a link but named no device; try again"
	}
	ctx = context.WithoutCancel(ctx)
	if err := ch.accounts.SetJID(ctx, ch.pool, a.WorkspaceID, a.ID, dev.ID.String()); err != nil {
		log.Error("whatsapp: record the paired device", "jid", dev.ID.String(), "error", err)
		// No account names the device, so it could never run: drop it.
		if derr := dev.Delete(ctx); derr != nil {
			log.Error("whatsapp: drop the unrecorded device", "error", derr)
		}
		return "error: could not record the linked phone; remove frontdesk under Linked devices and try again"
	}
	ch.record(ctx, a, "active", "")
	log.Info("whatsapp device paired", "jid", dev.ID.String())
	return PairPaired
}
