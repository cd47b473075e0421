package tracking

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
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
	// A key the schema lacks is kept as given: rules may track facts of their own.
	if f, ok := cur.Schema.Field(key); ok {
		var region string
		if err := tx.QueryRow(ctx, s.q.Region, ws).Scan(&region); err != nil {
			return nil, false, fmt.Errorf("tracking: region of workspace %d: %w", ws, err)
		}
		if value, err = f.Check(value, region); err != nil {
			return nil, false, fmt.Errorf("field %s: %w", key, err)
		}
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
