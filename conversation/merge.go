package conversation

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Merge is a person's decision that two contacts are one: From goes into Into.
type Merge struct {
	WorkspaceID int64
	From, Into  int64
	Actor       string
}

// MergeContacts moves the duplicate's conversations, addresses, appointments and chat
// sessions to the kept contact, fills the kept contact's missing name, phone or email
// from it, and deletes it, all in one transaction. A contact not in the workspace is
// ErrNotFound, so another workspace's contacts cannot be probed.
func (s *Service) MergeContacts(ctx context.Context, m Merge) (Contact, error) {
	if m.From == m.Into {
		return Contact{}, ValidationError{"into": "a contact cannot be merged into itself"}
	}
	err := s.inTx(ctx, func(tx pgx.Tx, _ *announce) error {
		rows, err := tx.Query(ctx, s.cq.LockContacts, m.WorkspaceID, []int64{m.From, m.Into})
		if err != nil {
			return fmt.Errorf("conversation: lock contacts: %w", err)
		}
		type locked struct {
			id                 int64
			name, phone, email string
			erased             bool
		}
		found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (locked, error) {
			var l locked
			err := r.Scan(&l.id, &l.name, &l.phone, &l.email, &l.erased)
			return l, err
		})
		if err != nil {
			return fmt.Errorf("conversation: lock contacts: %w", err)
		}
		var from *locked
		seen := map[int64]bool{}
		for i := range found {
			seen[found[i].id] = true
			if found[i].erased {
				return ValidationError{"into": fmt.Sprintf("contact %d was erased and cannot be merged", found[i].id)}
			}
			if found[i].id == m.From {
				from = &found[i]
			}
		}
		for _, id := range []int64{m.From, m.Into} {
			if !seen[id] {
				return fmt.Errorf("conversation: contact %d: %w", id, ErrNotFound)
			}
		}
		steps := []struct{ what, sql string }{
			{"close colliding conversations", s.cq.CloseCollidingConversations},
			{"move conversations", s.cq.MoveConversations},
			{"move addresses", s.cq.MoveAddresses},
			{"move appointments", s.cq.MoveAppointments},
			{"move portal links", s.cq.MovePortalLinks},
			{"move portal sessions", s.cq.MovePortalSessions},
		}
		for _, st := range steps {
			if _, err := tx.Exec(ctx, st.sql, m.WorkspaceID, m.From, m.Into); err != nil {
				return fmt.Errorf("conversation: merge contact %d into %d: %s: %w", m.From, m.Into, st.what, err)
			}
		}
		// The duplicate goes first: its phone is unique in the workspace until then.
		if _, err := tx.Exec(ctx, s.cq.DeleteContact, m.WorkspaceID, m.From); err != nil {
			return fmt.Errorf("conversation: merge contact %d: delete it: %w", m.From, err)
		}
		if _, err := tx.Exec(ctx, s.cq.FillContact, m.WorkspaceID, m.Into, from.name, from.phone, from.email); err != nil {
			return fmt.Errorf("conversation: merge contact %d: fill contact %d: %w", m.From, m.Into, err)
		}
		return s.audit(ctx, tx, m.WorkspaceID, m.Actor, "contact.merged", "contact", m.Into, map[string]any{"from": m.From})
	})
	if err != nil {
		return Contact{}, err
	}
	return s.Contact(ctx, s.Pool, m.WorkspaceID, m.Into)
}
