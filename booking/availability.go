package booking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Settings are a workspace's booking rules.
type Settings struct {
	// MinNoticeMinutes is how long before its start a slot stops being offered.
	MinNoticeMinutes int `json:"min_notice_minutes"`
	// HorizonDays is how far ahead slots are offered.
	HorizonDays int `json:"horizon_days"`
	// SlotStepMinutes is the spacing of candidate starts from a window's opening.
	SlotStepMinutes int `json:"slot_step_minutes"`
}

// DefaultSettings apply until a workspace saves its own.
func DefaultSettings() Settings {
	return Settings{MinNoticeMinutes: 60, HorizonDays: 60, SlotStepMinutes: 15}
}

// Validate checks the settings' ranges.
func (st Settings) Validate() error {
	bad := ValidationError{}
	if st.MinNoticeMinutes < 0 || st.MinNoticeMinutes > 525600 {
		bad["min_notice_minutes"] = "must be from 0 to 525600 (a year)"
	}
	if st.HorizonDays < 1 || st.HorizonDays > 730 {
		bad["horizon_days"] = "must be from 1 to 730"
	}
	if st.SlotStepMinutes < 5 || st.SlotStepMinutes > 240 {
		bad["slot_step_minutes"] = "must be from 5 to 240"
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}

// Settings returns the workspace's booking settings, or the defaults.
func (s *Store) Settings(ctx context.Context, db database.DBTX, ws int64) (Settings, error) {
	st := DefaultSettings()
	rows, err := db.Query(ctx, s.q.GetSettings, ws)
	if err != nil {
		return st, fmt.Errorf("booking: settings: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&st.MinNoticeMinutes, &st.HorizonDays, &st.SlotStepMinutes); err != nil {
			return st, fmt.Errorf("booking: settings: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("booking: settings: %w", err)
	}
	return st, nil
}

// SetSettings saves the workspace's booking settings.
func (s *Store) SetSettings(ctx context.Context, db database.DBTX, ws int64, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, s.q.UpsertSettings, ws, st.MinNoticeMinutes, st.HorizonDays, st.SlotStepMinutes, s.now()); err != nil {
		return fmt.Errorf("booking: save settings: %w", err)
	}
	return nil
}

// SetExceptions replaces every exception, the business's (ResourceID nil) and each
// resource's.
func (s *Store) SetExceptions(ctx context.Context, db database.DBTX, ws int64, exceptions []Exception) error {
	for _, e := range exceptions {
		if !e.Closed && (e.Start < 0 || e.End > EndOfDay || e.End <= e.Start) {
			return fmt.Errorf("%w: special hours of %s close before they open", ErrInvalid, e.Day.Format(time.DateOnly))
		}
	}
	if _, err := db.Exec(ctx, s.q.DeleteExceptions, ws); err != nil {
		return fmt.Errorf("booking: clear exceptions: %w", err)
	}
	for _, e := range exceptions {
		var opens, closes *string
		if !e.Closed {
			o, c := e.Start.String(), e.End.String()
			opens, closes = &o, &c
		}
		_, err := db.Exec(ctx, s.q.InsertException, ws, e.ResourceID, e.Day, e.Closed, opens, closes, e.Note)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" {
			return ValidationError{"resource_id": "is not one of this business's staff or rooms"}
		}
		if err != nil {
			return fmt.Errorf("booking: add exception %s: %w", e.Day.Format(time.DateOnly), err)
		}
	}
	return nil
}

// Exceptions returns the exceptions of days from first to last, business-wide and
// per resource.
func (s *Store) Exceptions(ctx context.Context, db database.DBTX, ws int64, first, last time.Time) ([]Exception, error) {
	rows, err := db.Query(ctx, s.q.ListExceptions, ws, first, last)
	if err != nil {
		return nil, fmt.Errorf("booking: list exceptions: %w", err)
	}
	defer rows.Close()
	var out []Exception
	for rows.Next() {
		var e Exception
		var opens, closes int
		if err := rows.Scan(&e.ResourceID, &e.Day, &e.Closed, &opens, &closes, &e.Note); err != nil {
			return nil, fmt.Errorf("booking: scan exception: %w", err)
		}
		e.Start, e.End = TimeOfDay(opens), TimeOfDay(closes)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("booking: list exceptions: %w", err)
	}
	return out, nil
}
