package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/sqlset"
)

// maxChain bounds a chain of events set off by rules' own actions: a rule's action
// may trigger other rules, never itself, and never more than this many steps deep.
const maxChain = 5

// Engine stores rules and evaluates them in River jobs.
type Engine struct {
	q    queries
	wq   workflowQueries
	pool *pgxpool.Pool
	jobs *river.Client[pgx.Tx]
	Log  *slog.Logger
	// HTTP sends webhook actions.
	HTTP *http.Client
	Now  func() time.Time
	// Mail queues the e-mails of a notify action's notification in its transaction; nil sends none.
	Mail interface {
		QueueTx(ctx context.Context, tx pgx.Tx, ws, notificationID int64) error
	}
	// Replies drafts send_reply actions' replies; nil refuses them.
	Replies Replier
	// Fields writes set_field actions' values; nil refuses them.
	Fields FieldWriter
	// RunRetention is how long rule runs are kept; 0 keeps them for ever.
	RunRetention time.Duration
}

// FieldWriter writes a set_field action's value in tx, with its history naming the rule
// and the conversation's completion and priority recomputed, and returns the value as
// stored and whether it changed (a person's value stands). conversation/tracking
// implements it.
type FieldWriter interface {
	SetByRule(ctx context.Context, tx pgx.Tx, ws, conv, ruleID int64, ruleName, field string, value any) (any, bool, error)
	// CheckValue is nil when the workspace's field of that key (if it has one) accepts
	// value; a refusal's error says why in words for the owner, wrapped in InvalidValue.
	CheckValue(ctx context.Context, db database.DBTX, ws int64, field string, value any) error
}

// InvalidValue wraps why a field refuses a set_field action's value.
func InvalidValue(err error) error { return valueError{err} }

type valueError struct{ err error }

func (v valueError) Error() string { return v.err.Error() }
func (v valueError) Unwrap() error { return v.err }

// New loads the engine's queries. Register its workers, then Attach the River client.
func New(pool *pgxpool.Pool, log *slog.Logger) (*Engine, error) {
	e := &Engine{pool: pool, Log: log, HTTP: &http.Client{Timeout: 10 * time.Second}, Now: time.Now, RunRetention: DefaultRunRetention}
	if err := sqlset.Load(&e.q, queriesSQL); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if err := sqlset.Load(&e.wq, workflowSQL); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return e, nil
}

// AddWorkers registers the rule jobs.
func (e *Engine) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &evaluateWorker{e: e})
	river.AddWorker(w, &webhookWorker{e: e})
	river.AddWorker(w, &quietWorker{e: e})
	river.AddWorker(w, &retentionWorker{e: e})
}

// DefaultRunRetention is how long rule runs are kept unless configured.
const DefaultRunRetention = 30 * 24 * time.Hour

// Attach gives the engine the River client it queues jobs with.
func (e *Engine) Attach(c *river.Client[pgx.Tx]) { e.jobs = c }

// PeriodicJobs looks for quiet conversations every minute, for time_elapsed rules, and
// prunes old rule runs every hour.
func (e *Engine) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return QuietArgs{}, nil }, nil),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// EvaluateArgs is the job that runs a workspace's rules for one event on one conversation.
type EvaluateArgs struct {
	WorkspaceID    int64   `json:"workspace_id"`
	ConversationID int64   `json:"conversation_id"`
	Trigger        Trigger `json:"trigger"`
	// Before holds the facts as they were before the change that caused the event.
	Before map[string]any `json:"before,omitempty"`
	// Fired are the rules that acted earlier in this chain of events: they do not act again.
	Fired []int64 `json:"fired,omitempty"`
	// RuleID limits the evaluation to one rule (a time_elapsed rule that came due).
	RuleID int64 `json:"rule_id,omitempty"`
}

// Kind implements river.JobArgs.
func (EvaluateArgs) Kind() string { return "evaluate_rules" }

// FireTx queues the evaluation of the workspace's rules for trigger, in tx: the rules
// run if and only if the event commits.
func (e *Engine) FireTx(ctx context.Context, tx pgx.Tx, ws, conversationID int64, t Trigger) error {
	return e.FireChangeTx(ctx, tx, ws, conversationID, t, nil)
}

