package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A customer records a voice note in the portal: it is stored, transcribed offline,
// and the draft answers what was said.
func TestVoiceNoteIsTranscribedAndAnswered(t *testing.T) {
	t.Parallel()
	requireVoiceTools(t)
	dir := t.TempDir()
	wav, ogg := filepath.Join(dir, "note.wav"), filepath.Join(dir, "note.ogg")
	require.NoError(t, exec.Command("espeak-ng", "-v", "en-us+klatt2", "-s", "160", "-w", wav, "are you open on saturday").Run())
	// WhatsApp and browsers send Opus in Ogg.
	require.NoError(t, exec.Command("ffmpeg", "-loglevel", "error", "-i", wav, "-c:a", "libopus", ogg).Run())
	data, err := os.ReadFile(ogg)
	require.NoError(t, err)

	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900491", "Vi")
	status, msg := customer.postFile("/api/v1/portal/files", nil, "voice-note.ogg", data)
	require.Equal(t, http.StatusCreated, status, msg)
	require.Equal(t, "audio", msg["attachments"].([]any)[0].(map[string]any)["kind"])

	var transcript string
	require.Eventually(t, func() bool {
		err := s.app.pool.QueryRow(context.Background(), `SELECT coalesce(transcript, '') FROM attachments`).Scan(&transcript)
		return err == nil && transcript != ""
	}, 60*time.Second, 100*time.Millisecond, "the voice note is transcribed")
	require.Contains(t, transcript, "saturday")
	d := waitDraft(t, owner, msg["id"].(float64))
	require.Contains(t, strings.ToLower(d["content"].(string)), "saturday", "the reply answers the spoken question")
}
