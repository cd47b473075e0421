package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/frontdesk/frontdesk/channels"
)

// captionLimit is the most text Telegram shows under a file.
const captionLimit = 1024

// sendWithFiles delivers a reply that carries files. One file with a short text goes
// as one message, the text its caption. Otherwise the text goes first, then each file:
// once a part is delivered, a later failure is permanent, so a retry never sends the
// delivered parts twice; the error says what the customer did get.
func (ch *Channel) sendWithFiles(ctx context.Context, b *bot.Bot, chatID int64, out channels.Outbound) (string, error) {
	if len(out.Files) == 1 && len([]rune(out.Text)) <= captionLimit {
		id, err := sendFile(ctx, b, chatID, out.Files[0], out.Text)
		if err != nil {
			return "", classify(err, "send the reply with "+out.Files[0].Name)
		}
		return strconv.Itoa(id), nil
	}
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: out.Text})
	if err != nil {
		return "", classify(err, "send the reply")
	}
	var sent []string
	for _, f := range out.Files {
		if _, err := sendFile(ctx, b, chatID, f, ""); err != nil {
			return "", channels.Permanent(fmt.Errorf("telegram: the text was delivered%s but not %s: %w",
				alsoSent(sent), f.Name, classify(err, "send "+f.Name)))
		}
		sent = append(sent, f.Name)
	}
	return strconv.Itoa(msg.ID), nil
}

func alsoSent(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " with " + strings.Join(names, ", ")
}

// sendFile uploads one file the way Telegram shows it best: a photo, a voice note (an
// Ogg Opus recording), a song, a video, or else a document to download.
func sendFile(ctx context.Context, b *bot.Bot, chatID int64, f channels.File, caption string) (int, error) {
	r, err := f.Open(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = r.Close() }()
	up := &models.InputFileUpload{Filename: f.Name, Data: r}
	var m *models.Message
	switch ctype := strings.ToLower(f.ContentType); {
	case ctype == "image/jpeg" || ctype == "image/png" || ctype == "image/webp":
		m, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: up, Caption: caption})
	case strings.HasPrefix(ctype, "audio/ogg"), ctype == "audio/opus", ctype == "application/ogg":
		m, err = b.SendVoice(ctx, &bot.SendVoiceParams{ChatID: chatID, Voice: up, Caption: caption})
	case f.Kind == "audio":
		m, err = b.SendAudio(ctx, &bot.SendAudioParams{ChatID: chatID, Audio: up, Caption: caption})
	case ctype == "video/mp4":
		m, err = b.SendVideo(ctx, &bot.SendVideoParams{ChatID: chatID, Video: up, Caption: caption})
	default:
		m, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: up, Caption: caption})
	}
	if err != nil {
		return 0, err
	}
	return m.ID, nil
}
