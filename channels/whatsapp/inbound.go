package whatsapp

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/conversation"
)

// receive stores a message that came to d and marks it read. It returns false when the
// message could not be stored: whatsmeow then does not acknowledge it, and the device
// reconnects so that WhatsApp sends it again.
func (ch *Channel) receive(ctx context.Context, d *device, e *events.Message) bool {
	log := ch.log.With("account_id", d.account.ID, "message_id", e.Info.ID)
	in, skip := inbound(d.account, e, ch.sender(ctx, d, e.Info))
	if skip != "" {
		log.Debug("whatsapp message ignored", "reason", skip)
		return true
	}
	// After the last pause the message is left unacknowledged for WhatsApp to send again.
	pauses := []time.Duration{250 * time.Millisecond, time.Second}
	for attempt := 0; ; attempt++ {
		_, err := ch.Conversations.Ingest(ctx, in)
		if errors.Is(err, conversation.ErrInvalid) || errors.Is(err, conversation.ErrEmptyMessage) || errors.Is(err, conversation.ErrTooLong) {
			// Sending it again cannot change the answer.
			log.Warn("whatsapp message rejected", "error", err)
			return true
		}
		if err == nil {
			break
		}
		if attempt == len(pauses) || ctx.Err() != nil {
			log.Error("whatsapp: store message; WhatsApp will send it again", "error", err)
			d.signal(redeliver{})
			return false
		}
		log.Warn("whatsapp: store message; retrying", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(pauses[attempt]):
		}
	}
	// Blue ticks tell the customer the business has the message.
	if err := d.client.MarkRead(ctx, []types.MessageID{e.Info.ID}, time.Now(), e.Info.Chat, e.Info.Sender); err != nil {
		log.Warn("whatsapp: mark message read", "error", err)
	}
	return true
}

// sender is who wrote: their phone-number JID when known, since that is what ties them
// to a contact on other channels, and otherwise their privacy id (LID).
func (ch *Channel) sender(ctx context.Context, d *device, info types.MessageInfo) types.JID {
	jid := info.Sender.ToNonAD()
	if jid.Server != types.HiddenUserServer {
		return jid
	}
	if alt := info.SenderAlt.ToNonAD(); alt.Server == types.DefaultUserServer {
		return alt
	}
	if d.store != nil && d.store.LIDs != nil {
		if pn, err := d.store.LIDs.GetPNForLID(ctx, jid); err == nil && !pn.IsEmpty() {
			return pn.ToNonAD()
		}
	}
	return jid
}

// inbound maps a message from sender to what the pipeline stores; skip says why a
// message carries nothing to store. Stickers, reactions, locations, polls and edits are
// skipped rather than stored with a placeholder the assistant would answer.
func inbound(a accounts.Account, e *events.Message, sender types.JID) (in channels.Inbound, skip string) {
	info := e.Info
	switch {
	case info.IsFromMe:
		return in, "sent from the business's own phone"
	case info.IsGroup || info.Chat.Server == types.GroupServer:
		return in, "a group chat"
	case info.Chat.Server == types.BroadcastServer:
		return in, "a status update or a broadcast list"
	case info.Chat.Server != types.DefaultUserServer && info.Chat.Server != types.HiddenUserServer:
		return in, "not a chat with a person (a channel, a bot…)"
	case e.IsEdit:
		return in, "an edit of an earlier message"
	case sender.User == "":
		return in, "no sender"
	}
	in = channels.Inbound{
		WorkspaceID: a.WorkspaceID,
		Channel:     channels.WhatsApp,
		AccountID:   a.ID,
		ExternalID:  info.ID,
		Address:     sender.String(),
		Name:        strings.TrimSpace(info.PushName),
		ReceivedAt:  info.Timestamp,
	}
	if sender.Server == types.DefaultUserServer {
		if phone, err := channels.NormalizePhone("+"+sender.User, ""); err == nil {
			in.Phone = phone
		}
	}
	m := e.Message
	att, caption := attachment(m)
	in.Text = cmp.Or(m.GetConversation(), m.GetExtendedTextMessage().GetText(), caption)
	if att != nil {
		in.Attachments = []channels.Attachment{*att}
	}
	if strings.TrimSpace(in.Text) == "" && att == nil {
		return in, "no text or files (a sticker, a reaction, a location…)"
	}
	return in, ""
}

// attachment describes the file m carries, still at WhatsApp, and its caption.
func attachment(m *waE2E.Message) (*channels.Attachment, string) {
	var (
		src                  media
		name, ctype, caption string
	)
	switch {
	case m.GetAudioMessage() != nil:
		am := m.GetAudioMessage()
		src = mediaOf(mediaAudio, am, am.GetURL(), am.GetMimetype(), am.GetFileLength())
		ctype = cmp.Or(am.GetMimetype(), "audio/ogg")
		name = "audio" + extension(ctype)
		if am.GetPTT() {
			// WhatsApp records voice notes as Opus in Ogg, whatever the mimetype says.
			name, ctype = "voice-note.ogg", "audio/ogg; codecs=opus"
		}
	case m.GetImageMessage() != nil:
		im := m.GetImageMessage()
		src = mediaOf(mediaImage, im, im.GetURL(), im.GetMimetype(), im.GetFileLength())
		ctype, caption = cmp.Or(im.GetMimetype(), "image/jpeg"), im.GetCaption()
		name = "photo" + extension(ctype)
	case m.GetVideoMessage() != nil || m.GetPtvMessage() != nil:
		vm := cmp.Or(m.GetVideoMessage(), m.GetPtvMessage())
		src = mediaOf(mediaVideo, vm, vm.GetURL(), vm.GetMimetype(), vm.GetFileLength())
		ctype, caption = cmp.Or(vm.GetMimetype(), "video/mp4"), vm.GetCaption()
		name = "video" + extension(ctype)
	case m.GetDocumentMessage() != nil:
		dm := m.GetDocumentMessage()
		src = mediaOf(mediaDocument, dm, dm.GetURL(), dm.GetMimetype(), dm.GetFileLength())
		ctype, caption = cmp.Or(dm.GetMimetype(), "application/octet-stream"), dm.GetCaption()
		name = cmp.Or(dm.GetFileName(), dm.GetTitle(), "document"+extension(ctype))
	default:
		return nil, ""
	}
	return &channels.Attachment{Source: src.encode(), Name: name, ContentType: ctype}, caption
}

// extension is the usual file extension of a content type, or "".
func extension(ctype string) string {
	base, _, _ := strings.Cut(ctype, ";")
	if m := mimetype.Lookup(strings.TrimSpace(base)); m != nil {
		return m.Extension()
	}
	return ""
}
