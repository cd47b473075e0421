package notifymail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// DBTX is a pool or a transaction.
type DBTX = database.DBTX

// Preferences are one user's e-mail choices. Every notification shows in the bell
// whatever they say.
type Preferences struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email_address"`
	// Kinds says, per kind of notification, whether it is e-mailed.
	Kinds map[string]bool `json:"email"`
	// QuietStart and QuietEnd are "HH:MM" in the workspace's timezone, or both "".
	QuietStart string `json:"quiet_start"`
	QuietEnd   string `json:"quiet_end"`
	Timezone   string `json:"timezone"`
}

type userRow struct {
	email, role, workspace, timezone string
	quiet                            *Quiet
}

func (u userRow) location() *time.Location {
	if loc, err := time.LoadLocation(u.timezone); err == nil {
		return loc
	}
	return time.UTC
}

func (m *Mailer) user(ctx context.Context, db DBTX, ws, id int64) (userRow, error) {
	var u userRow
	var start, end *int
	err := db.QueryRow(ctx, m.q.User, ws, id).Scan(&u.email, &u.role, &u.workspace, &u.timezone, &start, &end)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("notifymail: user %d: %w", id, err)
	}
	if start != nil && end != nil {
		u.quiet = &Quiet{Start: *start, End: *end}
	}
	return u, nil
}

// Get reads a user's preferences, the defaults of their role filled in.
func (m *Mailer) Get(ctx context.Context, db DBTX, ws, userID int64) (Preferences, error) {
	u, err := m.user(ctx, db, ws, userID)
	if err != nil {
		return Preferences{}, err
	}
	p := Preferences{UserID: userID, Email: u.email, Kinds: map[string]bool{}, Timezone: u.timezone}
	for _, k := range Kinds() {
		p.Kinds[k.Key] = k.byDefault(u.role)
	}
	rows, err := db.Query(ctx, m.q.Choices, ws, userID)
	if err != nil {
		return p, fmt.Errorf("notifymail: preferences: %w", err)
	}
	var kind string
	var on bool
	_, err = pgx.ForEachRow(rows, []any{&kind, &on}, func() error {
		if _, known := p.Kinds[kind]; known {
			p.Kinds[kind] = on
		}
		return nil
	})
	if err != nil {
		return p, fmt.Errorf("notifymail: preferences: %w", err)
	}
	if u.quiet != nil {
		p.QuietStart, p.QuietEnd = clock(u.quiet.Start), clock(u.quiet.End)
	}
	return p, nil
}

// DefaultUser is the user an API token speaks for when none is named: the first owner.
func (m *Mailer) DefaultUser(ctx context.Context, db DBTX, ws int64) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, m.q.FirstOwner, ws).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("notifymail: first owner: %w", err)
	}
	return id, nil
}

// Save stores a user's preferences: the kinds named in p.Kinds (others keep their
// choice) and the quiet hours (both empty: none).
func (m *Mailer) Save(ctx context.Context, db DBTX, ws, userID int64, p Preferences) error {
	bad := validation.Error{}
	kinds, ons := make([]string, 0, len(p.Kinds)), make([]bool, 0, len(p.Kinds))
	for k, on := range p.Kinds {
		if _, ok := kindByKey(k); !ok {
			bad["email."+k] = "is not a kind of notification that can be e-mailed"
			continue
		}
		kinds, ons = append(kinds, k), append(ons, on)
	}
	start, okStart := parseClock(strings.TrimSpace(p.QuietStart))
	end, okEnd := parseClock(strings.TrimSpace(p.QuietEnd))
	quiet := strings.TrimSpace(p.QuietStart) != "" || strings.TrimSpace(p.QuietEnd) != ""
	if quiet {
		if !okStart {
			bad["quiet_start"] = "must be a time like 22:00"
		}
		if !okEnd {
			bad["quiet_end"] = "must be a time like 07:00"
		}
		if okStart && okEnd && start == end {
			bad["quiet_end"] = "must differ from the start"
		}
	}
	if len(bad) > 0 {
		return bad
	}
	if _, err := m.user(ctx, db, ws, userID); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, m.q.SetChoices, ws, userID, kinds, ons); err != nil {
		return fmt.Errorf("notifymail: save preferences: %w", err)
	}
	var err error
	if quiet {
		_, err = db.Exec(ctx, m.q.SetQuiet, ws, userID, start, end)
	} else {
		_, err = db.Exec(ctx, m.q.ClearQuiet, ws, userID)
	}
	if err != nil {
		return fmt.Errorf("notifymail: save quiet hours: %w", err)
	}
	return nil
}

// Failure is a notification e-mail that was given up on.
type Failure struct {
	Title string    `json:"title"`
	Error string    `json:"error"`
	At    time.Time `json:"at"`
}

// Failures lists a user's e-mails given up on, newest first.
func (m *Mailer) Failures(ctx context.Context, db DBTX, ws, userID int64, limit int) ([]Failure, error) {
	rows, err := db.Query(ctx, m.q.Failures, ws, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("notifymail: failures: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Failure, error) {
		var f Failure
		return f, r.Scan(&f.Title, &f.Error, &f.At)
	})
	if err != nil {
		return nil, fmt.Errorf("notifymail: failures: %w", err)
	}
	return out, nil
}
