package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// Condition is a node of the condition tree: a group (All or Any of its children) or a
// leaf comparing one field of the conversation's facts with a value.
type Condition struct {
	All   []Condition `json:"all,omitempty"`
	Any   []Condition `json:"any,omitempty"`
	Field string      `json:"field,omitempty"`
	Op    Op          `json:"op,omitempty"`
	Value any         `json:"value,omitempty"`
}

// Op is a comparison.
type Op string

// The comparisons.
const (
	Equals    Op = "equals"
	NotEquals Op = "not_equals"
	Contains  Op = "contains"
	Greater   Op = "greater"
	Less      Op = "less"
	In        Op = "in"
	IsEmpty   Op = "is_empty"
	NotEmpty  Op = "not_empty"
	ChangedTo Op = "changed_to"
)

func ops() []Op {
	return []Op{Equals, NotEquals, Contains, Greater, Less, In, IsEmpty, NotEmpty, ChangedTo}
}

// Fields a condition may test, besides "context.<field>" for the workspace's own.
func knownFields() []string {
	return []string{"message.text", "intent", "confidence", "channel", "status", "tags", "time_of_day", "weekday",
		"contact.name", "contact.phone", "hours_since_reply"}
}

// Facts is what conditions are tested against: the conversation as it is now, and
// as it was before the change that triggered the evaluation (for changed_to).
type Facts struct {
	Values map[string]any
	Before map[string]any
	// workflow checks set_status actions; nil while the workspace has none saved.
	workflow *Workflow
}

func (c *Condition) check(path string, depth int, leaves *int, errs validation.Error) {
	groups := 0
	if c.All != nil {
		groups++
	}
	if c.Any != nil {
		groups++
	}
	switch {
	case depth > maxDepth:
		errs[path] = fmt.Sprintf("nests deeper than %d levels", maxDepth)
	case groups > 1 || (groups == 1 && c.Field != ""):
		errs[path] = `must be one of: a group {"all": [...]}, a group {"any": [...]}, or a test {"field", "op", "value"}`
	case c.All != nil || c.Any != nil:
		list, name := c.All, "all"
		if c.Any != nil {
			list, name = c.Any, "any"
		}
		if len(list) == 0 {
			errs[path+"."+name] = "must hold at least one condition"
		}
		for i := range list {
			list[i].check(fmt.Sprintf("%s.%s[%d]", path, name, i), depth+1, leaves, errs)
		}
	default:
		*leaves++
		c.checkLeaf(path, errs)
	}
}

func (c *Condition) checkLeaf(path string, errs validation.Error) {
	if !strings.HasPrefix(c.Field, "context.") || len(c.Field) == len("context.") {
		found := false
		for _, f := range knownFields() {
			found = found || f == c.Field
		}
		if !found {
			errs[path+".field"] = "must be context.<field> or one of " + strings.Join(knownFields(), ", ")
		}
	}
	known := false
	for _, o := range ops() {
		known = known || o == c.Op
	}
	switch {
	case !known:
		errs[path+".op"] = "must be one of " + joinQuoted(ops())
	case c.Op == IsEmpty || c.Op == NotEmpty:
	case c.Value == nil:
		errs[path+".value"] = "is required for " + string(c.Op)
	case c.Op == In:
		if _, ok := c.Value.([]any); !ok {
			errs[path+".value"] = "must be a list for in"
		}
	case c.Op == Greater || c.Op == Less:
		switch c.Value.(type) {
		case float64, string:
		default:
			errs[path+".value"] = "must be a number, or a date or time written as text"
		}
	}
}

// Match reports whether the facts satisfy the condition tree; nil matches everything.
func (c *Condition) Match(f Facts) bool {
	switch {
	case c == nil:
		return true
	case c.All != nil:
		for i := range c.All {
			if !c.All[i].Match(f) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for i := range c.Any {
			if c.Any[i].Match(f) {
				return true
			}
		}
		return false
	}
	v := f.Values[c.Field]
	switch c.Op {
	case Equals:
		return equal(v, c.Value)
	case NotEquals:
		return !equal(v, c.Value)
	case Contains:
		if list, ok := v.([]string); ok {
			return anyEqual(list, c.Value)
		}
		return strings.Contains(strings.ToLower(text(v)), strings.ToLower(text(c.Value)))
	case Greater, Less:
		cmp, ok := compare(v, c.Value)
		return ok && (c.Op == Greater && cmp > 0 || c.Op == Less && cmp < 0)
	case In:
		want, _ := c.Value.([]any)
		if list, ok := v.([]string); ok {
			for _, x := range list {
				if containsEqual(want, x) {
					return true
				}
			}
			return false
		}
		return containsEqual(want, v)
	case IsEmpty:
		return empty(v)
	case NotEmpty:
		return !empty(v)
	case ChangedTo:
		// Only a fact the event changed has a value before: another field's change
		// leaves this one where it was.
		before, changed := f.Before[c.Field]
		return changed && equal(v, c.Value) && !equal(before, c.Value)
	}
	return false
}

// equal compares a fact with a value the owner typed: numbers by value, text without
// regard to case.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y
		}
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if reflect.TypeOf(a).Kind() == reflect.Slice || reflect.TypeOf(b).Kind() == reflect.Slice {
		return reflect.DeepEqual(a, b)
	}
	return strings.EqualFold(text(a), text(b))
}

func anyEqual(list []string, v any) bool {
	for _, x := range list {
		if equal(x, v) {
			return true
		}
	}
	return false
}

func containsEqual(list []any, v any) bool {
	for _, x := range list {
		if equal(v, x) {
			return true
		}
	}
	return false
}

// compare orders numbers by value and other text as written (ISO dates and 24-hour
// times order correctly that way).
func compare(a, b any) (int, bool) {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	}
	sa, sb := text(a), text(b)
	if a == nil || sa == "" {
		return 0, false
	}
	return strings.Compare(sa, sb), true
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func text(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// Fields lists the fields a condition may test besides context.<field>, for forms.
func Fields() []string { return knownFields() }

// Ops lists the comparisons, for forms.
func Ops() []Op { return ops() }
