package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/knowledge"
)

// Conversation is a thread with one contact on one channel.
type Conversation struct {
	ID            int64         `json:"id"`
	ContactID     int64         `json:"contact_id"`
	ContactName   string        `json:"contact_name"`
	ContactPhone  string        `json:"contact_phone,omitempty"`
	Channel       channels.Kind `json:"channel"`
	Status        string        `json:"status"`
	NeedsHuman    bool          `json:"needs_human"`
	LastMessageAt time.Time     `json:"last_message_at"`
	LastText      string        `json:"last_text,omitempty"`
	PendingDrafts int64         `json:"pending_drafts"`
	// AssignedTo is the member who looks after the conversation (0: nobody).
	AssignedTo   int64  `json:"assigned_to,omitempty"`
	AssigneeName string `json:"assignee_name,omitempty"`
	// Completion (percent of required context fields filled) and Priority come from the
	// workspace's context schema (conversation/tracking).
	Completion int `json:"completion"`
	Priority   int `json:"priority"`
}

// Message is one message in a conversation.
type Message struct {
	ID             int64         `json:"id"`
	ConversationID int64         `json:"conversation_id"`
	Direction      string        `json:"direction"`
	SenderType     string        `json:"sender_type"`
	Channel        channels.Kind `json:"channel"`
	Text           string        `json:"text"`
	IsAIGenerated  bool          `json:"is_ai_generated"`
	DeliveryStatus string        `json:"delivery_status"`
	DeliveryError  string        `json:"delivery_error,omitempty"`
	CreatedAt      time.Time     `json:"created_at"`
	Attachments    []Attachment  `json:"attachments,omitempty"`
}

// Draft is a proposed reply and its fate.
type Draft struct {
	ID             int64              `json:"id"`
	ConversationID int64              `json:"conversation_id"`
	MessageID      int64              `json:"message_id"`
	Content        string             `json:"content"`
	Original       string             `json:"original"`
	Intent         string             `json:"intent"`
	Confidence     float32            `json:"confidence"`
	Sources        []knowledge.Result `json:"sources"`
	Provider       string             `json:"provider"`
	NeedsHuman     bool               `json:"needs_human"`
	Status         string             `json:"status"`
	Error          string             `json:"error,omitempty"`
	CreatedAt      time.Time          `json:"created_at"`
	// Files are what a person attached when approving it (loaded by Draft only).
	Files []Attachment `json:"files,omitempty"`
}

func scanConversation(row pgx.Row) (Conversation, error) {
	var c Conversation
	err := row.Scan(&c.ID, &c.ContactID, &c.ContactName, &c.ContactPhone, &c.Channel, &c.Status,
		&c.NeedsHuman, &c.LastMessageAt, &c.LastText, &c.PendingDrafts, &c.AssignedTo, &c.AssigneeName, &c.Completion, &c.Priority)
	return c, err
}

// Conversations lists the workspace's conversations, most recent first.
func (s *Service) Conversations(ctx context.Context, db database.DBTX, ws int64, limit int) ([]Conversation, error) {
	return s.ConversationsFor(ctx, db, ws, ConversationFilter{Limit: limit})
}

// SortedConversations lists the workspace's conversations by sort: "priority" (highest
// first), "completion" (least complete first), or anything else for most recent first.
func (s *Service) SortedConversations(ctx context.Context, db database.DBTX, ws int64, limit int, sort string) ([]Conversation, error) {
	return s.ConversationsFor(ctx, db, ws, ConversationFilter{Limit: limit, Sort: sort})
}

// ConversationFilter narrows the conversation list by assignee and orders it.
type ConversationFilter struct {
	AssignedTo int64 // only this member's (0: anyone's)
	Unassigned bool  // only those nobody looks after
	Limit      int
	// Sort is "priority" (highest first), "completion" (least complete first), or
	// anything else for most recent first.
	Sort string
}

