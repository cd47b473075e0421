package channels

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrBadPhone is returned for a phone number that cannot be dialled.
var ErrBadPhone = errors.New("not a valid phone number")

// NormalizePhone returns raw in E.164 (+447700900123). A number without a country code
// is read as a number of region (ISO 3166 code such as "GB"). WhatsApp and Twilio
// prefixes ("whatsapp:") are stripped.
func NormalizePhone(raw, region string) (string, error) {
	raw = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "whatsapp:"))
	if raw == "" {
		return "", fmt.Errorf("%w: it is empty", ErrBadPhone)
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrBadPhone, raw, err)
	}
	if !phonenumbers.IsPossibleNumber(num) {
		return "", fmt.Errorf("%w: %q has the wrong number of digits", ErrBadPhone, raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
