package conversation

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// DraftRuleReply drafts a rule's send_reply text in the rule's transaction
// (rules.Replier). The workspace's approval policy decides, as for any draft, whether
// it waits for review or is approved and queued for the send job, which delivers it
// once. A key already used drafts nothing and returns 0.
func (s *Service) DraftRuleReply(ctx context.Context, tx pgx.Tx, ws, conversationID int64, key, text string) (int64, error) {
	w, err := s.Workspace(ctx, tx, ws)
	if err != nil {
		return 0, err
	}
	status := "pending"
	if s.autoSend(w, proposal{Text: text, Intent: "rule_reply", Confidence: 1}) {
		status = "approved"
	}
	var id int64
	err = tx.QueryRow(ctx, s.q.InsertRuleReply, ws, conversationID, text, status, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("conversation: store rule reply: %w", err)
	}
	if status == "approved" {
		if err := s.queueSend(ctx, tx, ws, id); err != nil {
			return 0, err
		}
	}
	return id, nil
}
