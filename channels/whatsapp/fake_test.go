package whatsapp_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// fakeWhatsApp stands in for WhatsApp's servers. The channels of every node make their
// clients through it, so a test sees which node connects which device and delivers
// events to them. As on WhatsApp, connecting a device that is already connected pushes
// the older connection off with a StreamReplaced.
type fakeWhatsApp struct {
	mu       sync.Mutex
	clients  []*fakeClient
	sent     []sentMessage
	sendErrs []error
	files    map[string][]byte // by direct path
	fetchErr error
	// overlaps counts connections made while the device was connected elsewhere.
	overlaps int
	logouts  []string // the nodes that logged a device out

}

type sentMessage struct {
	Node string
	To   types.JID
	Text string
	ID   types.MessageID
	Msg  *waE2E.Message
}

func newFake() *fakeWhatsApp {
	return &fakeWhatsApp{files: map[string][]byte{}}
}

// factory makes the clients of one node.
func (wa *fakeWhatsApp) factory(node string) func(*store.Device, waLog.Logger) whatsapp.Client {
	return func(dev *store.Device, _ waLog.Logger) whatsapp.Client {
		c := &fakeClient{wa: wa, node: node, dev: dev}
		wa.mu.Lock()
		wa.clients = append(wa.clients, c)
		wa.mu.Unlock()
		return c
	}
}

func (wa *fakeWhatsApp) failNextSends(errs ...error) {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.sendErrs = append(wa.sendErrs, errs...)
}

func (wa *fakeWhatsApp) addFile(directPath string, body []byte) {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.files[directPath] = body
}

func (wa *fakeWhatsApp) failFetches(err error) {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	wa.fetchErr = err
}

func (wa *fakeWhatsApp) sentMessages() []sentMessage {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	return append([]sentMessage(nil), wa.sent...)
}

func (wa *fakeWhatsApp) overlapCount() int {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	return wa.overlaps
}

// online returns the clients running jid (not the one that paired it).
func (wa *fakeWhatsApp) online(jid types.JID) []*fakeClient {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	var out []*fakeClient
	for _, c := range wa.clients {
		if c.connectedAs(jid) && !c.pairing() {
			out = append(out, c)
		}
	}
	return out
}

// connection waits for jid to be connected from exactly one client, and returns it.
func (wa *fakeWhatsApp) connection(t *testing.T, jid types.JID) *fakeClient {
	t.Helper()
	var c *fakeClient
	pipelinetest.Eventually(t, func() bool {
		on := wa.online(jid)
		if len(on) != 1 {
			return false
		}
		c = on[0]
		return true
	}, "the device is connected once")
	return c
}

// pairingClient waits for a connected client of a device not yet paired.
func (wa *fakeWhatsApp) pairingClient(t *testing.T) *fakeClient {
	t.Helper()
	var found *fakeClient
	pipelinetest.Eventually(t, func() bool {
		wa.mu.Lock()
		defer wa.mu.Unlock()
		for _, c := range wa.clients {
			c.mu.Lock()
			ok := c.connected && c.qr != nil && c.dev.ID == nil
			c.mu.Unlock()
			if ok {
				found = c
			}
		}
		return found != nil
	}, "a device connects to pair")
	return found
}

// fakeClient is one whatsmeow client, on one node.
type fakeClient struct {
	wa   *fakeWhatsApp
	node string
	dev  *store.Device

	mu        sync.Mutex
	connected bool
	connects  int
	qr        chan whatsmeow.QRChannelItem
	handlers  []whatsmeow.EventHandlerWithSuccessStatus
	reads     []types.MessageID
}

var _ whatsapp.Client = (*fakeClient)(nil)

func (c *fakeClient) pairing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.qr != nil
}

func (c *fakeClient) connectedAs(jid types.JID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected && c.dev.ID != nil && *c.dev.ID == jid
}

func (c *fakeClient) ConnectContext(context.Context) error {
	c.wa.mu.Lock()
	c.mu.Lock()
	if c.connected {
		c.mu.Unlock()
		c.wa.mu.Unlock()
		return whatsmeow.ErrAlreadyConnected
	}
	c.connected = true
	c.connects++
	id := c.dev.ID
	c.mu.Unlock()
	var replaced []*fakeClient
	if id != nil {
		for _, o := range c.wa.clients {
			if o != c && o.connectedAs(*id) {
				o.mu.Lock()
				o.connected = false
				o.mu.Unlock()
				replaced = append(replaced, o)
			}
		}
		if len(replaced) > 0 {
			c.wa.overlaps++
		}
	}
	c.wa.mu.Unlock()
	for _, o := range replaced {
		o.emit(&events.StreamReplaced{})
	}
	if id != nil {
		c.emit(&events.Connected{})
	}
	return nil
}

func (c *fakeClient) Disconnect() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connected = false
}

// Logout unlinks the device from the phone and, as whatsmeow does, deletes its keys.
func (c *fakeClient) Logout(ctx context.Context) error {
	if !c.IsConnected() {
		return whatsmeow.ErrNotConnected
	}
	c.wa.mu.Lock()
	c.wa.logouts = append(c.wa.logouts, c.node)
	c.wa.mu.Unlock()
	c.Disconnect()
	return c.dev.Delete(ctx)
}

