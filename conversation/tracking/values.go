package tracking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

// Meta is who set a value, and how sure the AI was.
type Meta struct {
	SetBy      string    `json:"set_by"` // "ai", "user", "rule" or "migration"
	UserID     int64     `json:"user_id,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
	RuleID     int64     `json:"rule_id,omitempty"` // the rule whose set_field action set it
	Rule       string    `json:"rule,omitempty"`
	SetAt      time.Time `json:"set_at"`
}

// Setter is who is changing values.
type Setter struct {
	By     string
	UserID int64
	// RuleID and RuleName name the rule, when By is "rule".
	RuleID   int64
	RuleName string
}

// Context is a conversation's values as stored.
type Context struct {
	Values     map[string]any  `json:"values"`
	Meta       map[string]Meta `json:"meta"`
	Version    int             `json:"version"`
	Completion int             `json:"completion"`
	Priority   int             `json:"priority"`
}

// Change is one entry of a conversation's context history.
type Change struct {
	Field      string    `json:"field"`
	Old        any       `json:"old"`
	New        any       `json:"new"`
	SetBy      string    `json:"set_by"`
	UserID     int64     `json:"user_id,omitempty"`
	UserName   string    `json:"user_name,omitempty"`
	Confidence *float32  `json:"confidence,omitempty"`
	Version    int       `json:"version"`
	RuleID     int64     `json:"rule_id,omitempty"`
	RuleName   string    `json:"rule_name,omitempty"`
	At         time.Time `json:"at"`
}

// lock reads a conversation's values and locks the row until tx ends.
func (s *Store) lock(ctx context.Context, tx pgx.Tx, ws, conv int64) (Context, error) {
	var c Context
	err := tx.QueryRow(ctx, s.q.LockContext, ws, conv).Scan(&c.Values, &c.Meta, &c.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("tracking: conversation %d: %w", conv, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("tracking: lock context of conversation %d: %w", conv, err)
	}
	if c.Values == nil {
		c.Values = map[string]any{}
	}
	if c.Meta == nil {
		c.Meta = map[string]Meta{}
	}
	return c, nil
}

// write stores c with its completion and priority under sc.
func (s *Store) write(ctx context.Context, tx pgx.Tx, ws, conv int64, c Context, sc schema.Schema) error {
	_, err := tx.Exec(ctx, s.q.WriteContext, ws, conv, c.Values, c.Meta, c.Version, sc.Completion(c.Values), sc.Score(c.Values))
	if err != nil {
		return fmt.Errorf("tracking: write context of conversation %d: %w", conv, err)
	}
	return nil
}

func (s *Store) history(ctx context.Context, tx pgx.Tx, ws, conv int64, field string, old, nv any, by Setter, version int, conf ...float64) error {
	var c *float64
	if len(conf) > 0 {
		c = &conf[0]
	}
	oldJSON, _ := json.Marshal(old)
	newJSON, _ := json.Marshal(nv)
	if _, err := tx.Exec(ctx, s.q.InsertHistory, ws, conv, field, oldJSON, newJSON, by.By, by.UserID, c, version, by.RuleID, by.RuleName); err != nil {
		return fmt.Errorf("tracking: record history of conversation %d: %w", conv, err)
	}
	return nil
}

// Read returns a conversation's values, with its last changes (at most limit; none
// when limit is 0).
func (s *Store) Read(ctx context.Context, db database.DBTX, ws, conv int64, limit int) (Context, []Change, error) {
	var c Context
	err := db.QueryRow(ctx, s.q.ReadContext, ws, conv).Scan(&c.Values, &c.Meta, &c.Version, &c.Completion, &c.Priority)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil, fmt.Errorf("tracking: conversation %d: %w", conv, ErrNotFound)
	}
	if err != nil {
		return c, nil, fmt.Errorf("tracking: read context of conversation %d: %w", conv, err)
	}
	if limit <= 0 {
		return c, nil, nil // the drafter's read, once per message: no history wanted
	}
	rows, err := db.Query(ctx, s.q.History, ws, conv, limit)
	if err != nil {
		return c, nil, fmt.Errorf("tracking: read history of conversation %d: %w", conv, err)
	}
	hist, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Change, error) {
		var h Change
		err := r.Scan(&h.Field, &h.Old, &h.New, &h.SetBy, &h.UserID, &h.UserName, &h.Confidence, &h.Version, &h.RuleID, &h.RuleName, &h.At)
		return h, err
	})
	if err != nil {
		return c, nil, fmt.Errorf("tracking: read history of conversation %d: %w", conv, err)
	}
	if hist == nil {
		hist = []Change{}
	}
	return c, hist, nil
}

// Proposed is a value to set, with how sure its source is (1 for a person).
type Proposed struct {
	Value      any
	Confidence float64
}

// Apply writes values to a conversation in tx, under the workspace's current schema.
// Each value is checked against its field (errors name "values.<key>"); nil clears a
// field. The AI never overwrites what a person set; a person overwrites anything.
// It returns the keys that changed and fires context_changed when any did.
func (s *Store) Apply(ctx context.Context, tx pgx.Tx, ws, conv int64, by Setter, values map[string]Proposed, region string) ([]string, error) {
	cur, err := s.Current(ctx, tx, ws)
	if err != nil {
		return nil, err
	}
	c, err := s.lock(ctx, tx, ws, conv)
	if err != nil {
		return nil, err
	}
	errs := validation.Error{}
	checked := map[string]any{}
	for k, p := range values {
		f, ok := cur.Schema.Field(k)
		if !ok {
			errs["values."+k] = "is not a field of the workspace's schema"
			continue
		}
		v, err := f.Check(p.Value, region)
		if err != nil {
			errs["values."+k] = err.Error()
			continue
		}
		checked[k] = v
	}
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.Now().UTC()
	var changed []string
	before := map[string]any{}            // the changed fields as they were, for changed_to rules
	for _, f := range cur.Schema.Fields { // in the schema's order, so history reads in order
		v, ok := checked[f.Key]
		if !ok {
			continue
		}
		if by.By == "ai" && c.Meta[f.Key].SetBy == "user" {
			continue // a person's value stands
		}
		old, had := c.Values[f.Key]
		if had && sameValue(old, v) {
			continue
		}
		if !had && v == nil {
			continue
		}
		before["context."+f.Key] = old
		conf := values[f.Key].Confidence
		if err := s.history(ctx, tx, ws, conv, f.Key, old, v, by, cur.Number, conf); err != nil {
			return nil, err
		}
		if v == nil {
			delete(c.Values, f.Key)
			delete(c.Meta, f.Key)
		} else {
			c.Values[f.Key] = v
			c.Meta[f.Key] = Meta{SetBy: by.By, UserID: by.UserID, Confidence: conf, SetAt: now}
		}
		changed = append(changed, f.Key)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	c.Version = cur.Number
	if err := s.write(ctx, tx, ws, conv, c, cur.Schema); err != nil {
		return nil, err
	}
	if s.Rules != nil {
		if err := s.Rules.FireChangeTx(ctx, tx, ws, conv, rules.ContextChanged, before); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// sameValue compares values as they read back from JSON.
func sameValue(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var x, y any
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}

// FillRate is how often a field is filled.
type FillRate struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Filled int     `json:"filled"`
	Total  int     `json:"total"`
	Rate   float64 `json:"rate"`
}

// FillRates is, for each field of the workspace's current schema, the share of the
// conversations active since since that have it filled. The analytics endpoint serves it.
func (s *Store) FillRates(ctx context.Context, db database.DBTX, ws int64, since time.Time) ([]FillRate, error) {
	cur, err := s.Current(ctx, db, ws)
	if err != nil {
		return nil, err
	}
	var total int
	if err := db.QueryRow(ctx, s.q.CountActive, ws, since).Scan(&total); err != nil {
		return nil, fmt.Errorf("tracking: count conversations of workspace %d: %w", ws, err)
	}
	rows, err := db.Query(ctx, s.q.FillCounts, ws, since)
	if err != nil {
		return nil, fmt.Errorf("tracking: fill rates of workspace %d: %w", ws, err)
	}
	counts := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("tracking: fill rates of workspace %d: %w", ws, err)
		}
		counts[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracking: fill rates of workspace %d: %w", ws, err)
	}
	out := make([]FillRate, 0, len(cur.Schema.Fields))
	for _, f := range cur.Schema.Fields {
		r := FillRate{Key: f.Key, Label: f.Label, Filled: counts[f.Key], Total: total}
		if total > 0 {
			r.Rate = float64(r.Filled) / float64(total)
		}
		out = append(out, r)
	}
	return out, nil
}

// Facts are the conversation's filled context fields as the drafter reads them: the
// schema's fields in its order by label, then any other key (set by a rule) by name.
func (s *Store) Facts(ctx context.Context, db database.DBTX, ws, conv int64) ([]ai.Fact, error) {
	c, _, err := s.Read(ctx, db, ws, conv, 0)
	if err != nil || len(c.Values) == 0 {
		return nil, err
	}
	cur, err := s.Current(ctx, db, ws)
	if err != nil {
		return nil, err
	}
	var facts []ai.Fact
	seen := map[string]bool{}
	for _, f := range cur.Schema.Fields {
		if v := factValue(c.Values[f.Key]); v != "" {
			facts = append(facts, ai.Fact{Label: f.Label, Value: v})
		}
		seen[f.Key] = true
	}
	rest := make([]string, 0, len(c.Values))
	for k := range c.Values {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		if v := factValue(c.Values[k]); v != "" {
			facts = append(facts, ai.Fact{Label: k, Value: v})
		}
	}
	return facts, nil
}

// factValue writes a stored value for a person to read; "" for an empty one.
func factValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if s := factValue(x); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(v)
	}
}
