package knowledge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// pdfText extracts a PDF's text with poppler's pdftotext (Debian's poppler-utils).
func pdfText(ctx context.Context, data []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", errors.New("knowledge: reading PDFs needs pdftotext: install poppler-utils (scripts/setup.sh does)")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-enc", "UTF-8", "-eol", "unix", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("knowledge: %w: reading the PDF took too long", ErrUnreadable)
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return "", fmt.Errorf("knowledge: run pdftotext: %w", err)
		}
		msg := strings.ToLower(stderr.String())
		if exit.ExitCode() == 3 || strings.Contains(msg, "password") || strings.Contains(msg, "encrypt") {
			return "", fmt.Errorf("knowledge: %w: the PDF is encrypted; upload a copy without a password", ErrUnreadable)
		}
		return "", fmt.Errorf("knowledge: %w: the PDF is damaged or not a PDF", ErrUnreadable)
	}
	text := out.String()
	if strings.TrimSpace(strings.ReplaceAll(text, "\f", "")) == "" {
		return "", fmt.Errorf("knowledge: %w: the PDF has no text layer (a scan needs OCR, which frontdesk does not do)", ErrUnreadable)
	}
	return text, nil
}
