package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/live"
)

// Notification is something the team should look at.
type Notification struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	Title          string    `json:"title"`
	ConversationID int64     `json:"conversation_id,omitempty"`
	Read           bool      `json:"read"`
	CreatedAt      time.Time `json:"created_at"`
}

// notify records a notification in tx and announces it once tx commits.
func (s *Service) notify(ctx context.Context, tx pgx.Tx, ev *announce, ws int64, kind, title string, convID int64) error {
	var id int64
	if err := tx.QueryRow(ctx, s.q.InsertNotification, ws, kind, title, nullID(convID)).Scan(&id); err != nil {
		return fmt.Errorf("conversation: notify %s: %w", kind, err)
	}
	if s.Mail != nil {
		if err := s.Mail.QueueTx(ctx, tx, ws, id); err != nil {
			return err
		}
	}
	ev.add(live.Event{WorkspaceID: ws, Kind: "notification", ConversationID: convID})
	return nil
}

// handOffTitle says why a drafted reply needs a person, or "" when it does not.
func handOffTitle(d proposal, contactName string) (kind, title string) {
	who := contactName
	if who == "" {
		who = "A customer"
	}
	switch {
	case d.Intent == ai.IntentComplaint:
		return "complaint", who + " complained"
	case d.Intent == ai.IntentHuman:
		return "handoff", who + " asked for a person"
	case d.NeedsHuman:
		return "handoff", who + " asked something the assistant could not answer"
	case d.booked:
		return "booking", who + " booked an appointment"
	case d.moved:
		return "booking", who + " moved an appointment"
	case d.cancelled:
		return "cancellation", who + " cancelled an appointment"
	}
	return "", ""
}

// awaitingTitle is the notification of a draft that waits for a person's approval
// and needs nothing else (a hand-off or complaint says so in its own).
func awaitingTitle(contactName string) string {
	if contactName == "" {
		return "A reply to a customer awaits your approval"
	}
	return "A reply to " + contactName + " awaits your approval"
}

// Notifications lists the team's notifications and member user's own, newest first.
func (s *Service) Notifications(ctx context.Context, db database.DBTX, ws, user int64, limit int) ([]Notification, error) {
	rows, err := db.Query(ctx, s.q.ListNotifications, ws, limit, user)
	if err != nil {
		return nil, fmt.Errorf("conversation: list notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.Kind, &n.Title, &n.ConversationID, &n.Read, &n.CreatedAt)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: list notifications: %w", err)
	}
	return out, nil
}

// UnreadNotifications counts what member user has not seen yet.
func (s *Service) UnreadNotifications(ctx context.Context, db database.DBTX, ws, user int64) (int, error) {
	var n int
	if err := db.QueryRow(ctx, s.q.UnreadNotifications, ws, user).Scan(&n); err != nil {
		return 0, fmt.Errorf("conversation: count notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks one of member user's notifications read, or all of them when id is 0.
func (s *Service) MarkRead(ctx context.Context, ws, user, id int64) error {
	return s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		if _, err := tx.Exec(ctx, s.q.MarkNotificationsRead, ws, id, user); err != nil {
			return fmt.Errorf("conversation: mark notifications read: %w", err)
		}
		ev.add(live.Event{WorkspaceID: ws, Kind: "notification"})
		return nil
	})
}

// MarkOneRead marks notification id read and reports whether the workspace has it.
func (s *Service) MarkOneRead(ctx context.Context, ws, id int64) (bool, error) {
	found := false
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		tag, err := tx.Exec(ctx, s.q.MarkNotificationRead, ws, id)
		if err != nil {
			return fmt.Errorf("conversation: mark notification read: %w", err)
		}
		found = tag.RowsAffected() == 1
		ev.add(live.Event{WorkspaceID: ws, Kind: "notification"})
		return nil
	})
	return found, err
}

// Notify records a notification for the team outside any other change.
func (s *Service) Notify(ctx context.Context, ws int64, kind, title string, convID int64) error {
	return s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		return s.notify(ctx, tx, ev, ws, kind, title, convID)
	})
}
