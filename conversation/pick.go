package conversation

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// storedOffer is the free times a sent reply offered, kept on the conversation until the
// customer picks one, the offer expires, or another reply replaces it.
type storedOffer struct {
	ServiceID int64       `json:"service_id"`
	Service   string      `json:"service"`
	Slots     []time.Time `json:"slots"`
	ExpiresAt time.Time   `json:"expires_at"`
	// RescheduleID is the appointment a picked time moves, instead of booking a new one.
	RescheduleID int64 `json:"reschedule_appointment_id,omitempty"`
	// CancelID, when set, makes this a question instead: "cancel this appointment?"
	CancelID    int64     `json:"cancel_appointment_id,omitempty"`
	CancelStart time.Time `json:"cancel_start,omitzero"`
}

// offerTTL is how long offered times stay on the table.
const offerTTL = 24 * time.Hour

var (
	pickNumber  = regexp.MustCompile(`^(?:option|number|no\.?|#|slot)?\s*([1-9])(?:st|nd|rd|th)?\s*(?:one|option|please|pls|thanks|thank you|is fine|works|[.!)])*$`) //nolint:gochecknoglobals // compiled once
	pickOrdinal = regexp.MustCompile(`^(?:the\s+)?(first|second|third|fourth|fifth)(?:\s+one)?(?:\s+(?:please|pls|thanks))?[.!]*$`)                                   //nolint:gochecknoglobals // compiled once
	pickClock   = regexp.MustCompile(`\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?`)                                                                          //nolint:gochecknoglobals // compiled once
	pickYes     = regexp.MustCompile(`^(?:yes|yeah|yep|ok|okay|sure|perfect|great|that works|sounds good)\b`)                                                         //nolint:gochecknoglobals // compiled once
)

var ordinals = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5} //nolint:gochecknoglobals // read-only table

// saysYes is whether a reply agrees to the question it answers.
func saysYes(text string) bool { return pickYes.MatchString(strings.ToLower(strings.TrimSpace(text))) }

// pickSlot reads which offered time a reply chooses: its number ("2", "the second one"),
// its clock time ("the 3:30 one", "14:00"), or a plain yes when only one was offered.
// It picks nothing when the reply is ambiguous, so a person reads it instead.
func pickSlot(text string, slots []time.Time) (time.Time, bool) {
	msg := strings.ToLower(strings.TrimSpace(text))
	if m := pickNumber.FindStringSubmatch(msg); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(slots) {
			return slots[n-1], true
		}
		return time.Time{}, false
	}
	if m := pickOrdinal.FindStringSubmatch(msg); m != nil {
		if n := ordinals[m[1]]; n <= len(slots) {
			return slots[n-1], true
		}
		return time.Time{}, false
	}
	var match []time.Time
	for _, m := range pickClock.FindAllStringSubmatch(msg, -1) {
		if m[2] == "" && m[3] == "" {
			continue // a bare number is not a time
		}
		h, _ := strconv.Atoi(m[1])
		mins, _ := strconv.Atoi(m[2])
		pm := strings.HasPrefix(m[3], "p")
		for _, s := range slots {
			sh := s.Hour()
			same := s.Minute() == mins && (sh == h || (m[3] == "" && sh == h+12) || (pm && sh == h%12+12) || (m[3] != "" && !pm && sh == h%12))
			if same && !contains(match, s) {
				match = append(match, s)
			}
		}
	}
	if len(match) == 1 {
		return match[0], true
	}
	if len(match) == 0 && len(slots) == 1 && pickYes.MatchString(msg) {
		return slots[0], true
	}
	return time.Time{}, false
}

func contains(ts []time.Time, t time.Time) bool {
	for _, x := range ts {
		if x.Equal(t) {
			return true
		}
	}
	return false
}
