package openaicompat

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/sashabaranov/go-openai"
)

// MaxAudio is the largest voice note sent for transcription: OpenAI's limit.
const MaxAudio = 25 << 20

// Transcriber turns voice notes into text with a speech model (whisper-1). It
// implements conversation.Transcriber.
type Transcriber struct {
	c     *Client
	model string
}

// Transcriber returns a transcriber that asks model.
func (c *Client) Transcriber(model string) *Transcriber { return &Transcriber{c: c, model: model} }

// audioExt names the upload: the API tells the format by the file's extension.
var audioExt = map[string]string{ //nolint:gochecknoglobals // read-only table
	"audio/ogg": ".ogg", "audio/opus": ".ogg", "audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/mp4": ".m4a",
	"audio/x-m4a": ".m4a", "audio/aac": ".m4a", "audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav",
	"audio/webm": ".webm", "video/webm": ".webm", "audio/flac": ".flac", "audio/x-flac": ".flac",
}

func fileName(contentType string) string {
	ct, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		ct = strings.ToLower(contentType)
	}
	if ext, ok := audioExt[ct]; ok {
		return "voice" + ext
	}
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return "voice" + exts[0]
	}
	return "voice.ogg"
}

// Transcribe implements conversation.Transcriber.
func (tr *Transcriber) Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(audio, MaxAudio+1))
	if err != nil {
		return "", fmt.Errorf("openai: transcribe: read audio: %w", err)
	}
	if len(b) > MaxAudio {
		return "", fmt.Errorf("openai: transcribe: the voice note is over %d MiB", MaxAudio>>20)
	}
	var resp openai.AudioResponse
	err = tr.c.call(ctx, "transcribe", func(ctx context.Context) error {
		var err error
		resp, err = tr.c.api.CreateTranscription(ctx, openai.AudioRequest{
			Model: tr.model, FilePath: fileName(contentType), Reader: bytes.NewReader(b), Format: openai.AudioResponseFormatJSON,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(resp.Text), nil
}
