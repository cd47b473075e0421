package booking

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// MaxReminders is how many reminders one appointment may have.
const MaxReminders = 5

// DefaultReminders are the minutes before an appointment that reminders go out until a
// workspace chooses its own: a day and an hour before.
func DefaultReminders() []int { return []int{1440, 60} }

// ValidateReminders checks minutes-before values: each from 5 minutes to 30 days,
// distinct, at most MaxReminders. None means no reminders.
func ValidateReminders(minutes []int) error {
	if len(minutes) > MaxReminders {
		return ValidationError{"reminder_minutes": fmt.Sprintf("at most %d reminders", MaxReminders)}
	}
	seen := map[int]bool{}
	for _, m := range minutes {
		if m < 5 || m > 43200 {
			return ValidationError{"reminder_minutes": fmt.Sprintf("%d: each reminder is from 5 to 43200 minutes (30 days) before", m)}
		}
		if seen[m] {
			return ValidationError{"reminder_minutes": fmt.Sprintf("%d is given twice", m)}
		}
		seen[m] = true
	}
	return nil
}

// Reminders returns how many minutes before an appointment its reminders go out,
// largest first.
func (s *Store) Reminders(ctx context.Context, db database.DBTX, ws int64) ([]int, error) {
	var out []int32
	err := db.QueryRow(ctx, s.q.GetReminders, ws).Scan(&out)
	if err == pgx.ErrNoRows {
		return DefaultReminders(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("booking: reminders: %w", err)
	}
	mins := make([]int, len(out))
	for i, m := range out {
		mins[i] = int(m)
	}
	slices.SortFunc(mins, func(a, b int) int { return b - a })
	return mins, nil
}

// SetReminders saves the workspace's reminder times (minutes before; none: no reminders).
// Appointments booked before keep the reminders they were given.
func (s *Store) SetReminders(ctx context.Context, db database.DBTX, ws int64, minutes []int) error {
	if err := ValidateReminders(minutes); err != nil {
		return err
	}
	if minutes == nil {
		minutes = []int{}
	}
	if _, err := db.Exec(ctx, s.q.UpsertReminders, ws, minutes, s.now()); err != nil {
		return fmt.Errorf("booking: save reminders: %w", err)
	}
	return nil
}
