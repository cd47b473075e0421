package whatsapp

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
)

// sendWithFiles delivers a reply that carries files: each is encrypted and uploaded
// to WhatsApp's media servers, then sent as an image, voice note, video or document
// message. One file other than a recording takes the text as its caption; otherwise
// the text goes first, then each file. Every part has an id derived from the reply's,
// so a retry shows nothing twice; once a part is delivered a later failure is
// permanent, and says what the customer did get.
func sendWithFiles(ctx context.Context, c Client, to types.JID, out channels.Outbound) (string, error) {
	id := func(part string) whatsmeow.SendRequestExtra {
		if out.IdempotencyKey == "" {
			return whatsmeow.SendRequestExtra{}
		}
		o := out
		if part != "" {
			o.IdempotencyKey += "/" + part
		}
		return whatsmeow.SendRequestExtra{ID: messageID(o)}
	}
	if len(out.Files) == 1 && out.Files[0].Kind != "audio" {
		msg, err := mediaMessage(ctx, c, out.Files[0], out.Text)
		if err != nil {
			return "", err
		}
		resp, err := c.SendMessage(ctx, to, msg, id(""))
		if err != nil {
			return "", sendError(err)
		}
		return resp.ID, nil
	}
	first, err := c.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(out.Text)}, id(""))
	if err != nil {
		return "", sendError(err)
	}
	var sent []string
	for i, f := range out.Files {
		msg, err := mediaMessage(ctx, c, f, "")
		if err == nil {
			_, err = c.SendMessage(ctx, to, msg, id("file/"+strconv.Itoa(i)))
			if err != nil {
				err = sendError(err)
			}
		}
		if err != nil {
			with := ""
			if len(sent) > 0 {
				with = " with " + strings.Join(sent, ", ")
			}
			return "", channels.Permanent(fmt.Errorf("whatsapp: the text was delivered%s but not %s: %w", with, f.Name, err))
		}
		sent = append(sent, f.Name)
	}
	return first.ID, nil
}

// mediaMessage uploads f and returns the message that shows it.
func mediaMessage(ctx context.Context, c Client, f channels.File, caption string) (*waE2E.Message, error) {
	r, err := f.Open(ctx)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	_ = r.Close()
	if err != nil {
		return nil, fmt.Errorf("whatsapp: read %s: %w", f.Name, err)
	}
	mt := whatsmeow.MediaDocument
	switch f.Kind {
	case "image":
		mt = whatsmeow.MediaImage
	case "audio":
		mt = whatsmeow.MediaAudio
	case "video":
		mt = whatsmeow.MediaVideo
	}
	up, err := c.Upload(ctx, data, mt)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: upload %s: %w", f.Name, err)
	}
	ctype := f.ContentType
	var capt *string
	if caption != "" {
		capt = proto.String(caption)
	}
	switch mt {
	case whatsmeow.MediaImage:
		return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
			Mimetype: proto.String(ctype), Caption: capt,
		}}, nil
	case whatsmeow.MediaAudio:
		// An Ogg Opus recording plays as a voice note; other audio as a file to play.
		ptt := strings.HasPrefix(ctype, "audio/ogg") || ctype == "audio/opus" || ctype == "application/ogg"
		if ptt {
			ctype = "audio/ogg; codecs=opus"
		}
		return &waE2E.Message{AudioMessage: &waE2E.AudioMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
			Mimetype: proto.String(ctype), PTT: proto.Bool(ptt),
		}}, nil
	case whatsmeow.MediaVideo:
		return &waE2E.Message{VideoMessage: &waE2E.VideoMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
			Mimetype: proto.String(ctype), Caption: capt,
		}}, nil
	default:
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
			Mimetype: proto.String(ctype), FileName: proto.String(f.Name), Title: proto.String(f.Name), Caption: capt,
		}}, nil
	}
}
