package conversation

import (
	"context"
	"fmt"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/database"
)

// UpsertContact finds or creates the workspace's contact with that phone (E.164) and
// records the address it is reached at on ch.
func (s *Service) UpsertContact(ctx context.Context, db database.DBTX, ws int64, phone, name string, ch channels.Kind) (int64, error) {
	var id int64
	if err := db.QueryRow(ctx, s.q.UpsertContactByPhone, ws, phone, name).Scan(&id); err != nil {
		return 0, fmt.Errorf("conversation: upsert contact: %w", err)
	}
	address := phone
	if ch == channels.Portal {
		address = PortalAddress(id)
	}
	if _, err := db.Exec(ctx, s.q.LinkAddress, ws, ch, address, id); err != nil {
		return 0, fmt.Errorf("conversation: link address: %w", err)
	}
	return id, nil
}
