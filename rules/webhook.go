package rules

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// SignatureHeader carries a webhook action's signature.
const SignatureHeader = "X-Frontdesk-Signature"

// Sign is the signature header's value for body sent at t: the receiver recomputes
// the HMAC-SHA256 of "<t>.<body>" with the shared secret, compares it in constant
// time, and refuses old timestamps so a captured request cannot be replayed.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}
