package whatsapp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
)

// elsewhere is how long a reply waits when its device is not connected from this node:
// another node holds it, or this one is still connecting it.
const elsewhere = 10 * time.Second

// Send delivers a reply from the account's device and returns WhatsApp's message id.
// The id is derived from the idempotency key, so a retry after a lost answer carries
// the same id and the customer's phone shows the message once. The device must be
// connected from this node; when it is not, the reply is retried shortly (a
// channels.RetryAfterError). An address that is not a WhatsApp user is permanent.
func (ch *Channel) Send(ctx context.Context, out channels.Outbound) (string, error) {
	a, err := ch.account(ctx, out.AccountID)
	if err != nil {
		return "", err
	}
	if a.WorkspaceID != out.WorkspaceID {
		return "", channels.Permanent(fmt.Errorf("whatsapp: account %d belongs to another workspace", a.ID))
	}
	if a.Settings.JID == "" {
		return "", channels.Permanent(errors.New("whatsapp: the account's phone is not linked: pair it again, then resend"))
	}
	to, err := parseAddress(out.Address)
	if err != nil {
		return "", channels.Permanent(err)
	}
	d := ch.connected(a.ID)
	if d == nil {
		return "", &channels.RetryAfterError{After: elsewhere,
			Err: fmt.Errorf("whatsapp: the device of account %d is not connected from this node", a.ID)}
	}
	if !d.client.IsConnected() {
		return "", fmt.Errorf("whatsapp: the device of account %d is reconnecting", a.ID)
	}
	if len(out.Files) > 0 {
		return sendWithFiles(ctx, d.client, to, out)
	}
	var extra whatsmeow.SendRequestExtra
	if out.IdempotencyKey != "" {
		extra.ID = messageID(out)
	}
	resp, err := d.client.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(out.Text)}, extra)
	if err != nil {
		return "", sendError(err)
	}
	return resp.ID, nil
}

// parseAddress reads a customer's address: a JID (user@s.whatsapp.net, or a privacy
// id, user@lid) or a phone number in international form.
func parseAddress(addr string) (types.JID, error) {
	addr = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(addr), "whatsapp:"))
	if !strings.Contains(addr, "@") {
		digits := strings.TrimPrefix(addr, "+")
		if _, err := strconv.ParseUint(digits, 10, 64); err != nil || len(digits) < 7 {
			return types.JID{}, fmt.Errorf("whatsapp: %q is not a WhatsApp address or a phone number", addr)
		}
		return types.NewJID(digits, types.DefaultUserServer), nil
	}
	jid, err := types.ParseJID(addr)
	if err != nil || jid.User == "" || (jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer) {
		return types.JID{}, fmt.Errorf("whatsapp: %q is not the address of a WhatsApp user", addr)
	}
	return jid.ToNonAD(), nil
}

// messageID is the id a reply is sent under, the same on every retry of it, in the
// form WhatsApp Web gives its own.
func messageID(out channels.Outbound) types.MessageID {
	sum := sha256.Sum256(fmt.Appendf(nil, "frontdesk/whatsapp/%d/%d/%s", out.WorkspaceID, out.ConversationID, out.IdempotencyKey))
	return whatsmeow.WebMessageIDPrefix + strings.ToUpper(hex.EncodeToString(sum[:9]))
}

// sendError sorts a failed send into the pipeline's vocabulary: permanent, retry after
// a while, or plain and retried (not connected, timed out).
func sendError(err error) error {
	switch {
	case errors.Is(err, whatsmeow.ErrRecipientADJID), errors.Is(err, whatsmeow.ErrUnknownServer),
		errors.Is(err, whatsmeow.ErrBroadcastListUnsupported):
		return channels.Permanent(fmt.Errorf("whatsapp: not an address a reply can go to (%w)", err))
	case strings.Contains(err.Error(), "no LID found"):
		// WhatsApp knows no account with that number.
		return channels.Permanent(fmt.Errorf("whatsapp: the number is not on WhatsApp (%w)", err))
	case errors.Is(err, whatsmeow.ErrServerReturnedError):
		code, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(err.Error(), whatsmeow.ErrServerReturnedError.Error())))
		switch {
		case code == 429:
			return &channels.RetryAfterError{After: time.Minute, Err: fmt.Errorf("whatsapp: WhatsApp asks to slow down (%w)", err)}
		case code >= 400 && code < 500:
			return channels.Permanent(fmt.Errorf("whatsapp: WhatsApp refused the message (%w)", err))
		}
	}
	return fmt.Errorf("whatsapp: send the reply: %w", err)
}
