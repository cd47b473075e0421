package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// facts reads the conversation as conditions see it, locking it for the evaluation.
func (e *Engine) facts(ctx context.Context, tx pgx.Tx, ws, conversationID int64) (Facts, error) {
	var (
		channel, status, name, phone, tz, text, intent string
		tags                                           []string
		fields                                         map[string]any
		last                                           time.Time
		assigned                                       int64
		confidence                                     float64
		workflow                                       *Workflow
	)
	err := tx.QueryRow(ctx, e.q.LockFacts, ws, conversationID).Scan(&channel, &status, &tags, &fields, &name, &phone, &tz,
		&last, &assigned, &text, &intent, &confidence, &workflow)
	if err != nil {
		return Facts{}, err
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	now := e.Now().In(loc)
	v := map[string]any{
		"message.text": text, "intent": intent, "confidence": confidence, "channel": channel, "status": status,
		"tags": tags, "time_of_day": now.Format("15:04"), "weekday": strings.ToLower(now.Weekday().String()),
		"contact.name": name, "contact.phone": phone, "hours_since_reply": now.Sub(last).Hours(),
		"assigned_to": float64(assigned),
	}
	for k, x := range fields {
		v["context."+k] = x
	}
	return Facts{Values: v, workflow: workflow}, nil
}

// apply carries out one action in tx and updates f to match, so later rules see the
// change. It returns how the action reads in the record, and the events it caused.
func (e *Engine) apply(ctx context.Context, tx pgx.Tx, a EvaluateArgs, ruleID int64, ruleName string, act Action, f *Facts, dry bool) (string, []EvaluateArgs, error) {
	desc := describe(act)
	if dry {
		return desc, nil, nil
	}
	ws, conv := a.WorkspaceID, a.ConversationID
	changed := func(sql string, args ...any) (bool, error) {
		tag, err := tx.Exec(ctx, sql, append([]any{ws, conv}, args...)...)
		return err == nil && tag.RowsAffected() > 0, err
	}
	switch act.Type {
	case AddTag, RemoveTag:
		before := slices.Clone(f.Values["tags"].([]string)) //nolint:forcetypeassert // set by facts
		// The conversation is locked and f is current: an action that changes nothing
		// needs no round trip.
		if slices.Contains(before, act.Tag) == (act.Type == AddTag) {
			return desc + " (no change)", nil, nil
		}
		sql := e.q.AddTag
		if act.Type == RemoveTag {
			sql = e.q.RemoveTag
		}
		ok, err := changed(sql, act.Tag)
		if err != nil || !ok {
			return desc + " (no change)", nil, err
		}
		tags := slices.DeleteFunc(slices.Clone(before), func(t string) bool { return t == act.Tag })
		if act.Type == AddTag {
			tags = append(tags, act.Tag)
		}
		f.Values["tags"] = tags
		return desc, []EvaluateArgs{{Trigger: ContextChanged, Before: map[string]any{"tags": before}}}, nil
	case SetStatus:
		before := f.Values["status"]
		if before == act.Status {
			return desc + " (no change)", nil, nil
		}
		if f.workflow != nil {
			if err := f.workflow.Allow(text(before), act.Status); err != nil {
				return desc + " (refused)", nil, err
			}
		}
		ok, err := changed(e.q.SetStatus, act.Status)
		if err != nil || !ok {
			return desc + " (no change)", nil, err
		}
		if _, err := tx.Exec(ctx, e.wq.InsertStatusChange, ws, conv, before, act.Status, "rule", 0, ruleID); err != nil {
			return desc, nil, fmt.Errorf("record status change: %w", err)
		}
		f.Values["status"] = act.Status
		return desc, []EvaluateArgs{{Trigger: StatusChanged, Before: map[string]any{"status": before}}}, nil
	case SetField:
		if e.Fields == nil {
			return desc, nil, errors.New("context fields cannot be set here")
		}
		key := "context." + act.Field
		before := f.Values[key]
		v, ok, err := e.Fields.SetByRule(ctx, tx, ws, conv, ruleID, ruleName, act.Field, act.Value)
		if err != nil || !ok {
			return desc + " (no change)", nil, err
		}
		f.Values[key] = v
		return desc, []EvaluateArgs{{Trigger: ContextChanged, Before: map[string]any{key: before}}}, nil
	case Assign:
		ok, err := changed(e.q.Assign, act.UserID)
		if err == nil && !ok {
			err = fmt.Errorf("user %d is not a member of this workspace", act.UserID)
		}
		return desc, nil, err
	case Notify:
		var id int64
		if err := tx.QueryRow(ctx, e.q.Notify, ws, act.Message, conv).Scan(&id); err != nil {
			return desc, nil, err
		}
		if e.Mail != nil {
			return desc, nil, e.Mail.QueueTx(ctx, tx, ws, id)
		}
		return desc, nil, nil
	case Webhook:
		return desc + " (queued)", nil, nil // queued with the run, which it reports to
	}
	return desc, nil, fmt.Errorf("unknown action %q", act.Type)
}
