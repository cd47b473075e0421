package ai

import (
	"context"
	"strings"
	"unicode"
)

// OfflineClassifier scores intents by cue phrases. It is the v0 the pipeline stands on;
// the trained classifier replaces it without changing the interface.
type OfflineClassifier struct{}

// cues are matched against the lower-cased message padded with spaces, so " open "
// matches a whole word and "open" a stem.
var cues = map[string][]string{ //nolint:gochecknoglobals // read-only table
	IntentHours:      {" open", " close", "hours", "opening", "what time do you", "until when"},
	IntentLocation:   {"where are you", "address", "located", "location", "directions", "parking", "how do i get"},
	IntentPricing:    {"price", "cost", "how much", "fee", "charge", "insurance", "pay"},
	IntentBook:       {"book", "appointment", "schedule", "slot", "available", "come in", "reserve"},
	IntentReschedule: {"reschedule", "move my", "change my appointment", "another time", "postpone"},
	IntentCancel:     {"cancel", "can't make it", "cannot make it", "won't make it"},
	IntentComplaint:  {"complain", "terrible", "awful", "unhappy", "disappointed", "rude", "refund", "worst"},
	IntentHuman:      {"human", "real person", "speak to someone", "talk to someone", "manager", "call me"},
	IntentThanks:     {"thank", "thanks", "cheers", "appreciate"},
	IntentGreeting:   {" hi ", " hello", " hey", "good morning", "good afternoon", "good evening"},
}

// weight makes a specific request outweigh the general words it contains ("reschedule
// my appointment" also matches booking's "schedule" and "appointment").
var weight = map[string]int{IntentReschedule: 2, IntentCancel: 2, IntentComplaint: 2, IntentHuman: 2} //nolint:gochecknoglobals // read-only table

// precedence breaks ties: a request beats a pleasantry.
var precedence = []string{ //nolint:gochecknoglobals // read-only table
	IntentComplaint, IntentHuman, IntentCancel, IntentReschedule, IntentBook,
	IntentHours, IntentLocation, IntentPricing, IntentThanks, IntentGreeting,
}

// Classify returns the best intent for text.
func (OfflineClassifier) Classify(_ context.Context, text string) (Classification, error) {
	norm := " " + normalise(text) + " "
	best, bestScore := "", 0
	for _, intent := range precedence {
		score := 0
		for _, cue := range cues[intent] {
			if strings.Contains(norm, cue) {
				score += max(weight[intent], 1)
			}
		}
		if score > bestScore {
			best, bestScore = intent, score
		}
	}
	switch {
	case best != "":
		conf := 0.6 + 0.1*float64(bestScore-1)
		if conf > 0.95 {
			conf = 0.95
		}
		return Classification{Intent: best, Confidence: conf}, nil
	case strings.Contains(text, "?"):
		return Classification{Intent: IntentQuestion, Confidence: 0.5}, nil
	default:
		return Classification{Intent: IntentUnknown, Confidence: 0.3}, nil
	}
}

// normalise lower-cases and turns punctuation into spaces, keeping apostrophes.
func normalise(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)), " ")
}
