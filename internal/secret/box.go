package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// ErrNoKey is returned when there is no stable key to seal with.
var ErrNoKey = errors.New("FRONTDESK_SECRET_KEY is not set: credentials are encrypted with it, " +
	"and a key that changes at every start would make them unreadable")

// Box seals small secrets (channel credentials) with AES-256-GCM. Its key is derived
// from the server's secret key for this one purpose, so a leaked sealing key says
// nothing about the key that signs CSRF tokens, and the reverse.
type Box struct {
	aead cipher.AEAD
}

// NewBox derives the sealing key from master. An empty master gives a Box that refuses
// to seal or open, with ErrNoKey.
func NewBox(master []byte) (*Box, error) {
	if len(master) == 0 {
		return &Box{}, nil
	}
	key, err := hkdf.Key(sha256.New, master, nil, "frontdesk channel credentials v1", 32)
	if err != nil {
		return nil, fmt.Errorf("secret: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain; context binds the result to where it is stored (an account id),
// so a sealed value copied to another row does not open.
func (b *Box) Seal(plain, context []byte) ([]byte, error) {
	if b.aead == nil {
		return nil, ErrNoKey
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	_, _ = rand.Read(nonce)
	return b.aead.Seal(nonce, nonce, plain, context), nil
}

// Open decrypts what Seal returned for the same context.
func (b *Box) Open(sealed, context []byte) ([]byte, error) {
	if b.aead == nil {
		return nil, ErrNoKey
	}
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, errors.New("secret: sealed value is truncated")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], context)
	if err != nil {
		return nil, errors.New("secret: cannot open sealed value: wrong key or tampered data")
	}
	return plain, nil
}

// Ready reports whether the Box has a key to seal with.
func (b *Box) Ready() bool { return b.aead != nil }