func (wa *fakeWhatsApp) loggedOut() []string {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	return append([]string(nil), wa.logouts...)
}

func (c *fakeClient) IsConnected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connected
}

func (c *fakeClient) GetQRChannel(context.Context) (<-chan whatsmeow.QRChannelItem, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev.ID != nil {
		return nil, whatsmeow.ErrQRStoreContainsID
	}
	c.qr = make(chan whatsmeow.QRChannelItem, 8)
	return c.qr, nil
}

func (c *fakeClient) AddEventHandlerWithSuccessStatus(h whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handlers = append(c.handlers, h)
	return uint32(len(c.handlers))
}

func (c *fakeClient) SendMessage(_ context.Context, to types.JID, msg *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	if !c.IsConnected() {
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotConnected
	}
	c.wa.mu.Lock()
	defer c.wa.mu.Unlock()
	if len(c.wa.sendErrs) > 0 {
		err := c.wa.sendErrs[0]
		c.wa.sendErrs = c.wa.sendErrs[1:]
		return whatsmeow.SendResponse{}, err
	}
	id := types.MessageID(fmt.Sprintf("3EB0FAKE%d", len(c.wa.sent)))
	if len(extra) == 1 && extra[0].ID != "" {
		id = extra[0].ID
	}
	c.wa.sent = append(c.wa.sent, sentMessage{Node: c.node, To: to, Text: msg.GetConversation(), ID: id, Msg: msg})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

// Upload keeps the file where a download of the message that names it finds it.
func (c *fakeClient) Upload(_ context.Context, data []byte, mt whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	if !c.IsConnected() {
		return whatsmeow.UploadResponse{}, whatsmeow.ErrNotConnected
	}
	c.wa.mu.Lock()
	defer c.wa.mu.Unlock()
	path := fmt.Sprintf("/v/t62.%s/%d", mt, len(c.wa.files))
	c.wa.files[path] = append([]byte(nil), data...)
	sum := sha256.Sum256(data)
	return whatsmeow.UploadResponse{URL: "https://mmg.whatsapp.net" + path, DirectPath: path,
		MediaKey: make([]byte, 32), FileSHA256: sum[:], FileEncSHA256: sum[:], FileLength: uint64(len(data))}, nil
}

// uploaded returns the bytes uploaded under a message's direct path.
func (wa *fakeWhatsApp) uploaded(path string) []byte {
	wa.mu.Lock()
	defer wa.mu.Unlock()
	return wa.files[path]
}

func (c *fakeClient) DownloadToFile(_ context.Context, msg whatsmeow.DownloadableMessage, f whatsmeow.File) error {
	c.wa.mu.Lock()
	defer c.wa.mu.Unlock()
	if c.wa.fetchErr != nil {
		return c.wa.fetchErr
	}
	if whatsmeow.GetMediaType(msg) == "" || len(msg.GetMediaKey()) == 0 {
		return whatsmeow.ErrUnknownMediaType
	}
	body, ok := c.wa.files[msg.GetDirectPath()]
	if !ok {
		return whatsmeow.ErrMediaDownloadFailedWith404
	}
	_, err := f.Write(body)
	return err
}

func (c *fakeClient) MarkRead(_ context.Context, ids []types.MessageID, _ time.Time, _, _ types.JID, _ ...types.ReceiptType) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads = append(c.reads, ids...)
	return nil
}

// emit delivers an event the way whatsmeow does, and reports whether every handler
// took it (for a message: whether it would be acknowledged).
func (c *fakeClient) emit(evt any) bool {
	c.mu.Lock()
	hs := append([]whatsmeow.EventHandlerWithSuccessStatus(nil), c.handlers...)
	c.mu.Unlock()
	ok := true
	for _, h := range hs {
		ok = h(evt) && ok
	}
	return ok
}

func (c *fakeClient) readIDs() []types.MessageID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]types.MessageID(nil), c.reads...)
}

func (c *fakeClient) connectCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connects
}

// drop closes the connection from WhatsApp's side.
func (c *fakeClient) drop() {
	c.Disconnect()
	c.emit(&events.Disconnected{})
}

func (c *fakeClient) showQR(code string) {
	c.qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: code, Timeout: 20 * time.Second}
}

// link does what whatsmeow does when the phone scans the code: store the device under
// the JID WhatsApp gives it, report success, and then ask for a new login.
func (c *fakeClient) link(t *testing.T, jid types.JID) {
	t.Helper()
	c.mu.Lock()
	c.dev.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64),
	}
	c.dev.ID = &jid
	err := c.dev.Save(context.Background())
	c.mu.Unlock()
	require.NoError(t, err)
	c.qr <- whatsmeow.QRChannelSuccess
	close(c.qr)
	c.emit(&events.ManualLoginReconnect{})
}

// unlink does what whatsmeow does when WhatsApp says the phone removed the device:
// delete its keys, and report it.
func (c *fakeClient) unlink(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	err := c.dev.Delete(context.Background())
	c.mu.Unlock()
	require.NoError(t, err)
	c.emit(&events.LoggedOut{})
}

// ogg is the start of a voice note: an Ogg page holding an Opus header.
func ogg() []byte {
	b := append([]byte("OggS\x00\x02"), make([]byte, 22)...)
	return append(b, []byte("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")...)
}
