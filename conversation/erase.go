package conversation

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Erasure is what an erase removed, for the audit entry and the person who asked.
type Erasure struct {
	ContactID     int64 `json:"contact_id"`
	Conversations int64 `json:"conversations"`
	Messages      int64 `json:"messages"`
	Attachments   int64 `json:"attachments"`
	Drafts        int64 `json:"drafts"`
	Appointments  int64 `json:"appointments"`
	// FilesNotDeleted counts stored files whose deletion failed (logged); their rows
	// no longer point to them.
	FilesNotDeleted int `json:"files_not_deleted"`
}

// EraseContact removes a contact's personal data on their request: the text of their
// messages and drafts, their files, what conversations learned about them, appointment
// notes, their addresses and chat sessions, and their name, phone and email. The rows stay,
// emptied, so appointments and the workspace's figures stay whole. An audit entry records
// who erased which contact, without the data. Stored files are deleted after the commit.
func (s *Service) EraseContact(ctx context.Context, ws, id int64, actor string) (Erasure, error) {
	out := Erasure{ContactID: id}
	var keys []string
	err := s.inTx(ctx, func(tx pgx.Tx, _ *announce) error {
		var phone string
		var erased bool
		if err := tx.QueryRow(ctx, s.cq.LockContact, ws, id).Scan(&phone, &erased); err != nil {
			return notFound(fmt.Sprintf("contact %d", id), err)
		}
		if erased {
			return nil
		}
		rows, err := tx.Query(ctx, s.cq.ContactBlobKeys, ws, id)
		if err != nil {
			return fmt.Errorf("conversation: files of contact %d: %w", id, err)
		}
		if keys, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return fmt.Errorf("conversation: files of contact %d: %w", id, err)
		}
		counted := []struct {
			what, sql string
			n         *int64
		}{
			{"attachments", s.cq.EraseAttachments, &out.Attachments},
			{"messages", s.cq.EraseMessages, &out.Messages},
			{"drafts", s.cq.EraseDrafts, &out.Drafts},
			{"notifications", s.cq.EraseNotifications, new(int64)},
			{"conversations", s.cq.EraseConversations, &out.Conversations},
			{"appointments", s.cq.EraseAppointments, &out.Appointments},
		}
		for _, st := range counted {
			tag, err := tx.Exec(ctx, st.sql, ws, id)
			if err != nil {
				return fmt.Errorf("conversation: erase contact %d: %s: %w", id, st.what, err)
			}
			*st.n = tag.RowsAffected()
		}
		if _, err := tx.Exec(ctx, s.cq.EraseReachability, ws, id, phone); err != nil {
			return fmt.Errorf("conversation: erase contact %d: addresses: %w", id, err)
		}
		if _, err := tx.Exec(ctx, s.cq.EraseContact, ws, id); err != nil {
			return fmt.Errorf("conversation: erase contact %d: %w", id, err)
		}
		return s.audit(ctx, tx, ws, actor, "contact.erased", "contact", id, map[string]any{
			"conversations": out.Conversations, "messages": out.Messages, "attachments": out.Attachments,
			"drafts": out.Drafts, "appointments": out.Appointments,
		})
	})
	if err != nil {
		return out, err
	}
	for _, k := range keys {
		if s.Media == nil {
			out.FilesNotDeleted++
			continue
		}
		if err := s.Media.Delete(ctx, k); err != nil {
			s.Log.Warn("erase: could not delete a stored file", "workspace_id", ws, "contact_id", id, "error", err)
			out.FilesNotDeleted++
		}
	}
	return out, nil
}
