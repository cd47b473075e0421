package conversation

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed contacts.sql
var contactsSQL string

// contactQueries are the contact directory's statements (contacts.sql): search, detail,
// merge, export and erasure.
type contactQueries struct {
	SearchContacts, GetContact, ContactAddresses, ContactConversations, ContactAppointments        string
	DuplicateCandidates, LockContacts, LockContact, CloseCollidingConversations, MoveConversations string
	MoveAddresses, MoveAppointments, MovePortalLinks, MovePortalSessions, DeleteContact            string
	FillContact, ExportMessages, ExportAttachments, ExportDrafts, ExportAppointments               string
	ExportNotifications, ContactBlobKeys, EraseAttachments, EraseMessages, EraseDrafts             string
	EraseNotifications, EraseConversations, EraseAppointments, EraseReachability                   string
	EraseContact, AllContactsCSV                                                                   string
}

func loadContactQueries() (contactQueries, error) {
	var q contactQueries
	if err := sqlset.Load(&q, contactsSQL); err != nil {
		return q, fmt.Errorf("conversation: contacts: %w", err)
	}
	return q, nil
}

// ContactsPerPage is how many contacts one page of the directory lists.
const ContactsPerPage = 50

// ContactSummary is one row of the contact directory.
type ContactSummary struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Phone         string     `json:"phone,omitempty"`
	Email         string     `json:"email,omitempty"`
	Channels      []string   `json:"channels"`
	Conversations int64      `json:"conversations"`
	Appointments  int64      `json:"appointments"`
	LastMessageAt *time.Time `json:"last_message_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// DisplayName is how the contact is shown: the name, else the phone, else a number.
func (c ContactSummary) DisplayName() string { return displayName(c.ID, c.Name, c.Phone) }

func displayName(id int64, name, phone string) string {
	switch {
	case name != "":
		return name
	case phone != "":
		return phone
	default:
		return fmt.Sprintf("Customer #%d", id)
	}
}

// ContactPage is one page of a directory search.
type ContactPage struct {
	Contacts []ContactSummary `json:"contacts"`
	Page     int              `json:"page"`
	PerPage  int              `json:"per_page"`
	Total    int64            `json:"total"`
}

// Pages is how many pages the search has.
func (p ContactPage) Pages() int { return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage)) }

// Prev and Next are the neighbouring page numbers, for links.
func (p ContactPage) Prev() int { return p.Page - 1 }

// Next is the following page number.
func (p ContactPage) Next() int { return p.Page + 1 }

// SearchContacts lists the workspace's contacts whose name, email or phone contains
// query, a page (from 1) at a time.
func (s *Service) SearchContacts(ctx context.Context, db database.DBTX, ws int64, query string, page int) (ContactPage, error) {
	page = max(page, 1)
	query = strings.TrimSpace(query)
	out := ContactPage{Page: page, PerPage: ContactsPerPage, Contacts: []ContactSummary{}}
	rows, err := db.Query(ctx, s.cq.SearchContacts, ws, query, digitsOf(query), ContactsPerPage, (page-1)*ContactsPerPage)
	if err != nil {
		return out, fmt.Errorf("conversation: search contacts: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ContactSummary, error) {
		var c ContactSummary
		err := r.Scan(&c.ID, &c.Name, &c.Phone, &c.Email, &c.CreatedAt, &c.Channels, &c.Conversations,
			&c.Appointments, &c.LastMessageAt, &out.Total)
		return c, err
	})
	if err != nil {
		return out, fmt.Errorf("conversation: search contacts: %w", err)
	}
	if len(list) > 0 {
		out.Contacts = list
	} else if page > 1 {
		// Past the last page: count what the search finds, so the page can say so.
		first, err := s.SearchContacts(ctx, db, ws, query, 1)
		if err != nil {
			return out, err
		}
		out.Total = first.Total
	}
	return out, nil
}

// AllContacts lists every contact not erased, for an export.
func (s *Service) AllContacts(ctx context.Context, db database.DBTX, ws int64) ([]ContactSummary, error) {
	rows, err := db.Query(ctx, s.cq.AllContactsCSV, ws)
	if err != nil {
		return nil, fmt.Errorf("conversation: list contacts: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ContactSummary, error) {
		var c ContactSummary
		var total int64
		err := r.Scan(&c.ID, &c.Name, &c.Phone, &c.Email, &c.CreatedAt, &c.Channels, &c.Conversations,
			&c.Appointments, &c.LastMessageAt, &total)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: list contacts: %w", err)
	}
	return list, nil
}

// digitsOf is the digits of a typed number without a national trunk prefix, so
// "07700 900123" finds +447700900123.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "0")
}

// Address is where a contact is reached on one channel.
type Address struct {
	Channel string `json:"channel"`
	Address string `json:"address"`
}

// ContactConversation is one of a contact's conversations, with what was learned in it.
type ContactConversation struct {
	ID             int64          `json:"id"`
	Channel        string         `json:"channel"`
	Status         string         `json:"status"`
	WorkflowStatus string         `json:"workflow_status"`
	NeedsHuman     bool           `json:"needs_human"`
	Tags           []string       `json:"tags"`
	Context        map[string]any `json:"context"`
	CreatedAt      time.Time      `json:"created_at"`
	LastMessageAt  time.Time      `json:"last_message_at"`
	Messages       int64          `json:"messages"`
}

// ContactAppointment is one of a contact's appointments.
type ContactAppointment struct {
	ID        int64     `json:"id"`
	ServiceID int64     `json:"service_id"`
	Service   string    `json:"service"`
	Status    string    `json:"status"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Notes     string    `json:"notes,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Contact is everything the directory shows about one contact.
type Contact struct {
	ID            int64                 `json:"id"`
	Name          string                `json:"name"`
	Phone         string                `json:"phone,omitempty"`
	Email         string                `json:"email,omitempty"`
	CreatedAt     time.Time             `json:"created_at"`
	ErasedAt      *time.Time            `json:"erased_at,omitempty"`
	Addresses     []Address             `json:"channels"`
	Conversations []ContactConversation `json:"conversations"`
	Appointments  []ContactAppointment  `json:"appointments"`
	// Context is what the conversations learned, the newest conversation's value winning.
	Context map[string]any `json:"context"`
}

// DisplayName is how the contact is shown.
func (c Contact) DisplayName() string {
	if c.ErasedAt != nil {
		return fmt.Sprintf("Erased contact #%d", c.ID)
	}
	return displayName(c.ID, c.Name, c.Phone)
}

// Contact returns one contact of the workspace with its channels, conversations,
// appointments and context; ErrNotFound when the workspace has no such contact.
func (s *Service) Contact(ctx context.Context, db database.DBTX, ws, id int64) (Contact, error) {
	var c Contact
	err := db.QueryRow(ctx, s.cq.GetContact, ws, id).Scan(&c.ID, &c.Name, &c.Phone, &c.Email, &c.CreatedAt, &c.ErasedAt)
	if err != nil {
		return c, notFound(fmt.Sprintf("contact %d", id), err)
	}
	rows, err := db.Query(ctx, s.cq.ContactAddresses, ws, id)
	if err != nil {
		return c, fmt.Errorf("conversation: addresses of contact %d: %w", id, err)
	}
	if c.Addresses, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Address]); err != nil {
		return c, fmt.Errorf("conversation: addresses of contact %d: %w", id, err)
	}
	rows, err = db.Query(ctx, s.cq.ContactConversations, ws, id)
	if err != nil {
		return c, fmt.Errorf("conversation: conversations of contact %d: %w", id, err)
	}
	c.Conversations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ContactConversation, error) {
		var cv ContactConversation
		err := r.Scan(&cv.ID, &cv.Channel, &cv.Status, &cv.WorkflowStatus, &cv.NeedsHuman, &cv.Tags, &cv.Context,
			&cv.CreatedAt, &cv.LastMessageAt, &cv.Messages)
		return cv, err
	})
	if err != nil {
		return c, fmt.Errorf("conversation: conversations of contact %d: %w", id, err)
	}
	rows, err = db.Query(ctx, s.cq.ContactAppointments, ws, id)
	if err != nil {
		return c, fmt.Errorf("conversation: appointments of contact %d: %w", id, err)
	}
	if c.Appointments, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ContactAppointment]); err != nil {
		return c, fmt.Errorf("conversation: appointments of contact %d: %w", id, err)
	}
	c.Context = map[string]any{}
	// Oldest first, so a newer conversation's value overwrites an older one's.
	for i := len(c.Conversations) - 1; i >= 0; i-- {
		for k, v := range c.Conversations[i].Context {
			c.Context[k] = v
		}
	}
	return c, nil
}

// DuplicateCandidates lists contacts that may be the same person as contact id.
func (s *Service) DuplicateCandidates(ctx context.Context, db database.DBTX, ws, id int64) ([]ContactSummary, error) {
	rows, err := db.Query(ctx, s.cq.DuplicateCandidates, ws, id)
	if err != nil {
		return nil, fmt.Errorf("conversation: duplicates of contact %d: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ContactSummary, error) {
		var c ContactSummary
		err := r.Scan(&c.ID, &c.Name, &c.Phone, &c.Email)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: duplicates of contact %d: %w", id, err)
	}
	return list, nil
}

// ContactExport is everything held about one contact, for a subject access request.
type ContactExport struct {
	ExportedAt    time.Time       `json:"exported_at"`
	Contact       Contact         `json:"contact"`
	Messages      json.RawMessage `json:"messages"`
	Attachments   json.RawMessage `json:"attachments"`
	Drafts        json.RawMessage `json:"drafts"`
	Appointments  json.RawMessage `json:"appointments"`
	Notifications json.RawMessage `json:"notifications"`
}

// ExportContact gathers everything held about one contact, read in one snapshot.
func (s *Service) ExportContact(ctx context.Context, ws, id int64) (ContactExport, error) {
	out := ContactExport{ExportedAt: s.Now().UTC()}
	err := pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if out.Contact, err = s.Contact(ctx, tx, ws, id); err != nil {
			return err
		}
		for _, part := range []struct {
			sql string
			dst *json.RawMessage
		}{
			{s.cq.ExportMessages, &out.Messages}, {s.cq.ExportAttachments, &out.Attachments},
			{s.cq.ExportDrafts, &out.Drafts}, {s.cq.ExportAppointments, &out.Appointments},
			{s.cq.ExportNotifications, &out.Notifications},
		} {
			if err := tx.QueryRow(ctx, part.sql, ws, id).Scan(part.dst); err != nil {
				return fmt.Errorf("conversation: export contact %d: %w", id, err)
			}
		}
		return nil
	})
	return out, err
}
