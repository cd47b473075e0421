// Package ai holds frontdesk's model providers. The offline provider needs no key and
// no network: an intent classifier trained at first use from the utterances it ships,
// entity extraction for dates, times, names and contact details, and an extractive
// drafter that answers only from the sources and facts it is given, and otherwise says
// it will check with the team.
// Consumers (conversation, knowledge, booking) declare the interfaces they need.
package ai

import (
	"errors"
	"time"
)

// ErrProviderFailed wraps every error of a remote model provider (unreachable, rate
// limited, timed out, or answering what cannot be used), so a consumer can tell a failed
// model from a failed database and carry on without the model's help.
var ErrProviderFailed = errors.New("model provider failed")

// Intents the classifier knows: the set. The string values are stored in drafts
// and in a workspace's auto-send list, so they are part of the data, not just names.
const (
	IntentBook         = "book_appointment"
	IntentReschedule   = "reschedule_appointment"
	IntentCancel       = "cancel_appointment"
	IntentAvailability = "check_availability"
	IntentHours        = "ask_hours"
	IntentLocation     = "ask_location"
	IntentPricing      = "ask_price"
	IntentQuestion     = "faq_question"
	IntentGreeting     = "greeting"
	IntentThanks       = "thanks_goodbye"
	IntentHuman        = "human_handoff"
	IntentComplaint    = "complaint"
	IntentUnknown      = "out_of_scope"
	OfflineProviderID  = "offline-v1"
)

// Intents lists every intent, in the order above.
func Intents() []string {
	return []string{IntentBook, IntentReschedule, IntentCancel, IntentAvailability, IntentHours, IntentLocation,
		IntentPricing, IntentQuestion, IntentGreeting, IntentThanks, IntentHuman, IntentComplaint, IntentUnknown}
}

// Classification is an intent with the classifier's confidence in [0, 1].
type Classification struct {
	Intent     string
	Confidence float64
	// Provider names the model that classified, e.g. OfflineProviderID.
	Provider string
}

// Persona is how the assistant presents itself.
type Persona struct {
	BusinessName       string
	AssistantName      string
	Role               string
	Personality        string
	CustomInstructions string
}

// Source is a passage of the business's own documents.
type Source struct {
	Title string
	// Heading is the passage's place in its document ("Prices › Whitening").
	Heading string
	Content string
}

// DraftRequest is everything the drafter may use. It must not state a fact that is
// not in here.
type DraftRequest struct {
	Persona     Persona
	ContactName string
	Message     string
	Intent      Classification
	Sources     []Source
	// Hours maps a weekday to its opening windows, e.g. "09:00–17:00"; no entry means closed.
	Hours map[time.Weekday][]string
	// Now is in the workspace's timezone, so "today" and "tomorrow" mean the business's days.
	Now time.Time
	// Offer holds the calendar's free times for a booking request; nil when none were looked up.
	Offer *SlotOffer
	// History is the conversation before Message, oldest first; a model reads it for
	// context, never as a source of facts.
	History []Turn
	// Context is what is known about this conversation (the workspace's context fields:
	// "Budget: 1400"); like History, it is about the customer, never about the business.
	Context []Fact
}

// Fact is one context field of a conversation, by its label.
type Fact struct {
	Label, Value string
}

// Turn is one earlier message of the conversation.
type Turn struct {
	// Role is TurnCustomer or TurnBusiness.
	Role string
	Text string
}

// Who said a Turn.
const (
	TurnCustomer = "customer"
	TurnBusiness = "business"
)

// SlotOffer is what the calendar says about a booking request.
type SlotOffer struct {
	// Service is the service the times are for; empty when the message named none and
	// the business has several (Choices lists them).
	Service string
	Choices []string
	// Current is the start of the appointment being moved; zero when booking a new one.
	Current time.Time
	// Asked is the customer's own words for when ("next Tuesday afternoon"), if any.
	Asked string
	// Slots are free starts in the asked-for span, in the workspace's timezone.
	Slots []time.Time
	// Alternatives are the next free starts when nothing was free when asked.
	Alternatives []time.Time
}

// Draft is a proposed reply.
type Draft struct {
	Text string
	// NeedsHuman is set when the reply defers to the team (no source behind it, a
	// complaint, a request for a person).
	NeedsHuman bool
	Provider   string
	// Cited numbers the sources the reply stands on, from 1, when the drafter says.
	Cited []int
}
