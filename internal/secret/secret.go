// Package secret makes the random tokens frontdesk hands out (sessions, API tokens,
// portal links) and the hashes it stores in their place.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// New returns 256 random bits, URL-safe, after a prefix that says what the token is for.
func New(prefix string) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash is what is stored for a token: enough to look it up, useless to present.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
