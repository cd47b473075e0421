package conversation

import (
	"context"
	_ "embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

//go:embed assign.sql
var assignSQL string

type assignQueries struct {
	MemberName, AssignConversation, InsertMemberNotification string
}

func loadAssignQueries() (assignQueries, error) {
	var q assignQueries
	if err := sqlset.Load(&q, assignSQL); err != nil {
		return q, fmt.Errorf("conversation: assign: %w", err)
	}
	return q, nil
}

// Assignment hands a conversation to a member of the workspace; UserID 0 leaves it to
// nobody. By is who did it (their user id, 0 for the API) and Actor names them in the
// audit log.
type Assignment struct {
	WorkspaceID, ConversationID, UserID, By int64
	Actor                                   string
}

// Assign records who looks after a conversation. The assignee gets a notification of
// their own (unless they took it themselves) and the change is audited; assigning to
// the current assignee changes nothing.
func (s *Service) Assign(ctx context.Context, a Assignment) (Conversation, error) {
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		conv, err := s.Conversation(ctx, tx, a.WorkspaceID, a.ConversationID)
		if err != nil {
			return err
		}
		var name string
		if a.UserID != 0 {
			err := tx.QueryRow(ctx, s.aq.MemberName, a.WorkspaceID, a.UserID).Scan(&name)
			if errors.Is(err, pgx.ErrNoRows) {
				return ValidationError{"user_id": fmt.Sprintf("%d is not a member of this workspace", a.UserID)}
			}
			if err != nil {
				return fmt.Errorf("conversation: find member: %w", err)
			}
		}
		if conv.AssignedTo == a.UserID {
			return nil
		}
		if _, err := tx.Exec(ctx, s.aq.AssignConversation, a.WorkspaceID, a.ConversationID, a.UserID); err != nil {
			return fmt.Errorf("conversation: assign: %w", err)
		}
		ev.add(live.Event{WorkspaceID: a.WorkspaceID, Kind: "message", ConversationID: a.ConversationID})
		if a.UserID != 0 && a.UserID != a.By {
			title := fmt.Sprintf("%s assigned you the conversation with %s", a.Actor, conv.ContactName)
			var id int64
			if err := tx.QueryRow(ctx, s.aq.InsertMemberNotification, a.WorkspaceID, "assigned", title, a.ConversationID, a.UserID).Scan(&id); err != nil {
				return fmt.Errorf("conversation: notify assignee: %w", err)
			}
			if s.Mail != nil {
				if err := s.Mail.QueueTx(ctx, tx, a.WorkspaceID, id); err != nil {
					return err
				}
			}
			ev.add(live.Event{WorkspaceID: a.WorkspaceID, Kind: "notification", ConversationID: a.ConversationID})
		}
		action, detail := "conversation.assigned", map[string]any{"assigned_to": a.UserID, "name": name, "previous": conv.AssignedTo}
		if a.UserID == 0 {
			action = "conversation.unassigned"
		}
		return s.audit(ctx, tx, a.WorkspaceID, a.Actor, action, "conversation", a.ConversationID, detail)
	})
	if err != nil {
		return Conversation{}, err
	}
	return s.Conversation(ctx, s.Pool, a.WorkspaceID, a.ConversationID)
}
