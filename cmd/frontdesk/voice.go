package main

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/channels/voice"
)

// lazyVoice builds the offline transcriber when the first voice note arrives: its
// language model takes seconds to build (then comes from the disk cache), and most
// processes, tests among them, never see a voice note.
type lazyVoice struct {
	log  *slog.Logger
	once sync.Once
	v    *voice.Offline
	err  error
}

// Transcribe implements conversation.Transcriber. When the tools are missing it says
// which to install; the pipeline keeps the audio and answers without a transcript.
func (l *lazyVoice) Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error) {
	l.once.Do(func() {
		services := make([]string, 0, len(demoServices()))
		for _, s := range demoServices() {
			services = append(services, s.Name)
		}
		l.v, l.err = voice.NewOffline(voice.Options{Corpus: []string{ai.TrainingText()}, Services: services})
		if l.err != nil {
			l.log.Warn("voice notes will not be transcribed", "error", l.err)
		}
	})
	if l.err != nil {
		return "", l.err
	}
	return l.v.Transcribe(ctx, audio, contentType)
}
