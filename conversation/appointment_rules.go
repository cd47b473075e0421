package conversation

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/rules"
)

// fireAppointmentRules queues appointment_booked (booked or moved) or
// appointment_cancelled rules on the conversation the appointment belongs to: the one it
// was booked in, else the contact's latest. A contact who never wrote has none, and no
// rule runs.
func (s *Service) fireAppointmentRules(ctx context.Context, tx pgx.Tx, c booking.Change) error {
	if s.Rules == nil {
		return nil
	}
	t := rules.AppointmentBooked
	if c.Kind == booking.Cancelled {
		t = rules.AppointmentCancelled
	}
	conv := c.Appointment.ConversationID
	if conv == 0 {
		err := tx.QueryRow(ctx, s.q.LatestConversation, c.WorkspaceID, c.Appointment.ContactID).Scan(&conv)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("conversation: conversation of appointment %d: %w", c.Appointment.ID, err)
		}
	}
	return s.fire(ctx, tx, c.WorkspaceID, conv, t)
}
