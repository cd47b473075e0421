package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// WebhookArgs is one webhook action to deliver. The body is fixed when the rule runs;
// the secret is read from the rule at each attempt, so it never sits in the job table.
type WebhookArgs struct {
	WorkspaceID int64           `json:"workspace_id"`
	RuleID      int64           `json:"rule_id"`
	RunID       int64           `json:"run_id"`
	Action      int             `json:"action"`
	URL         string          `json:"url"`
	Body        json.RawMessage `json:"body"`
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "rule_webhook" }

// InsertOpts retries a receiver that is down for about an hour and a half.
func (WebhookArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 8} }

// webhookBody is what a receiver gets.
type webhookBody struct {
	Event          Trigger        `json:"event"`
	Rule           string         `json:"rule"`
	RuleID         int64          `json:"rule_id"`
	WorkspaceID    int64          `json:"workspace_id"`
	ConversationID int64          `json:"conversation_id"`
	Message        string         `json:"message"`
	Context        map[string]any `json:"context"`
	Status         any            `json:"status"`
	Tags           any            `json:"tags"`
	SentAt         time.Time      `json:"sent_at"`
}

func (e *Engine) queueWebhooks(ctx context.Context, tx pgx.Tx, a EvaluateArgs, ruleID, runID int64, r Rule, f Facts) error {
	ctxFields := map[string]any{}
	for k, v := range f.Values {
		if len(k) > len("context.") && k[:len("context.")] == "context." {
			ctxFields[k[len("context."):]] = v
		}
	}
	for i, act := range r.Actions {
		if act.Type != Webhook {
			continue
		}
		body, err := json.Marshal(webhookBody{
			Event: a.Trigger, Rule: r.Name, RuleID: ruleID, WorkspaceID: a.WorkspaceID, ConversationID: a.ConversationID,
			Message: text(f.Values["message.text"]), Context: ctxFields, Status: f.Values["status"], Tags: f.Values["tags"],
			SentAt: e.Now().UTC(),
		})
		if err != nil {
			return err
		}
		args := WebhookArgs{WorkspaceID: a.WorkspaceID, RuleID: ruleID, RunID: runID, Action: i, URL: act.URL, Body: body}
		if _, err := e.jobs.InsertTx(ctx, tx, args, nil); err != nil {
			return fmt.Errorf("rules: queue webhook: %w", err)
		}
	}
	return nil
}

type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	e *Engine
}

func (w *webhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration { return 30 * time.Second }

// Work posts the body signed with the rule's secret and records the answer. Any 2xx
// is delivered; anything else is retried with River's backoff.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	e, a := w.e, job.Args
	var secret *string
	if err := e.pool.QueryRow(ctx, e.q.WebhookSecret, a.WorkspaceID, a.RuleID, a.Action).Scan(&secret); err != nil {
		return river.JobCancel(fmt.Errorf("rules: webhook of rule %d: the rule is gone", a.RuleID))
	}
	if secret == nil {
		return river.JobCancel(fmt.Errorf("rules: webhook of rule %d: the action is gone", a.RuleID))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, bytes.NewReader(a.Body))
	if err != nil {
		return river.JobCancel(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "frontdesk-rules/1")
	req.Header.Set(SignatureHeader, Sign(*secret, e.Now(), a.Body))
	status, callErr, answer := 0, error(nil), ""
	res, err := e.HTTP.Do(req)
	if err != nil {
		callErr = err
	} else {
		status = res.StatusCode
		head, _ := io.ReadAll(io.LimitReader(res.Body, maxResponse))
		answer = strings.ToValidUTF8(string(head), "")
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		_ = res.Body.Close()
		if status < 200 || status > 299 {
			callErr = fmt.Errorf("the receiver answered %d", status)
		}
	}
	msg := ""
	if callErr != nil {
		msg = callErr.Error()
	}
	if _, err := e.pool.Exec(context.WithoutCancel(ctx), e.q.InsertWebhookCall, a.WorkspaceID, a.RunID, a.URL, job.Attempt, status, msg, answer); err != nil {
		return fmt.Errorf("rules: record webhook call: %w", err)
	}
	return callErr
}

// maxResponse is how much of a receiver's answer is kept with the attempt.
const maxResponse = 1000

// WebhookCall is one delivery attempt of a webhook action.
type WebhookCall struct {
	RunID      int64  `json:"run_id"`
	URL        string `json:"url"`
	Attempt    int    `json:"attempt"`
	StatusCode int    `json:"status_code"`
	Error      string `json:"error,omitempty"`
	// Response is the start of the receiver's body.
	Response  string    `json:"response,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// WebhookCalls lists a run's webhook attempts.
func (e *Engine) WebhookCalls(ctx context.Context, ws, runID int64) ([]WebhookCall, error) {
	rows, err := e.pool.Query(ctx, e.q.WebhookCalls, ws, runID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (WebhookCall, error) {
		var c WebhookCall
		err := r.Scan(&c.RunID, &c.URL, &c.Attempt, &c.StatusCode, &c.Error, &c.Response, &c.CreatedAt)
		return c, err
	})
}

// QuietArgs is the periodic job that finds conversations quiet long enough for a
// time_elapsed rule.
type QuietArgs struct{}

// Kind implements river.JobArgs.
func (QuietArgs) Kind() string { return "rules_quiet_conversations" }

type quietWorker struct {
	river.WorkerDefaults[QuietArgs]
	e *Engine
}

func (w *quietWorker) Work(ctx context.Context, _ *river.Job[QuietArgs]) error {
	e := w.e
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, e.q.DueQuiet)
		if err != nil {
			return fmt.Errorf("rules: quiet conversations: %w", err)
		}
		var due []river.InsertManyParams
		for rows.Next() {
			var a EvaluateArgs
			if err := rows.Scan(&a.WorkspaceID, &a.RuleID, &a.ConversationID); err != nil {
				rows.Close()
				return err
			}
			a.Trigger = TimeElapsed
			// One job per rule and conversation at a time, however often this runs.
			due = append(due, river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{
				UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Hour},
			}})
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(due) == 0 {
			return err
		}
		_, err = e.jobs.InsertManyTx(ctx, tx, due)
		return err
	})
}
