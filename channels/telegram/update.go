package telegram

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/conversation"
)

// ingest stores one update that came to account a, by webhook or by polling. It
// returns an error only when trying again may work (the database is unreachable): an
// update with nothing to store, or one the pipeline rejects, is logged and
// acknowledged, since Telegram resending it cannot change the outcome.
func (ch *Channel) ingest(ctx context.Context, a accounts.Account, u *models.Update) error {
	log := ch.Log.With("account_id", a.ID, "update_id", u.ID)
	in, skip := inbound(a, u)
	if skip != "" {
		log.Debug("telegram update ignored", "reason", skip)
		return nil
	}
	res, err := ch.Conversations.Ingest(ctx, in)
	if errors.Is(err, conversation.ErrInvalid) || errors.Is(err, conversation.ErrEmptyMessage) || errors.Is(err, conversation.ErrTooLong) {
		log.Warn("telegram message rejected", "error", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("telegram: store update %d of account %d: %w", u.ID, a.ID, err)
	}
	if res.Duplicate {
		log.Debug("telegram update redelivered")
	}
	return nil
}

// inbound maps an update to the message the pipeline stores. skip says why an update
// carries nothing to store.
//
// Stickers, locations, polls and the like are skipped rather than stored with a
// placeholder: the assistant would draft a reply to "[sticker]", and the business
// would be asked to approve an answer to nothing.
func inbound(a accounts.Account, u *models.Update) (in channels.Inbound, skip string) {
	m := u.Message
	if m == nil {
		return in, "not a new message (an edit, a reaction, a membership change…)"
	}
	// In a group, the chat id names the group: everyone in it would become one contact.
	if m.Chat.Type != models.ChatTypePrivate {
		return in, "not a private chat"
	}
	in = channels.Inbound{
		WorkspaceID: a.WorkspaceID,
		Channel:     channels.Telegram,
		AccountID:   a.ID,
		ExternalID:  externalID(a.ID, u.ID),
		Address:     strconv.FormatInt(m.Chat.ID, 10),
		Name:        strings.TrimSpace(m.Chat.FirstName + " " + m.Chat.LastName),
		Text:        cmp.Or(m.Text, m.Caption),
		Attachments: attachments(m),
	}
	if m.From != nil {
		in.Name = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
	}
	if m.Date > 0 {
		in.ReceivedAt = time.Unix(int64(m.Date), 0)
	}
	if phone := ownPhone(m); phone != "" {
		in.Phone = phone
		if in.Text == "" {
			// The card is the whole message; say what it was so the inbox shows it.
			in.Text = "Shared their phone number: " + phone
		}
	}
	if strings.TrimSpace(in.Text) == "" && len(in.Attachments) == 0 {
		return in, "no text or files (a sticker, a location, a poll…)"
	}
	return in, ""
}

// externalID is what a redelivered update is recognised by. Update ids count up per
// bot, so two bots of one workspace may both send update 1000: the account keeps them
// apart.
func externalID(accountID, updateID int64) string {
	return itoa(accountID) + ":" + itoa(updateID)
}

// ownPhone is the sender's phone in E.164 when they shared their own contact card. A
// card of someone else says nothing about who is writing.
func ownPhone(m *models.Message) string {
	c := m.Contact
	if c == nil || m.From == nil || c.UserID == 0 || c.UserID != m.From.ID {
		return ""
	}
	raw := strings.TrimSpace(c.PhoneNumber)
	// Telegram's numbers are international, but often come without the plus.
	if !strings.HasPrefix(raw, "+") {
		raw = "+" + raw
	}
	phone, err := channels.NormalizePhone(raw, "")
	if err != nil {
		return ""
	}
	return phone
}

// attachments lists the files of m, still at Telegram: Source is the file id the
// fetch job passes to Fetch once the message is stored.
func attachments(m *models.Message) []channels.Attachment {
	var out []channels.Attachment
	add := func(fileID, name, ctype, fallback string) {
		if fileID != "" {
			out = append(out, channels.Attachment{Source: fileID, Name: name, ContentType: cmp.Or(ctype, fallback)})
		}
	}
	if v := m.Voice; v != nil {
		add(v.FileID, "voice.ogg", v.MimeType, "audio/ogg")
	}
	if v := m.Audio; v != nil {
		add(v.FileID, v.FileName, v.MimeType, "audio/mpeg")
	}
	if p := largest(m.Photo); p != nil {
		add(p.FileID, "photo.jpg", "", "image/jpeg")
	}
	if v := m.Document; v != nil {
		add(v.FileID, v.FileName, v.MimeType, "application/octet-stream")
	}
	if v := m.Video; v != nil {
		add(v.FileID, v.FileName, v.MimeType, "video/mp4")
	}
	if v := m.VideoNote; v != nil {
		add(v.FileID, "video_note.mp4", "", "video/mp4")
	}
	return out
}

// largest picks the biggest of the sizes Telegram offers a photo in.
func largest(sizes []models.PhotoSize) *models.PhotoSize {
	var best *models.PhotoSize
	for i := range sizes {
		if best == nil || sizes[i].Width*sizes[i].Height > best.Width*best.Height {
			best = &sizes[i]
		}
	}
	return best
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
