package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/frontdesk/frontdesk/ai"
)

// historyTurns is how many earlier messages a drafter reads.
const historyTurns = 10

// inbound is what the draft job reads about a message before drafting its reply.
type inbound struct {
	ws              Workspace
	convID          int64
	contactID       int64
	text, direction string
	contactName     string
	files           int
	flow            []byte // the offer the conversation waits on, if any
	hasContext      bool   // the conversation has context values for the drafter
	hasSchema       bool   // the workspace saved a context schema: there may be fields to extract
	history         []ai.Turn
}

// loadInbound reads message msgID with its workspace, conversation and history in one
// round trip (MessageForDrafting); pgx.ErrNoRows when the message is gone.
func (s *Service) loadInbound(ctx context.Context, wsID, msgID int64) (inbound, error) {
	var m inbound
	var history []byte
	dest := append([]any{&m.convID, &m.text, &m.direction, &m.contactID, &m.contactName, &m.files, &m.flow,
		&m.hasContext, &m.hasSchema, &history}, m.ws.columns()...)
	err := s.Pool.QueryRow(ctx, s.q.MessageForDrafting, wsID, msgID, historyTurns).Scan(dest...)
	if err != nil {
		return m, fmt.Errorf("conversation: load message %d: %w", msgID, err)
	}
	var turns []struct {
		Outbound bool   `json:"outbound"`
		Text     string `json:"text"`
	}
	if err := json.Unmarshal(history, &turns); err != nil {
		return m, fmt.Errorf("conversation: read history of conversation %d: %w", m.convID, err)
	}
	for _, t := range turns {
		role := ai.TurnCustomer
		if t.Outbound {
			role = ai.TurnBusiness
		}
		m.history = append(m.history, ai.Turn{Role: role, Text: t.Text})
	}
	return m, nil
}