// ConversationsFor lists the conversations f selects, in f's order.
func (s *Service) ConversationsFor(ctx context.Context, db database.DBTX, ws int64, f ConversationFilter) ([]Conversation, error) {
	rows, err := db.Query(ctx, s.q.ListConversations, ws, f.Limit, f.AssignedTo, f.Unassigned, f.Sort)
	if err != nil {
		return nil, fmt.Errorf("conversation: list conversations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Conversation, error) { return scanConversation(r) })
	if err != nil {
		return nil, fmt.Errorf("conversation: list conversations: %w", err)
	}
	return out, nil
}

// Conversation returns one conversation of the workspace.
func (s *Service) Conversation(ctx context.Context, db database.DBTX, ws, id int64) (Conversation, error) {
	c, err := scanConversation(db.QueryRow(ctx, s.q.GetConversation, ws, id))
	if err != nil {
		return c, notFound(fmt.Sprintf("conversation %d", id), err)
	}
	return c, nil
}

func collectMessages(rows pgx.Rows, err error) ([]Message, error) {
	if err != nil {
		return nil, fmt.Errorf("conversation: list messages: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) {
		var m Message
		err := r.Scan(&m.ID, &m.ConversationID, &m.Direction, &m.SenderType, &m.Channel, &m.Text,
			&m.IsAIGenerated, &m.DeliveryStatus, &m.DeliveryError, &m.CreatedAt)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: list messages: %w", err)
	}
	return out, nil
}

// Messages lists a conversation's messages after the id afterID, oldest first.
func (s *Service) Messages(ctx context.Context, db database.DBTX, ws, conversationID, afterID int64, limit int) ([]Message, error) {
	if _, err := s.Conversation(ctx, db, ws, conversationID); err != nil {
		return nil, err
	}
	msgs, err := collectMessages(db.Query(ctx, s.q.ListMessages, ws, conversationID, afterID, limit))
	if err != nil {
		return nil, err
	}
	return msgs, s.attachments(ctx, db, ws, msgs)
}

// ContactMessages lists what a contact and the business said on one channel.
func (s *Service) ContactMessages(ctx context.Context, db database.DBTX, ws, contactID int64, ch channels.Kind, afterID int64, limit int) ([]Message, error) {
	msgs, err := collectMessages(db.Query(ctx, s.q.ContactMessages, ws, contactID, ch, afterID, limit))
	if err != nil {
		return nil, err
	}
	return msgs, s.attachments(ctx, db, ws, msgs)
}

func scanDraft(row pgx.Row) (Draft, error) {
	var d Draft
	err := row.Scan(&d.ID, &d.ConversationID, &d.MessageID, &d.Content, &d.Original, &d.Intent, &d.Confidence,
		&d.Sources, &d.Provider, &d.NeedsHuman, &d.Status, &d.Error, &d.CreatedAt)
	return d, err
}

// DraftFilter narrows Drafts.
type DraftFilter struct {
	Status         string
	ConversationID int64
	Limit          int
}

// Drafts lists the workspace's drafts, newest first.
func (s *Service) Drafts(ctx context.Context, db database.DBTX, ws int64, f DraftFilter) ([]Draft, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := db.Query(ctx, s.q.ListDrafts, ws, f.Status, f.ConversationID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("conversation: list drafts: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Draft, error) { return scanDraft(r) })
	if err != nil {
		return nil, fmt.Errorf("conversation: list drafts: %w", err)
	}
	return out, nil
}

// Draft returns one draft of the workspace.
func (s *Service) Draft(ctx context.Context, db database.DBTX, ws, id int64) (Draft, error) {
	d, err := scanDraft(db.QueryRow(ctx, s.q.GetDraft, ws, id))
	if err != nil {
		return d, notFound(fmt.Sprintf("draft %d", id), err)
	}
	rows, err := db.Query(ctx, s.q.DraftFiles, ws, id)
	if err != nil {
		return d, fmt.Errorf("conversation: files of draft %d: %w", id, err)
	}
	d.Files, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attachment, error) {
		var a Attachment
		err := r.Scan(&a.ID, &a.MessageID, &a.Status, &a.Kind, &a.FileName, &a.ContentType, &a.Size, &a.Transcript, &a.Error)
		return a, err
	})
	if err != nil {
		return d, fmt.Errorf("conversation: files of draft %d: %w", id, err)
	}
	return d, nil
}

// message returns one message of the workspace.
func (s *Service) message(ctx context.Context, ws, id int64) (Message, error) {
	msgs, err := collectMessages(s.Pool.Query(ctx, s.q.GetMessage, ws, id))
	if err != nil {
		return Message{}, err
	}
	if len(msgs) == 0 {
		return Message{}, fmt.Errorf("conversation: message %d: %w", id, ErrNotFound)
	}
	return msgs[0], s.attachments(ctx, s.Pool, ws, msgs)
}
