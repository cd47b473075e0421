package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/go-telegram/bot"

	"github.com/frontdesk/frontdesk/channels"
)

// Fetch downloads the file a customer sent to bot accountID: getFile turns the file id
// into a path, valid for an hour, which is then downloaded. A file Telegram no longer
// has, or will not hand to bots (over 20 MB), is a permanent error.
func (ch *Channel) Fetch(ctx context.Context, accountID int64, fileID string) (io.ReadCloser, string, error) {
	a, c, err := ch.account(ctx, accountID)
	if err != nil {
		return nil, "", err
	}
	b, err := ch.client(a, c)
	if err != nil {
		return nil, "", err
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: fileID})
	if errors.Is(err, bot.ErrorBadRequest) {
		return nil, "", channels.Permanent(fmt.Errorf("telegram: the file is too big for bots (over 20 MB) or no longer available (%w)", err))
	}
	if err != nil {
		return nil, "", classify(err, "look up the file")
	}
	if f.FilePath == "" {
		return nil, "", channels.Permanent(errors.New("telegram: Telegram gave no path to download the file from"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(f), nil)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download the file: %w", hideToken(err))
	}
	resp, err := ch.HTTP.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download the file: %w", hideToken(err))
	}
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close()
		err := fmt.Errorf("telegram: download the file: Telegram answered %s", resp.Status)
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest {
			err = channels.Permanent(fmt.Errorf("%w; the file is no longer available", err))
		}
		return nil, "", err
	}
	return resp.Body, contentType(resp.Header.Get("Content-Type"), f.FilePath), nil
}

// contentType is the type the server declared, or else the one the file's extension
// names. Telegram often says application/octet-stream; the media store sniffs the bytes
// anyway, and uses this only to refine a generic answer.
func contentType(header, filePath string) string {
	base, _, _ := mime.ParseMediaType(header)
	if base != "" && base != "application/octet-stream" {
		return header
	}
	ext := strings.ToLower(path.Ext(filePath))
	switch ext {
	case ".oga", ".ogg", ".opus":
		// Voice notes, which Go's table does not list everywhere.
		return "audio/ogg"
	case ".mp3":
		return "audio/mpeg"
	case ".m4a":
		return "audio/mp4"
	case ".mp4":
		return "video/mp4"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// hideToken removes the download URL, which holds the bot token, from an HTTP error.
func hideToken(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		ue.URL = "(the file's download link)"
	}
	return err
}
