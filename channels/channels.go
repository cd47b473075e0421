// Package channels is the contract between the places customers write from (Twilio,
// WhatsApp, Telegram, the web portal) and the conversation pipeline. Each channel
// package verifies and normalises what it receives into an Inbound, and delivers an
// Outbound. The pipeline declares the Sender interface it needs; channel packages
// return concrete types.
package channels

import (
	"context"
	"errors"
	"io"
	"time"
)

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
	// AccountID is the channel account the message came through; replies leave by it.
	AccountID int64
	// Attachments are the files and voice notes that came with the message.
	Attachments []Attachment
}

// Attachment is a file that came with a message: either already stored (Key set, as
// when a portal customer uploads), or still at the provider (Source set: a media URL,
// a Telegram file id), fetched by a job after the message is safely stored.
type Attachment struct {
	Source      string
	Name        string
	ContentType string
	// Key, Kind and Size describe a file already in the media store.
	Key  string
	Kind string
	Size int64
}

// Outbound is one reply to deliver.
type Outbound struct {
	WorkspaceID    int64
	ConversationID int64
	Channel        Kind
	Address        string
	Text           string
	// AccountID is the channel account to send through (the one the customer wrote to).
	AccountID int64
	// IdempotencyKey is stable across retries of the same reply (the draft id).
	IdempotencyKey string
	// Files are what the owner attached to the reply, in the media store.
	Files []File
}

// File is a stored file that goes out with a reply.
type File struct {
	// Key names it in the media store (what a signed link to it carries).
	Key         string
	Name        string
	ContentType string
	// Kind is the media kind: image, audio, video or document.
	Kind string
	Size int64
	// Open reads it from the media store.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// permanentError marks a delivery or download error that retrying cannot fix (an
// invalid number, a blocked recipient, a file the provider no longer has).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so the pipeline gives up at once instead of retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	_, ok := errors.AsType[permanentError](err)
	return ok
}

// RetryAfterError asks for the next attempt no sooner than After (a 429's Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }
