package conversation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// IngestResult says where a message landed.
type IngestResult struct {
	MessageID      int64
	ConversationID int64
	ContactID      int64
	// Duplicate is set when the channel redelivered a message already stored.
	Duplicate bool
	// Message is the stored message (for a duplicate, as first stored).
	Message Message
}

// ProcessMessageArgs is the job that classifies a message and drafts its reply.
type ProcessMessageArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	MessageID   int64 `json:"message_id"`
}

// Kind implements river.JobArgs.
func (ProcessMessageArgs) Kind() string { return "process_message" }

// CheckText returns the trimmed text or why it cannot be accepted.
func (s *Service) CheckText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ErrEmptyMessage
	}
	if len(text) > s.MaxMessage {
		return "", fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLong, len(text), s.MaxMessage)
	}
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	}
	return text, nil
}

// Ingest stores an inbound message and queues its processing, in one transaction: once
// it returns nil the message is durable and will be processed. A redelivery of the same
// external id stores nothing and reports Duplicate.
func (s *Service) Ingest(ctx context.Context, in channels.Inbound) (IngestResult, error) {
	// Whichever channel it came by, the message is stored within its workspace's wall.
	ctx = tenant.With(ctx, in.WorkspaceID)
	text, err := s.CheckText(in.Text)
	if errors.Is(err, ErrEmptyMessage) && len(in.Attachments) > 0 {
		err = nil // a photo or a voice note alone is a message
	}
	if err != nil {
		return IngestResult{}, err
	}
	in.Text = text
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = s.Now()
	}
	var res IngestResult
	err = s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		res, err = s.ingestTx(ctx, tx, in, ev)
		return err
	})
	if errors.Is(err, errDuplicate) || (err == nil && len(in.Attachments) > 0) {
		// The stored message, with its attachments' ids.
		res.Message, err = s.message(ctx, in.WorkspaceID, res.MessageID)
		return res, err
	}
	return res, err
}

// errDuplicate rolls back the ingest transaction of a redelivered message.
var errDuplicate = errors.New("duplicate message")

func (s *Service) ingestTx(ctx context.Context, tx pgx.Tx, in channels.Inbound, ev *announce) (IngestResult, error) {
	var res IngestResult
	contactID, err := s.resolveContact(ctx, tx, in)
	if err != nil {
		return res, err
	}
	res.ContactID = contactID
	var ext *string
	if in.ExternalID != "" {
		ext = &in.ExternalID
	}
	var account *int64
	if in.AccountID != 0 {
		account = &in.AccountID
	}
	err = tx.QueryRow(ctx, s.q.InsertInbound, in.WorkspaceID, contactID, in.Channel, in.Text, ext, in.ReceivedAt, account).Scan(&res.MessageID, &res.ConversationID)
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == pgerrcode.ForeignKeyViolation {
		return res, fmt.Errorf("conversation: contact %d: %w", contactID, ErrNotFound)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		// Redelivered: report the stored message, roll back the rest.
		res.Duplicate = true
		if err := tx.QueryRow(ctx, s.q.MessageByExternalID, in.WorkspaceID, in.Channel, in.ExternalID).Scan(&res.MessageID, &res.ConversationID); err != nil {
			return res, fmt.Errorf("conversation: find redelivered message: %w", err)
		}
		return res, errDuplicate
	}
	if err != nil {
		return res, fmt.Errorf("conversation: insert message: %w", err)
	}
	pending, err := s.insertAttachments(ctx, tx, in, res.MessageID)
	if err != nil {
		return res, err
	}
	// Files still at the provider are fetched first; the fetch queues the processing,
	// so a voice note is drafted from its transcript.
	var job river.JobArgs = ProcessMessageArgs{WorkspaceID: in.WorkspaceID, MessageID: res.MessageID}
	if pending {
		job = FetchAttachmentsArgs{WorkspaceID: in.WorkspaceID, MessageID: res.MessageID}
	}
	if _, err := s.jobs.InsertTx(ctx, tx, job, nil); err != nil {
		return res, fmt.Errorf("conversation: queue processing: %w", err)
	}
	res.Message = Message{
		ID: res.MessageID, ConversationID: res.ConversationID, Direction: "inbound", SenderType: "contact",
		Channel: in.Channel, Text: in.Text, DeliveryStatus: "received", CreatedAt: in.ReceivedAt,
	}
	ev.add(live.Event{WorkspaceID: in.WorkspaceID, Kind: "message", ConversationID: res.ConversationID, ContactID: contactID})
	return res, nil
}

// resolveContact finds the sender: by the id a channel already knows, by phone, or by
// channel address, creating the contact when it is new.
func (s *Service) resolveContact(ctx context.Context, db database.DBTX, in channels.Inbound) (int64, error) {
	if in.ContactID != 0 {
		// The conversations foreign key checks the contact is the workspace's.
		return in.ContactID, nil
	}
	address := in.Address
	if address == "" {
		address = in.Phone
	}
	if in.Phone != "" {
		var id int64
		if err := db.QueryRow(ctx, s.q.UpsertContactWithAddress, in.WorkspaceID, in.Phone, in.Name, in.Channel, address).Scan(&id); err != nil {
			return 0, fmt.Errorf("conversation: upsert contact: %w", err)
		}
		return id, nil
	}
	if address == "" {
		return 0, fmt.Errorf("%w: a message needs a contact, phone or address", ErrInvalid)
	}
	var id int64
	err := db.QueryRow(ctx, s.q.ContactByAddress, in.WorkspaceID, in.Channel, address).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("conversation: find contact: %w", err)
	}
	if err := db.QueryRow(ctx, s.q.InsertContact, in.WorkspaceID, in.Name).Scan(&id); err != nil {
		return 0, fmt.Errorf("conversation: create contact: %w", err)
	}
	tag, err := db.Exec(ctx, s.q.InsertAddress, in.WorkspaceID, in.Channel, address, id)
	if err != nil {
		return 0, fmt.Errorf("conversation: record address: %w", err)
	}
	if tag.RowsAffected() == 0 {
		// Another message from the same new address won the race: the transaction
		// retries cleanly from the caller's side.
		return 0, fmt.Errorf("conversation: contact for %s/%s created concurrently; retry", in.Channel, address)
	}
	return id, nil
}

// PortalAddress is the address a portal contact is known by.
func PortalAddress(contactID int64) string { return "contact:" + strconv.FormatInt(contactID, 10) }

var _ river.JobArgs = ProcessMessageArgs{}
