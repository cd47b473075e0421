package voice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// decode runs pocketsphinx on a 16 kHz mono WAV file and returns the words it heard and
// the CPU time it used. Its log goes to a file in scratch, read only to explain a failure.
func (o *Offline) decode(ctx context.Context, wav, scratch string) (string, time.Duration, error) {
	logPath := filepath.Join(scratch, "pocketsphinx.log")
	cmd := exec.CommandContext(ctx, sphinxBin, "-infile", wav, "-hmm", o.opts.ModelDir,
		"-lm", o.model.lm, "-dict", o.model.dict, "-samprate", strconv.Itoa(sampleRate), "-logfn", logPath)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	cpu := cpuTime(cmd)
	switch {
	case ctx.Err() != nil:
		return "", cpu, fmt.Errorf("voice: recognise speech: %w", ctx.Err())
	case errors.Is(err, exec.ErrNotFound):
		return "", cpu, errors.New("voice: pocketsphinx_continuous not found: install pocketsphinx (apt-get install pocketsphinx)")
	case err != nil:
		log, _ := os.ReadFile(logPath)
		return "", cpu, fmt.Errorf("voice: pocketsphinx: %w: %s", err, lastError(string(log)))
	}
	// One line per stretch of speech between pauses; fillers such as <sil> or [noise]
	// are not words.
	var words []string
	for _, w := range strings.Fields(stdout.String()) {
		if !strings.HasPrefix(w, "<") && !strings.HasPrefix(w, "[") {
			words = append(words, strings.ToLower(w))
		}
	}
	return strings.Join(words, " "), cpu, nil
}

// lastError picks the last ERROR or FATAL line of a pocketsphinx log, which says why
// it stopped, or else the log's last line.
func lastError(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "ERROR") || strings.HasPrefix(lines[i], "FATAL") {
			return strings.TrimSpace(lines[i])
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
