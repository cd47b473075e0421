package media

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrBadLink is a file link that was forged, altered or has expired.
var ErrBadLink = errors.New("the link is invalid or has expired")

// Links signs links to stored files for a provider that fetches the file itself (Twilio
// fetches an MMS's MediaUrl): the link needs no session, cannot be guessed or altered,
// and stops working after a while.
type Links struct {
	key []byte
}

// NewLinks signs links under a key derived from secret (FRONTDESK_SECRET_KEY), kept
// apart from the key's other uses.
func NewLinks(secret []byte) *Links {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("frontdesk/media-link/v1"))
	return &Links{key: mac.Sum(nil)}
}

// Token is the link's last path segment for the file under key, valid until expires.
func (l *Links) Token(key string, expires time.Time) string {
	payload := key + "|" + strconv.FormatInt(expires.Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(l.sign(payload))
}

// Open checks a token at now and returns the key of the file it names.
func (l *Links) Open(token string, now time.Time) (string, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrBadLink
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return "", ErrBadLink
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, l.sign(string(payload))) {
		return "", ErrBadLink
	}
	key, exp, ok := strings.Cut(string(payload), "|")
	unix, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil || key == "" || !now.Before(time.Unix(unix, 0)) {
		return "", ErrBadLink
	}
	return key, nil
}

func (l *Links) sign(payload string) []byte {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte(payload))
	return mac.Sum(nil)
}
