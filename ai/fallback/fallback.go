// Package fallback runs each model capability on a primary provider and, when that
// fails or times out, on a backup (the offline provider), so every customer message is
// classified, read and answered even while a remote model is down. Each fallback is
// logged with its capability and the error; the answer says who made it (the backup's
// Provider), so the owner sees which drafts the remote model did not write.
//
// Embeddings have no fallback here: vectors of two models cannot share an index.
package fallback

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/frontdesk/frontdesk/ai"
)

type classifier interface {
	Classify(ctx context.Context, text string) (ai.Classification, error)
}

type drafter interface {
	Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error)
}

type extractor interface {
	Extract(ctx context.Context, text string, now time.Time, region string) (ai.Entities, error)
}

type transcriber interface {
	Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error)
}

func logged(log *slog.Logger, capability string, err error) {
	if log == nil {
		log = slog.Default()
	}
	log.Warn("model provider failed; using the backup", "capability", capability, "error", err)
}

// Classifier classifies with Primary, else with Backup.
type Classifier struct {
	Primary, Backup classifier
	Log             *slog.Logger
}

// Classify implements conversation.Classifier.
func (f Classifier) Classify(ctx context.Context, text string) (ai.Classification, error) {
	c, err := f.Primary.Classify(ctx, text)
	if err == nil {
		return c, nil
	}
	logged(f.Log, "classify", err)
	return f.Backup.Classify(ctx, text)
}

// Drafter drafts with Primary, else with Backup.
type Drafter struct {
	Primary, Backup drafter
	Log             *slog.Logger
}

// Draft implements conversation.Drafter.
func (f Drafter) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	d, err := f.Primary.Draft(ctx, req)
	if err == nil {
		return d, nil
	}
	logged(f.Log, "draft", err)
	return f.Backup.Draft(ctx, req)
}

// Extractor extracts with Primary, else with Backup.
type Extractor struct {
	Primary, Backup extractor
	Log             *slog.Logger
}

// Extract implements conversation.Extractor.
func (f Extractor) Extract(ctx context.Context, text string, now time.Time, region string) (ai.Entities, error) {
	e, err := f.Primary.Extract(ctx, text, now, region)
	if err == nil {
		return e, nil
	}
	logged(f.Log, "extract", err)
	return f.Backup.Extract(ctx, text, now, region)
}

// Transcriber transcribes with Primary, else with Backup. It holds the audio in memory
// (up to MaxAudio) so both can read it.
type Transcriber struct {
	Primary, Backup transcriber
	Log             *slog.Logger
	// MaxAudio bounds the audio held (default 25 MiB).
	MaxAudio int64
}

// Transcribe implements conversation.Transcriber.
func (f Transcriber) Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error) {
	limit := f.MaxAudio
	if limit <= 0 {
		limit = 25 << 20
	}
	b, err := io.ReadAll(io.LimitReader(audio, limit+1))
	if err != nil {
		return "", fmt.Errorf("transcribe: read audio: %w", err)
	}
	if int64(len(b)) > limit {
		return "", fmt.Errorf("transcribe: the voice note is over %d bytes", limit)
	}
	text, err := f.Primary.Transcribe(ctx, bytes.NewReader(b), contentType)
	if err == nil {
		return text, nil
	}
	logged(f.Log, "transcribe", err)
	return f.Backup.Transcribe(ctx, bytes.NewReader(b), contentType)
}
