// Package channels is the contract between the places customers write from (Twilio,
// WhatsApp, Telegram, the web portal) and the conversation pipeline. Each channel
// package verifies and normalises what it receives into an Inbound, and delivers an
// Outbound. The pipeline declares the Sender interface it needs; channel packages
// return concrete types.
package channels

import "time"

// Kind names a channel. It is stored on contacts' addresses, conversations and messages.
type Kind string

// The channels frontdesk speaks.
const (
	Portal      Kind = "portal"
	SMS         Kind = "sms"
	WhatsApp    Kind = "whatsapp"
	Telegram    Kind = "telegram"
	TwilioWhats Kind = "twilio_whatsapp"
)

// Inbound is one message a customer sent, normalised.
type Inbound struct {
	WorkspaceID int64
	Channel     Kind
	// ExternalID is the provider's id of the message; a redelivery carries the same one.
	// Empty means the channel has no ids of its own (the caller then gets no dedupe).
	ExternalID string
	// Address is the customer's address on the channel (phone, chat id, JID).
	Address string
	// Phone is the customer's phone in E.164 when the channel knows it.
	Phone      string
	Name       string
	Text       string
	ReceivedAt time.Time
	// ContactID is set when the channel already knows the contact (a portal session).
	ContactID int64
}

// Outbound is one reply to deliver.
type Outbound struct {
	WorkspaceID    int64
	ConversationID int64
	Channel        Kind
	Address        string
	Text           string
	// IdempotencyKey is stable across retries of the same reply (the draft id).
	IdempotencyKey string
}
