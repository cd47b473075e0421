package rules

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/validation"
)

//go:embed queries.sql
var queriesSQL string

// ErrNotFound is returned for a rule the workspace does not have.
var ErrNotFound = errors.New("rule not found")

// Stored is a rule as kept, with how it has fared.
type Stored struct {
	ID      int64 `json:"id"`
	Enabled bool  `json:"enabled"`
	// Workflow rules make the workflow's automatic transitions; saving the workflow rebuilds them.
	Workflow  bool      `json:"workflow"`
	Rule      Rule      `json:"rule"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Over the last 1,000 runs: evaluations, matches, runs whose actions failed.
	Runs        int        `json:"runs"`
	Matched     int        `json:"matched"`
	Failed      int        `json:"failed"`
	SuccessRate float64    `json:"success_rate"`
	LastRun     *time.Time `json:"last_run,omitempty"`
}

// Run is one evaluation of a rule.
type Run struct {
	ID             int64     `json:"id"`
	ConversationID int64     `json:"conversation_id"`
	Trigger        Trigger   `json:"trigger"`
	Matched        bool      `json:"matched"`
	Actions        []string  `json:"actions"`
	Error          string    `json:"error,omitempty"`
	DurationUS     int       `json:"duration_us"`
	CreatedAt      time.Time `json:"created_at"`
	// Webhooks are the delivery attempts of its webhook actions.
	Webhooks []WebhookCall `json:"webhooks"`
}

type queries struct {
	Insert, Update, SetEnabled, Delete, List, AnyForTrigger, ForTrigger, LockFacts string
	AddTag, RemoveTag, SetStatus, Assign, Notify, InsertRuns, Runs                 string
	InsertWebhookCall, WebhookCalls, WebhookSecret, DueQuiet                       string
}

func afterSeconds(r Rule) *int {
	if r.Trigger != TimeElapsed {
		return nil
	}
	s := int(r.Wait().Seconds())
	return &s
}

// checkStatuses refuses set_status actions to a status the saved workflow lacks.
func (e *Engine) checkStatuses(ctx context.Context, db database.DBTX, ws int64, r Rule) error {
	w, saved, err := e.Workflow(ctx, db, ws)
	if err != nil || !saved {
		return err
	}
	errs := validation.Error{}
	for i, a := range r.Actions {
		if a.Type == SetStatus && !slices.Contains(w.Statuses, a.Status) {
			errs[fmt.Sprintf("actions[%d].status", i)] = fmt.Sprintf("%q is not a status of the workflow (%s)", a.Status, strings.Join(w.Statuses, ", "))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkFields refuses set_field actions whose value the workspace's field of that key
// would refuse, naming actions[i].value.
func (e *Engine) checkFields(ctx context.Context, db database.DBTX, ws int64, r Rule) error {
	if e.Fields == nil {
		return nil
	}
	errs := validation.Error{}
	for i, a := range r.Actions {
		if a.Type != SetField {
			continue
		}
		if err := e.Fields.CheckValue(ctx, db, ws, a.Field, a.Value); err != nil {
			var bad valueError
			if !errors.As(err, &bad) {
				return err
			}
			errs[fmt.Sprintf("actions[%d].value", i)] = bad.Error()
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Create stores a checked rule, enabled.
func (e *Engine) Create(ctx context.Context, db database.DBTX, ws int64, r Rule) (Stored, error) {
	if err := r.Check(); err != nil {
		return Stored{}, err
	}
	if err := e.checkStatuses(ctx, db, ws, r); err != nil {
		return Stored{}, err
	}
	if err := e.checkFields(ctx, db, ws, r); err != nil {
		return Stored{}, err
	}
	def, err := json.Marshal(r)
	if err != nil {
		return Stored{}, err
	}
	s := Stored{Rule: r}
	err = db.QueryRow(ctx, e.q.Insert, ws, r.Name, r.Trigger, r.Priority, afterSeconds(r), def).Scan(&s.ID, &s.Enabled, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, fmt.Errorf("rules: insert: %w", err)
	}
	return s, nil
}

// Update replaces a rule's definition; its runs stay.
func (e *Engine) Update(ctx context.Context, db database.DBTX, ws, id int64, r Rule) (Stored, error) {
	if err := r.Check(); err != nil {
		return Stored{}, err
	}
	if err := e.checkStatuses(ctx, db, ws, r); err != nil {
		return Stored{}, err
	}
	if err := e.checkFields(ctx, db, ws, r); err != nil {
		return Stored{}, err
	}
	def, err := json.Marshal(r)
	if err != nil {
		return Stored{}, err
	}
	s := Stored{Rule: r}
	err = db.QueryRow(ctx, e.q.Update, ws, id, r.Name, r.Trigger, r.Priority, afterSeconds(r), def).Scan(&s.ID, &s.Enabled, &s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("rules: update: %w", err)
	}
	return s, nil
}

// SetEnabled turns a rule on or off.
func (e *Engine) SetEnabled(ctx context.Context, db database.DBTX, ws, id int64, on bool) error {
	tag, err := db.Exec(ctx, e.q.SetEnabled, ws, id, on)
	if err != nil {
		return fmt.Errorf("rules: toggle: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// Delete removes a rule and its runs.
func (e *Engine) Delete(ctx context.Context, db database.DBTX, ws, id int64) error {
	tag, err := db.Exec(ctx, e.q.Delete, ws, id)
	if err != nil {
		return fmt.Errorf("rules: delete: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// List returns the workspace's rules, highest priority first; id > 0 returns just that one.
func (e *Engine) List(ctx context.Context, db database.DBTX, ws, id int64) ([]Stored, error) {
	rows, err := db.Query(ctx, e.q.List, ws, id)
	if err != nil {
		return nil, fmt.Errorf("rules: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Stored, error) {
		var s Stored
		err := row.Scan(&s.ID, &s.Enabled, &s.Workflow, &s.Rule, &s.CreatedAt, &s.UpdatedAt, &s.Runs, &s.Matched, &s.Failed, &s.LastRun)
		if s.Matched > 0 {
			s.SuccessRate = float64(s.Matched-s.Failed) / float64(s.Matched)
		}
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("rules: list: %w", err)
	}
	if id != 0 && len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

// Runs returns a rule's latest runs, newest first.
func (e *Engine) Runs(ctx context.Context, db database.DBTX, ws, id int64, limit int) ([]Run, error) {
	rows, err := db.Query(ctx, e.q.Runs, ws, id, limit)
	if err != nil {
		return nil, fmt.Errorf("rules: runs: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Run, error) {
		var r Run
		err := row.Scan(&r.ID, &r.ConversationID, &r.Trigger, &r.Matched, &r.Actions, &r.Error, &r.DurationUS, &r.CreatedAt, &r.Webhooks)
		return r, err
	})
}
