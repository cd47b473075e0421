package telegram

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUsesWebhook(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]bool{
		"https://desk.example.com":      true,
		"https://desk.example.com:8443": true,
		"https://203.0.113.7":           true,
		"http://desk.example.com":       false, // Telegram posts only over TLS
		"https://localhost:8080":        false,
		"https://127.0.0.1":             false,
		"https://192.168.1.20":          false,
		"https://frontdesk":             false,
		"https://desk.local":            false,
		"":                              false,
	} {
		require.Equal(t, want, (&Channel{BaseURL: base}).usesWebhook(), base)
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, path, want string }{
		{"application/pdf", "documents/file_1.pdf", "application/pdf"},
		{"application/octet-stream", "voice/file_2.oga", "audio/ogg"},
		{"", "photos/file_3.jpg", "image/jpeg"},
		{"application/octet-stream", "documents/file_4", "application/octet-stream"},
	} {
		require.Equal(t, tc.want, contentType(tc.header, tc.path), tc.path)
	}
}
