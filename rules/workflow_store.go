package rules

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/database"
)

//go:embed workflow.sql
var workflowSQL string

// ErrNoConversation is a conversation the workspace does not have.
var ErrNoConversation = errors.New("conversation not found")

type workflowQueries struct {
	GetWorkflow, PutWorkflow, WorkflowRules, DeleteWorkflowRules, InsertWorkflowRule string
	LockStatus, ReadStatus, UpdateStatus, InsertStatusChange                         string
	StatusCounts, TransitionCounts, RuleRates, FieldCounts, Conversations            string
	PruneRuns                                                                        string
}

// Workflow returns the workspace's workflow, and whether the owner saved one: until
// then it is the default template, and statuses are not checked.
func (e *Engine) Workflow(ctx context.Context, db database.DBTX, ws int64) (Workflow, bool, error) {
	var w Workflow
	err := db.QueryRow(ctx, e.wq.GetWorkflow, ws).Scan(&w)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultWorkflow(), false, nil
	}
	if err != nil {
		return w, false, fmt.Errorf("rules: read workflow: %w", err)
	}
	return w, true, nil
}

// SaveWorkflow checks and stores the workspace's workflow, and replaces the rules that
// make its automatic transitions, in one transaction. A rule that is unchanged stays,
// with its runs (a time_elapsed rule reads them to fire once per quiet spell).
func (e *Engine) SaveWorkflow(ctx context.Context, ws int64, w Workflow) error {
	if err := w.Check(); err != nil {
		return err
	}
	if w.Transitions == nil {
		w.Transitions = map[string][]string{}
	}
	if w.Automatic == nil {
		w.Automatic = []AutoTransition{}
	}
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, e.wq.PutWorkflow, ws, w); err != nil {
			return fmt.Errorf("rules: save workflow: %w", err)
		}
		rows, err := tx.Query(ctx, e.wq.WorkflowRules, ws)
		if err != nil {
			return fmt.Errorf("rules: read workflow rules: %w", err)
		}
		existing := map[string]int64{}
		type stored struct {
			id  int64
			def Rule
		}
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
			var s stored
			return s, r.Scan(&s.id, &s.def)
		})
		if err != nil {
			return fmt.Errorf("rules: read workflow rules: %w", err)
		}
		for _, s := range list {
			def, err := json.Marshal(s.def)
			if err != nil {
				return err
			}
			existing[string(def)] = s.id
		}
		keep := []int64{}
		var add []Rule
		for _, r := range w.rules() {
			if err := r.Check(); err != nil {
				return fmt.Errorf("rules: workflow rule %q: %w", r.Name, err)
			}
			def, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if id, ok := existing[string(def)]; ok {
				keep = append(keep, id)
				delete(existing, string(def))
				continue
			}
			add = append(add, r)
		}
		if _, err := tx.Exec(ctx, e.wq.DeleteWorkflowRules, ws, keep); err != nil {
			return fmt.Errorf("rules: replace workflow rules: %w", err)
		}
		for _, r := range add {
			def, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, e.wq.InsertWorkflowRule, ws, r.Name, r.Trigger, r.Priority, afterSeconds(r), def); err != nil {
				return fmt.Errorf("rules: insert workflow rule: %w", err)
			}
		}
		return nil
	})
}

// StatusView is a conversation's place in the workflow: where it is and where it may go.
type StatusView struct {
	Status   string   `json:"status"`
	Next     []string `json:"next"`
	Statuses []string `json:"statuses"`
	// Checked is false while the workspace has no saved workflow: any status is allowed.
	Checked bool `json:"checked"`
}

// Status reads a conversation's status and the moves open to it.
func (e *Engine) Status(ctx context.Context, db database.DBTX, ws, conversationID int64) (StatusView, error) {
	var v StatusView
	var w *Workflow
	err := db.QueryRow(ctx, e.wq.ReadStatus, ws, conversationID).Scan(&v.Status, &w)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNoConversation
	}
	if err != nil {
		return v, fmt.Errorf("rules: read status: %w", err)
	}
	return statusView(v.Status, w), nil
}

func statusView(status string, w *Workflow) StatusView {
	v := StatusView{Status: status, Checked: w != nil}
	if w == nil {
		d := DefaultWorkflow()
		w = &d
		v.Next = w.Next(status)
		if len(v.Next) == 0 {
			v.Next = w.Statuses
		}
	} else {
		v.Next = w.Next(status)
	}
	if v.Next == nil {
		v.Next = []string{}
	}
	v.Statuses = w.Statuses
	return v
}

// ChangeStatus is a person moving a conversation to another status: refused with
// ErrTransition when the workflow does not allow it. The change is recorded, and the
// workspace's status_changed rules run on it.
func (e *Engine) ChangeStatus(ctx context.Context, ws, conversationID, userID int64, to string) (StatusView, error) {
	var v StatusView
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		var from string
		var w *Workflow
		err := tx.QueryRow(ctx, e.wq.LockStatus, ws, conversationID).Scan(&from, &w)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoConversation
		}
		if err != nil {
			return fmt.Errorf("rules: lock status: %w", err)
		}
		if w != nil {
			if err := w.Allow(from, to); err != nil {
				return err
			}
		} else if !statusName.MatchString(to) {
			return fmt.Errorf("%w: %q is not a status name (lower case letters, digits and _)", ErrTransition, to)
		}
		v = statusView(to, w)
		if from == to {
			return nil
		}
		if _, err := tx.Exec(ctx, e.wq.UpdateStatus, ws, conversationID, to); err != nil {
			return fmt.Errorf("rules: change status: %w", err)
		}
		if _, err := tx.Exec(ctx, e.wq.InsertStatusChange, ws, conversationID, from, to, "person", userID, 0); err != nil {
			return fmt.Errorf("rules: record status change: %w", err)
		}
		return e.fireWith(ctx, tx, EvaluateArgs{WorkspaceID: ws, ConversationID: conversationID, Trigger: StatusChanged,
			Before: map[string]any{"status": from}})
	})
	return v, err
}

// fireWith queues an evaluation with its before-facts, when a rule listens.
func (e *Engine) fireWith(ctx context.Context, tx pgx.Tx, a EvaluateArgs) error {
	var listening bool
	if err := tx.QueryRow(ctx, e.q.AnyForTrigger, a.WorkspaceID, a.Trigger).Scan(&listening); err != nil {
		return fmt.Errorf("rules: look for %s rules: %w", a.Trigger, err)
	}
	if !listening {
		return nil
	}
	if _, err := e.jobs.InsertTx(ctx, tx, a, nil); err != nil {
		return fmt.Errorf("rules: queue %s: %w", a.Trigger, err)
	}
	return nil
}
