package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels"
)

// The kinds of media, which decide the keys a file is encrypted with.
const (
	mediaAudio    = "audio"
	mediaImage    = "image"
	mediaVideo    = "video"
	mediaDocument = "document"
)

// media is what downloading a file a customer sent takes: where WhatsApp keeps it
// and the key it is encrypted with. It travels as the attachment's Source, JSON, to
// the job that fetches the file once the message is stored.
type media struct {
	Type          string `json:"type"`
	DirectPath    string `json:"direct_path,omitempty"`
	URL           string `json:"url,omitempty"`
	MediaKey      []byte `json:"media_key"`
	FileSHA256    []byte `json:"file_sha256,omitempty"`
	FileEncSHA256 []byte `json:"file_enc_sha256,omitempty"`
	FileLength    uint64 `json:"file_length,omitempty"`
	Mimetype      string `json:"mimetype,omitempty"`
}

func mediaOf(kind string, m whatsmeow.DownloadableMessage, url, mimetype string, length uint64) media {
	return media{
		Type: kind, DirectPath: m.GetDirectPath(), URL: url, MediaKey: m.GetMediaKey(),
		FileSHA256: m.GetFileSHA256(), FileEncSHA256: m.GetFileEncSHA256(), FileLength: length, Mimetype: mimetype,
	}
}

func (m media) encode() string {
	b, _ := json.Marshal(m) // plain strings and bytes: it cannot fail
	return string(b)
}

func decodeMedia(source string) (media, error) {
	var m media
	if err := json.Unmarshal([]byte(source), &m); err != nil {
		return m, fmt.Errorf("whatsapp: the attachment's reference is not one this channel made: %w", err)
	}
	if len(m.MediaKey) == 0 || (m.DirectPath == "" && m.URL == "") {
		return m, errors.New("whatsapp: the attachment's reference has no key or no location")
	}
	return m, nil
}

// message rebuilds the message whatsmeow downloads from: its type names the keys the
// file is decrypted with. Without withURL, whatsmeow finds the file by its path on the
// hosts the connection names; with it, it uses the URL, which needs no connection.
func (m media) message(withURL bool) (whatsmeow.DownloadableMessage, error) {
	var url *string
	if withURL && m.URL != "" {
		url = proto.String(m.URL)
	}
	path, length, mt := proto.String(m.DirectPath), proto.Uint64(m.FileLength), proto.String(m.Mimetype)
	switch m.Type {
	case mediaAudio:
		return &waE2E.AudioMessage{URL: url, DirectPath: path, MediaKey: m.MediaKey, FileSHA256: m.FileSHA256,
			FileEncSHA256: m.FileEncSHA256, FileLength: length, Mimetype: mt}, nil
	case mediaImage:
		return &waE2E.ImageMessage{URL: url, DirectPath: path, MediaKey: m.MediaKey, FileSHA256: m.FileSHA256,
			FileEncSHA256: m.FileEncSHA256, FileLength: length, Mimetype: mt}, nil
	case mediaVideo:
		return &waE2E.VideoMessage{URL: url, DirectPath: path, MediaKey: m.MediaKey, FileSHA256: m.FileSHA256,
			FileEncSHA256: m.FileEncSHA256, FileLength: length, Mimetype: mt}, nil
	case mediaDocument:
		return &waE2E.DocumentMessage{URL: url, DirectPath: path, MediaKey: m.MediaKey, FileSHA256: m.FileSHA256,
			FileEncSHA256: m.FileEncSHA256, FileLength: length, Mimetype: mt}, nil
	}
	return nil, fmt.Errorf("whatsapp: unknown kind of media %q", m.Type)
}

// Fetch downloads and decrypts the file a customer sent to account accountID, into a
// temporary file removed on Close. A file WhatsApp no longer has (media expire after
// some weeks) or that arrives damaged is a permanent error.
func (ch *Channel) Fetch(ctx context.Context, accountID int64, source string) (io.ReadCloser, string, error) {
	m, err := decodeMedia(source)
	if err != nil {
		return nil, "", channels.Permanent(err)
	}
	cl, withURL, err := ch.downloader(ctx, accountID)
	if err != nil {
		return nil, "", err
	}
	msg, err := m.message(withURL)
	if err != nil {
		return nil, "", channels.Permanent(err)
	}
	f, err := os.CreateTemp("", "frontdesk-whatsapp-*")
	if err != nil {
		return nil, "", fmt.Errorf("whatsapp: temporary file for a download: %w", err)
	}
	t := &tempFile{f}
	if err := cl.DownloadToFile(ctx, msg, f); err != nil {
		_ = t.Close()
		return nil, "", downloadError(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = t.Close()
		return nil, "", fmt.Errorf("whatsapp: read the download: %w", err)
	}
	return t, cmp.Or(m.Mimetype, "application/octet-stream"), nil
}

// downloader is the client to download account id's files with: the device's own when
// it is connected from this node. Otherwise it is a client of the device that is never
// connected (a second connection would push the running one off), which can fetch a
// file only by the URL WhatsApp sent with it.
func (ch *Channel) downloader(ctx context.Context, id int64) (cl Client, withURL bool, err error) {
	if d := ch.connected(id); d != nil && d.client.IsConnected() {
		return d.client, false, nil
	}
	a, err := ch.account(ctx, id)
	if err != nil {
		return nil, false, err
	}
	jid, err := types.ParseJID(a.Settings.JID)
	if a.Settings.JID == "" || err != nil {
		return nil, false, channels.Permanent(errors.New("whatsapp: the account's phone is no longer linked"))
	}
	dev, err := ch.devices.GetDevice(ctx, jid)
	if err != nil {
		return nil, false, fmt.Errorf("whatsapp: read device %s: %w", jid, err)
	}
	if dev == nil {
		return nil, false, channels.Permanent(errors.New("whatsapp: the account's phone is no longer linked"))
	}
	return ch.newClient(dev, waLogger{ch.log.With("component", "whatsmeow", "account_id", id)}), true, nil
}

// downloadError marks what retrying cannot fix.
func downloadError(err error) error {
	switch {
	case errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith403),
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith404),
		errors.Is(err, whatsmeow.ErrMediaDownloadFailedWith410):
		return channels.Permanent(fmt.Errorf("whatsapp: WhatsApp no longer has the file; media expire after some weeks (%w)", err))
	case errors.Is(err, whatsmeow.ErrInvalidMediaHMAC), errors.Is(err, whatsmeow.ErrInvalidMediaEncSHA256),
		errors.Is(err, whatsmeow.ErrInvalidMediaSHA256), errors.Is(err, whatsmeow.ErrFileLengthMismatch),
		errors.Is(err, whatsmeow.ErrTooShortFile), errors.Is(err, whatsmeow.ErrUnknownMediaType):
		return channels.Permanent(fmt.Errorf("whatsapp: the file arrived damaged (%w)", err))
	}
	return fmt.Errorf("whatsapp: download the file: %w", err)
}

// tempFile is a download that removes itself once read.
type tempFile struct{ *os.File }

func (t *tempFile) Close() error {
	err := t.File.Close()
	_ = os.Remove(t.Name())
	return err
}
