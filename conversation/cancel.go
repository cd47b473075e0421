package conversation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/knowledge"
)

// cancelQuestion answers "cancel please": it finds the contact's next appointment and
// asks to confirm, so a misread message never cancels anything on its own.
func (s *Service) cancelQuestion(ctx context.Context, ws Workspace, contactID int64, contactName string, cls ai.Classification) (proposal, error) {
	a, err := s.nextAppointment(ctx, ws, contactID)
	if err != nil {
		return proposal{}, err
	}
	persona := ai.Persona{BusinessName: ws.Name, AssistantName: ws.AssistantName, Personality: ws.Personality}
	p := proposal{Intent: cls.Intent, Confidence: cls.Confidence, Provider: ai.OfflineProviderID, Sources: []knowledge.Result{}}
	if a == nil {
		p.Text = ai.NoAppointmentReply(persona, contactName)
		p.NeedsHuman = true
		return p, nil
	}
	start := a.Start.In(ws.Location())
	p.Text = ai.CancelQuestion(persona, contactName, a.ServiceName, start)
	p.Offer = &storedOffer{Service: a.ServiceName, CancelID: a.ID, CancelStart: start, ExpiresAt: s.Now().Add(offerTTL)}
	return p, nil
}

// nextAppointment is the contact's next booked appointment, or nil. It asks for that
// contact's alone: a busy calendar's first thousands of appointments may all be others'.
func (s *Service) nextAppointment(ctx context.Context, ws Workspace, contactID int64) (*booking.Appointment, error) {
	a, err := s.Booking.NextAppointment(ctx, s.Pool, ws.ID, contactID, s.Now())
	if errors.Is(err, booking.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// cancelConfirmed cancels the appointment the customer said yes to, in the draft's
// transaction, and writes the reply.
func (s *Service) cancelConfirmed(ctx context.Context, tx pgx.Tx, ws Workspace, convID int64, contactName string, d *proposal) error {
	a, err := s.Booking.Cancel(ctx, tx, ws.ID, d.cancel.CancelID)
	if err != nil {
		return fmt.Errorf("conversation: cancel appointment %d: %w", d.cancel.CancelID, err)
	}
	if _, err := tx.Exec(ctx, s.q.SetFlow, ws.ID, convID, nil); err != nil {
		return fmt.Errorf("conversation: clear the question of conversation %d: %w", convID, err)
	}
	persona := ai.Persona{BusinessName: ws.Name, AssistantName: ws.AssistantName, Personality: ws.Personality}
	d.Text = ai.CancelledReply(persona, contactName, a.ServiceName, a.Start.In(ws.Location()))
	d.cancelled = true
	return s.audit(ctx, tx, ws.ID, "assistant", "appointment.cancelled", "appointment", a.ID, map[string]any{
		"start": a.Start.Format(time.RFC3339),
	})
}