// FireChangeTx is FireTx for a change: before holds the facts it changed as they were
// ("context.budget": 300000; nil for a value that was not set), so changed_to conditions
// see the move.
func (e *Engine) FireChangeTx(ctx context.Context, tx pgx.Tx, ws, conversationID int64, t Trigger, before map[string]any) error {
	// Most workspaces have few rules: checking first saves a job per message. A rule
	// enabled after this check applies from the next event on.
	var listening bool
	if err := tx.QueryRow(ctx, e.q.AnyForTrigger, ws, t).Scan(&listening); err != nil {
		return fmt.Errorf("rules: look for %s rules: %w", t, err)
	}
	if !listening {
		return nil
	}
	if _, err := e.jobs.InsertTx(ctx, tx, EvaluateArgs{WorkspaceID: ws, ConversationID: conversationID, Trigger: t, Before: before}, nil); err != nil {
		return fmt.Errorf("rules: queue %s: %w", t, err)
	}
	return nil
}

type evaluateWorker struct {
	river.WorkerDefaults[EvaluateArgs]
	e *Engine
}

func (w *evaluateWorker) Work(ctx context.Context, job *river.Job[EvaluateArgs]) error {
	a := job.Args
	return pgx.BeginFunc(ctx, w.e.pool, func(tx pgx.Tx) error {
		if _, err := w.e.evaluate(ctx, tx, a, false); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// Outcome is what one rule did, or would do in a dry run.
type Outcome struct {
	RuleID  int64    `json:"rule_id"`
	Name    string   `json:"name"`
	Matched bool     `json:"matched"`
	Skipped string   `json:"skipped,omitempty"`
	Actions []string `json:"actions"`
	Error   string   `json:"error,omitempty"`
}

// evaluate runs the rules for a's event on its conversation, in tx. A dry run applies
// nothing and records nothing: it reports what would happen.
func (e *Engine) evaluate(ctx context.Context, tx pgx.Tx, a EvaluateArgs, dry bool) ([]Outcome, error) {
	f, err := e.facts(ctx, tx, a.WorkspaceID, a.ConversationID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil // the conversation is gone: nothing to do
	}
	if err != nil {
		return nil, err
	}
	f.Before = a.Before
	rows, err := tx.Query(ctx, e.q.ForTrigger, a.WorkspaceID, a.Trigger, a.RuleID, dry)
	if err != nil {
		return nil, fmt.Errorf("rules: load: %w", err)
	}
	type loaded struct {
		id   int64
		rule Rule
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (loaded, error) {
		var l loaded
		err := r.Scan(&l.id, &l.rule)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("rules: load: %w", err)
	}
	var out []Outcome
	var follow []EvaluateArgs
	var replies []pendingReply
	var took []time.Duration
	fired := slices.Clone(a.Fired)
	for _, l := range list {
		o := Outcome{RuleID: l.id, Name: l.rule.Name, Actions: []string{}}
		if slices.Contains(a.Fired, l.id) {
			o.Skipped = "it already acted earlier in this chain of events"
			out = append(out, o)
			took = append(took, 0)
			continue
		}
		start := time.Now()
		o.Matched = l.rule.Conditions.Match(f)
		var runErr error
		if o.Matched {
			fired = append(fired, l.id)
			for i, act := range l.rule.Actions {
				if act.Type == SendReply {
					r, err := e.reply(l.id, i, act, f)
					o.Actions = append(o.Actions, "send_reply: "+r.text)
					if err != nil {
						runErr = errors.Join(runErr, fmt.Errorf("%s: %w", act.Type, err))
					} else {
						replies = append(replies, r)
					}
					continue
				}
				desc, next, err := e.apply(ctx, tx, a, l.id, l.rule.Name, act, &f, dry)
				o.Actions = append(o.Actions, desc)
				if err != nil {
					runErr = errors.Join(runErr, fmt.Errorf("%s: %w", act.Type, err))
					continue
				}
				follow = append(follow, next...)
			}
		}
		if runErr != nil {
			o.Error = runErr.Error()
		}
		out = append(out, o)
		took = append(took, time.Since(start))
	}
	if dry {
		return out, nil
	}
	runIDs, err := e.recordRuns(ctx, tx, a, out, took)
	if err != nil {
		return nil, err
	}
	for _, l := range list {
		if id, ok := runIDs[l.id]; ok {
			if err := e.queueWebhooks(ctx, tx, a, l.id, id, l.rule, f); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range replies {
		run, ok := runIDs[r.rule]
		if !ok {
			continue
		}
		key := fmt.Sprintf("rule_run:%d:%d", run, r.action)
		if _, err := e.Replies.DraftRuleReply(ctx, tx, a.WorkspaceID, a.ConversationID, key, r.text); err != nil {
			return nil, fmt.Errorf("rules: draft reply of run %d: %w", run, err)
		}
	}
	if len(fired) >= maxChain {
		return out, nil
	}
	for _, next := range follow {
		next.WorkspaceID, next.ConversationID, next.Fired = a.WorkspaceID, a.ConversationID, fired
		if _, err := e.jobs.InsertTx(ctx, tx, next, nil); err != nil {
			return nil, fmt.Errorf("rules: queue %s: %w", next.Trigger, err)
		}
	}
	return out, nil
}

// recordRuns stores the runs of the rules that were evaluated (not those skipped) and
// returns the run id of each rule that matched.
func (e *Engine) recordRuns(ctx context.Context, tx pgx.Tx, a EvaluateArgs, out []Outcome, took []time.Duration) (map[int64]int64, error) {
	var (
		ids     []int64
		matched []bool
		acts    [][]byte
		errs    []string
		us      []int32
	)
	for i, o := range out {
		if o.Skipped != "" {
			continue
		}
		b, err := json.Marshal(o.Actions)
		if err != nil {
			return nil, err
		}
		ids, matched, acts, errs = append(ids, o.RuleID), append(matched, o.Matched), append(acts, b), append(errs, o.Error)
		us = append(us, int32(min(took[i].Microseconds(), 1<<31-1)))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, e.q.InsertRuns, a.WorkspaceID, a.ConversationID, a.Trigger, ids, matched, acts, errs, us)
	if err != nil {
		return nil, fmt.Errorf("rules: record runs: %w", err)
	}
	runIDs := map[int64]int64{}
	isMatch := map[int64]bool{}
	for i, id := range ids {
		isMatch[id] = matched[i]
	}
	for rows.Next() {
		var rule, run int64
		if err := rows.Scan(&rule, &run); err != nil {
			rows.Close()
			return nil, err
		}
		if isMatch[rule] {
			runIDs[rule] = run
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rules: record runs: %w", err)
	}
	return runIDs, nil
}

// Test is a dry run: what the workspace's rules for trigger would do on a conversation
// now (ruleID > 0: just that rule), changing nothing.
func (e *Engine) Test(ctx context.Context, ws, conversationID int64, t Trigger, ruleID int64) ([]Outcome, error) {
	var out []Outcome
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		var err error
		out, err = e.evaluate(ctx, tx, EvaluateArgs{WorkspaceID: ws, ConversationID: conversationID, Trigger: t, RuleID: ruleID}, true)
		if err == nil && out == nil {
			if _, ferr := e.facts(ctx, tx, ws, conversationID); errors.Is(ferr, pgx.ErrNoRows) {
				return fmt.Errorf("rules: conversation %d: %w", conversationID, ErrNotFound)
			}
		}
		return err
	})
	return out, err
}

// describe is how an action reads in a run's record.
func describe(a Action) string {
	switch a.Type {
	case AddTag, RemoveTag:
		return string(a.Type) + " " + a.Tag
	case SetStatus:
		return "set_status " + a.Status
	case SetField:
		v, _ := json.Marshal(a.Value)
		return "set_field " + a.Field + " = " + string(v)
	case Assign:
		return fmt.Sprintf("assign user %d", a.UserID)
	case Notify:
		return "notify: " + a.Message
	case Webhook:
		return "webhook " + strings.SplitN(a.URL, "?", 2)[0]
	case SendReply:
		return "send_reply"
	}
	return string(a.Type)
}

// Evaluate runs the rules for one event now, in a transaction of its own, as the
// evaluate_rules job does (the job also completes itself in that transaction).
func (e *Engine) Evaluate(ctx context.Context, a EvaluateArgs) ([]Outcome, error) {
	var out []Outcome
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		var err error
		out, err = e.evaluate(ctx, tx, a, false)
		return err
	})
	return out, err
}

// pendingReply is a send_reply action's filled-in text, drafted once its run is recorded
// (the run id makes the draft's key).
type pendingReply struct {
	rule   int64
	action int
	text   string
}

func (e *Engine) reply(rule int64, action int, act Action, f Facts) (pendingReply, error) {
	r := pendingReply{rule: rule, action: action}
	if e.Replies == nil {
		return r, errors.New("replies cannot be drafted here")
	}
	text, err := act.render(f)
	r.text = text
	return r, err
}
