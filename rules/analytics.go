package rules

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

// Analytics is how a workspace's conversations move through its workflow and how its
// rules fare.
type Analytics struct {
	Since         time.Time `json:"since"`
	Conversations int       `json:"conversations"`
	// Funnel counts conversations per status, in the workflow's order (then any others).
	Funnel      []StatusCount     `json:"funnel"`
	Transitions []TransitionCount `json:"transitions"`
	Rules       []RuleRate        `json:"rules"`
	// Fields counts the conversations that hold each context field.
	Fields []FieldCount `json:"fields"`
}

// StatusCount is how many conversations are in one status now.
type StatusCount struct {
	Status        string `json:"status"`
	Conversations int    `json:"conversations"`
}

// TransitionCount is how often conversations moved from one status to another.
type TransitionCount struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Source string `json:"source"`
	Count  int    `json:"count"`
}

// RuleRate is how a rule fared: runs, matches, matches whose actions failed.
type RuleRate struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Workflow    bool    `json:"workflow"`
	Runs        int     `json:"runs"`
	Matched     int     `json:"matched"`
	Failed      int     `json:"failed"`
	SuccessRate float64 `json:"success_rate"`
}

// FieldCount is how many conversations hold a value for one context field.
type FieldCount struct {
	Field         string  `json:"field"`
	Conversations int     `json:"conversations"`
	FillRate      float64 `json:"fill_rate"`
}

// Analytics reports on the workspace since a time (transitions and rule runs; the
// funnel and fields are as they are now).
func (e *Engine) Analytics(ctx context.Context, db database.DBTX, ws int64, since time.Time) (Analytics, error) {
	a := Analytics{Since: since}
	if err := db.QueryRow(ctx, e.wq.Conversations, ws).Scan(&a.Conversations); err != nil {
		return a, fmt.Errorf("rules: analytics: %w", err)
	}
	var err error
	if a.Funnel, err = collect(ctx, db, e.wq.StatusCounts, func(r pgx.CollectableRow) (StatusCount, error) {
		var s StatusCount
		return s, r.Scan(&s.Status, &s.Conversations)
	}, ws); err != nil {
		return a, err
	}
	w, _, err := e.Workflow(ctx, db, ws)
	if err != nil {
		return a, err
	}
	a.Funnel = inWorkflowOrder(a.Funnel, w.Statuses)
	if a.Transitions, err = collect(ctx, db, e.wq.TransitionCounts, func(r pgx.CollectableRow) (TransitionCount, error) {
		var t TransitionCount
		return t, r.Scan(&t.From, &t.To, &t.Source, &t.Count)
	}, ws, since); err != nil {
		return a, err
	}
	if a.Rules, err = collect(ctx, db, e.wq.RuleRates, func(r pgx.CollectableRow) (RuleRate, error) {
		var x RuleRate
		err := r.Scan(&x.ID, &x.Name, &x.Workflow, &x.Runs, &x.Matched, &x.Failed)
		if x.Matched > 0 {
			x.SuccessRate = float64(x.Matched-x.Failed) / float64(x.Matched)
		}
		return x, err
	}, ws, since); err != nil {
		return a, err
	}
	if a.Fields, err = collect(ctx, db, e.wq.FieldCounts, func(r pgx.CollectableRow) (FieldCount, error) {
		var f FieldCount
		err := r.Scan(&f.Field, &f.Conversations)
		if a.Conversations > 0 {
			f.FillRate = float64(f.Conversations) / float64(a.Conversations)
		}
		return f, err
	}, ws); err != nil {
		return a, err
	}
	return a, nil
}

func collect[T any](ctx context.Context, db database.DBTX, sql string, row pgx.RowToFunc[T], args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("rules: analytics: %w", err)
	}
	out, err := pgx.CollectRows(rows, row)
	if err != nil {
		return nil, fmt.Errorf("rules: analytics: %w", err)
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// inWorkflowOrder lists every workflow status (zero when empty), then statuses the
// workflow no longer has.
func inWorkflowOrder(counts []StatusCount, statuses []string) []StatusCount {
	out := make([]StatusCount, 0, len(statuses)+len(counts))
	for _, s := range statuses {
		n := 0
		for _, c := range counts {
			if c.Status == s {
				n = c.Conversations
			}
		}
		out = append(out, StatusCount{Status: s, Conversations: n})
	}
	for _, c := range counts {
		if !slices.Contains(statuses, c.Status) {
			out = append(out, c)
		}
	}
	return out
}
