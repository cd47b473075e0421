package gcal

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// UnreadableCalendar is a member of staff's or a room's own calendar that Google would
// not read at the last refresh. Until it is read again their busy times are the last
// known, from before Since, and slots are offered by them.
type UnreadableCalendar struct {
	ResourceID int64     `json:"resource_id"`
	Name       string    `json:"name"`
	CalendarID string    `json:"calendar_id"`
	Error      string    `json:"error"`
	Since      time.Time `json:"since"`
}

// UnreadableCalendars lists the workspace's resources whose own calendar could not be
// read, by name.
func (g *Sync) UnreadableCalendars(ctx context.Context, ws int64) ([]UnreadableCalendar, error) {
	rows, err := g.Pool.Query(ctx, g.q.ListUnreadableCalendars, ws)
	if err != nil {
		return nil, fmt.Errorf("gcal: unreadable calendars: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[UnreadableCalendar])
	if err != nil {
		return nil, fmt.Errorf("gcal: unreadable calendars: %w", err)
	}
	return out, nil
}
