package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/knowledge"
)

// pickedSlot is an offered time the customer chose.
type pickedSlot struct {
	offer storedOffer
	start time.Time
}

// replyTo drafts the reply to a message: a booking when it picks one of the times the
// conversation was offered, otherwise whatever the message asks for.
func (s *Service) replyTo(ctx context.Context, m inbound) (proposal, error) {
	ws, text, raw := m.ws, m.text, m.flow
	if raw != nil {
		var o storedOffer
		if err := json.Unmarshal(raw, &o); err == nil && s.Now().Before(o.ExpiresAt) {
			for i := range o.Slots {
				o.Slots[i] = o.Slots[i].In(ws.Location())
			}
			if o.CancelID != 0 && saysYes(text) {
				return proposal{Intent: ai.IntentCancel, Confidence: 0.95, Provider: ai.OfflineProviderID,
					Sources: []knowledge.Result{}, cancel: &o}, nil
			}
			if start, ok := pickSlot(text, o.Slots); ok {
				return proposal{Intent: ai.IntentBook, Confidence: 0.95, Provider: ai.OfflineProviderID,
					Sources: []knowledge.Result{}, book: &pickedSlot{offer: o, start: start}}, nil
			}
		}
	}
	return s.draft(ctx, m)
}

// bookPicked books the picked time inside the draft's transaction, so the appointment
// exists exactly when the draft that confirms it does, and writes that reply. A time
// taken since it was offered gets the next free times instead.
func (s *Service) bookPicked(ctx context.Context, tx pgx.Tx, ws Workspace, convID, contactID int64, contactName string, d *proposal) error {
	pick := d.book
	persona := ai.Persona{BusinessName: ws.Name, AssistantName: ws.AssistantName, Role: ws.Role, Personality: ws.Personality}
	var appt booking.Appointment
	var err error
	if pick.offer.RescheduleID != 0 {
		appt, err = s.Booking.Reschedule(ctx, tx, ws.ID, pick.offer.RescheduleID, ws.Location(), pick.start)
	} else {
		appt, err = s.Booking.Book(ctx, tx, booking.BookRequest{
			WorkspaceID: ws.ID, ServiceID: pick.offer.ServiceID, ContactID: contactID, Start: pick.start, Location: ws.Location(),
			ConversationID: convID,
		})
	}
	switch {
	case err == nil && pick.offer.RescheduleID != 0:
		d.moved = true
		d.Text = ai.MovedReply(persona, contactName, pick.offer.Service, appt.Start.In(ws.Location()))
		if _, err := tx.Exec(ctx, s.q.SetFlow, ws.ID, convID, nil); err != nil {
			return fmt.Errorf("conversation: clear the offer of conversation %d: %w", convID, err)
		}
		return s.audit(ctx, tx, ws.ID, "assistant", "appointment.moved", "appointment", appt.ID, map[string]any{
			"start": appt.Start, "service": pick.offer.Service,
		})
	case err == nil:
		d.booked = true
		d.Text = ai.BookedReply(persona, contactName, pick.offer.Service, appt.Start.In(ws.Location()))
		if _, err := tx.Exec(ctx, s.q.SetFlow, ws.ID, convID, nil); err != nil {
			return fmt.Errorf("conversation: clear the offer of conversation %d: %w", convID, err)
		}
		return s.audit(ctx, tx, ws.ID, "assistant", "appointment.booked", "appointment", appt.ID, map[string]any{
			"start": appt.Start, "service": pick.offer.Service,
		})
	case errors.Is(err, booking.ErrSlotTaken), errors.Is(err, booking.ErrNotBookable):
		next, err := s.timesAfter(ctx, tx, ws, pick.offer.ServiceID, pick.start)
		if err != nil {
			return err
		}
		d.Text = ai.TakenReply(persona, contactName, pick.offer.Service, next)
		d.NeedsHuman = len(next) == 0
		d.Offer = nil
		if len(next) > 0 {
			d.Offer = &storedOffer{ServiceID: pick.offer.ServiceID, Service: pick.offer.Service, Slots: next, ExpiresAt: s.Now().Add(offerTTL)}
		}
		return nil
	default:
		return fmt.Errorf("conversation: book the picked time: %w", err)
	}
}

// timesAfter offers the free times from a taken one onwards, spread like any offer.
func (s *Service) timesAfter(ctx context.Context, tx pgx.Tx, ws Workspace, serviceID int64, from time.Time) ([]time.Time, error) {
	loc := ws.Location()
	day := booking.LocalDate(from, loc)
	slots, err := s.Booking.AvailableSlots(ctx, tx, ws.ID, loc, serviceID, day, day.AddDate(0, 0, 14), 0)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, sl := range slots {
		if sl.Start.Before(from) || len(out) == offerSize {
			continue
		}
		if n := len(out); n > 0 && sl.Start.Sub(out[n-1]) < offerSpacing {
			continue
		}
		out = append(out, sl.Start.In(loc))
	}
	return out, nil
}
