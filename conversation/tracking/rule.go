package tracking

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/rules"
)

// SetByRule writes a rule's set_field value in tx as Apply writes a person's: checked
// against the field when the schema has it, recorded in the history under the rule's
// name, with the conversation's completion and priority recomputed. A value a person set
// stands. It returns the value as stored and whether it changed. It fires no rules: the
// engine queues the context_changed that follows, under its loop protection.
func (s *Store) SetByRule(ctx context.Context, tx pgx.Tx, ws, conv, ruleID int64, ruleName, key string, value any) (any, bool, error) {
	cur, err := s.Current(ctx, tx, ws)
	if err != nil {
		return nil, false, err
	}
	c, err := s.lock(ctx, tx, ws, conv)
	if err != nil {
		return nil, false, err
	}
	if c.Meta[key].SetBy == "user" {
		return c.Values[key], false, nil
	}
	if value, err = s.checkRuleValue(ctx, tx, ws, cur.Schema, key, value); err != nil {
		return nil, false, fmt.Errorf("field %s: %w", key, err)
	}
	old, had := c.Values[key]
	if (had && sameValue(old, value)) || (!had && value == nil) {
		return old, false, nil
	}
	by := Setter{By: "rule", RuleID: ruleID, RuleName: ruleName}
	if err := s.history(ctx, tx, ws, conv, key, old, value, by, cur.Number); err != nil {
		return nil, false, err
	}
	if value == nil {
		delete(c.Values, key)
		delete(c.Meta, key)
	} else {
		c.Values[key] = value
		c.Meta[key] = Meta{SetBy: "rule", RuleID: ruleID, Rule: ruleName, SetAt: s.Now().UTC()}
	}
	c.Version = cur.Number
	if err := s.write(ctx, tx, ws, conv, c, cur.Schema); err != nil {
		return nil, false, err
	}
	return value, true, nil
}

// CheckValue reports whether the workspace's current field of key accepts a rule's
// value; a key the schema lacks accepts anything (rules may track facts of their own).
func (s *Store) CheckValue(ctx context.Context, db database.DBTX, ws int64, key string, value any) error {
	cur, err := s.Current(ctx, db, ws)
	if err != nil {
		return err
	}
	if _, err := s.checkRuleValue(ctx, db, ws, cur.Schema, key, value); err != nil {
		if errors.Is(err, schema.ErrValue) {
			return rules.InvalidValue(err)
		}
		return err
	}
	return nil
}

// checkRuleValue is value as the field of key stores it, or as given for a key sc lacks.
func (s *Store) checkRuleValue(ctx context.Context, db database.DBTX, ws int64, sc schema.Schema, key string, value any) (any, error) {
	f, ok := sc.Field(key)
	if !ok {
		return value, nil
	}
	var region string
	if err := db.QueryRow(ctx, s.q.Region, ws).Scan(&region); err != nil {
		return nil, fmt.Errorf("tracking: region of workspace %d: %w", ws, err)
	}
	return f.Check(value, region)
}
