package voice

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// sampleRate is what the en-us acoustic model was trained on.
const sampleRate = 16000

// loudness evens out how loud voice notes arrive (each phone records at its own level):
// the recogniser's features and its speech detector assume a typical level. On the
// synthesised evaluation set, -28 LUFS cut the word error rate by about a quarter
// against the raw level; -24 and -31 did no better.
const loudness = "loudnorm=I=-28"

// maxInputBytes bounds what is copied to disk before ffmpeg says how long the audio is;
// five minutes of even uncompressed 48 kHz stereo fits.
const maxInputBytes = 100 << 20

// saveInput copies audio to path, refusing more than maxInputBytes. A file rather than
// a pipe, because some containers (MP4/M4A with the index at the end) need seeking.
func saveInput(path string, audio io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("voice: save audio: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(audio, maxInputBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("voice: save audio: %w", err)
	case n > maxInputBytes:
		return fmt.Errorf("%w: more than %d MiB", ErrTooLong, maxInputBytes>>20)
	case n == 0:
		return ErrNoAudio
	}
	return nil
}

// toWAV converts any audio ffmpeg reads into 16 kHz mono 16-bit WAV, stopping a second
// past limit so an over-long note costs little before it is refused. It returns the CPU
// time ffmpeg used.
func toWAV(ctx context.Context, in, out string, limit time.Duration, contentType string) (time.Duration, error) {
	seconds := strconv.FormatFloat((limit + time.Second).Seconds(), 'f', 3, 64)
	cmd := exec.CommandContext(ctx, ffmpegBin, "-nostdin", "-hide_banner", "-loglevel", "error",
		"-i", in, "-map", "0:a:0", "-t", seconds, "-af", loudness, "-ac", "1", "-ar", strconv.Itoa(sampleRate),
		"-c:a", "pcm_s16le", "-f", "wav", "-y", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	cpu := cpuTime(cmd)
	switch {
	case ctx.Err() != nil:
		return cpu, fmt.Errorf("voice: convert audio: %w", ctx.Err())
	case errors.Is(err, exec.ErrNotFound):
		return cpu, errors.New("voice: ffmpeg not found: install ffmpeg (apt-get install ffmpeg)")
	case err != nil:
		return cpu, fmt.Errorf("voice: ffmpeg cannot read the %s audio: %w: %s", orUnknown(contentType), err, lastLine(stderr.String()))
	}
	return cpu, nil
}

// wavDuration reads how much audio a PCM WAV file holds from its header.
func wavDuration(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("voice: converted audio: %w", err)
	}
	defer f.Close()
	var riff [12]byte
	if _, err := io.ReadFull(f, riff[:]); err != nil || string(riff[:4]) != "RIFF" || string(riff[8:]) != "WAVE" {
		return 0, errors.New("voice: converted audio is not WAV")
	}
	var bytesPerSecond uint32
	for {
		var head [8]byte
		if _, err := io.ReadFull(f, head[:]); err != nil {
			return 0, errors.New("voice: converted audio has no data chunk")
		}
		size := binary.LittleEndian.Uint32(head[4:])
		skip := int64(size) + int64(size%2) // chunks are padded to an even length
		switch string(head[:4]) {
		case "fmt ":
			var format [16]byte
			if size < 16 {
				return 0, errors.New("voice: converted audio has a short format chunk")
			}
			if _, err := io.ReadFull(f, format[:]); err != nil {
				return 0, fmt.Errorf("voice: converted audio: %w", err)
			}
			bytesPerSecond = binary.LittleEndian.Uint32(format[8:12])
			skip -= 16
		case "data":
			if bytesPerSecond == 0 {
				return 0, errors.New("voice: converted audio has data before its format")
			}
			return time.Duration(float64(size) / float64(bytesPerSecond) * float64(time.Second)), nil
		}
		if _, err := f.Seek(skip, io.SeekCurrent); err != nil {
			return 0, fmt.Errorf("voice: converted audio: %w", err)
		}
	}
}

// cpuTime is the user and system CPU time an exited command used.
func cpuTime(cmd *exec.Cmd) time.Duration {
	if cmd.ProcessState == nil {
		return 0
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func orUnknown(contentType string) string {
	if contentType == "" {
		return "unknown"
	}
	return contentType
}
