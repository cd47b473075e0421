package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
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
	// hours are the business's weekly opening hours when read with the message; nil
	// (a settings preview) reads them when drafting.
	hours map[time.Weekday][]booking.Window
}

// loadInbound reads message msgID with its workspace, conversation and history in one
// round trip (MessageForDrafting); pgx.ErrNoRows when the message is gone.
func (s *Service) loadInbound(ctx context.Context, wsID, msgID int64) (inbound, error) {
	var m inbound
	var history, hours []byte
	dest := append([]any{&m.convID, &m.text, &m.direction, &m.contactID, &m.contactName, &m.files, &m.flow,
		&m.hasContext, &m.hasSchema, &history, &hours}, m.ws.columns()...)
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
	var windows []booking.Window
	if err := json.Unmarshal(hours, &windows); err != nil {
		return m, fmt.Errorf("conversation: read opening hours of workspace %d: %w", wsID, err)
	}
	m.hours = map[time.Weekday][]booking.Window{}
	for _, w := range windows {
		m.hours[w.Weekday] = append(m.hours[w.Weekday], w)
	}
	return m, nil
}
