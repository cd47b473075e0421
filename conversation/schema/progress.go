package schema

import (
	"fmt"
	"slices"
)

// Visible reports whether f applies to a conversation with these values: its
// dependency, if any, holds.
func (s Schema) Visible(f Field, values map[string]any) bool {
	if f.DependsOn == nil {
		return true
	}
	parent, ok := s.Field(f.DependsOn.Field)
	if !ok || !s.Visible(parent, values) {
		return false
	}
	return holds(values[f.DependsOn.Field], f.DependsOn.Values)
}

// holds reports whether v is filled and, when values is not empty, equals (or, for a
// list, contains) one of them.
func holds(v any, values []string) bool {
	if !filled(v) {
		return false
	}
	if len(values) == 0 {
		return true
	}
	switch x := v.(type) {
	case []any:
		return slices.ContainsFunc(x, func(it any) bool { return slices.Contains(values, fmt.Sprint(it)) })
	default:
		return slices.Contains(values, fmt.Sprint(x))
	}
}

func filled(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	}
	return true
}

// Completion is the percentage of the required fields that apply which are filled; a
// schema with none is complete.
func (s Schema) Completion(values map[string]any) int {
	need, have := 0, 0
	for _, f := range s.Fields {
		if !f.Required || !s.Visible(f, values) {
			continue
		}
		need++
		if filled(values[f.Key]) {
			have++
		}
	}
	if need == 0 {
		return 100
	}
	return have * 100 / need
}

// Missing lists the keys of the required fields that apply and are empty.
func (s Schema) Missing(values map[string]any) []string {
	var out []string
	for _, f := range s.Fields {
		if f.Required && s.Visible(f, values) && !filled(values[f.Key]) {
			out = append(out, f.Key)
		}
	}
	return out
}

// Score is the priority: the sum of the points of the priority rules that hold.
func (s Schema) Score(values map[string]any) int {
	n := 0
	for _, p := range s.Priority {
		if holds(values[p.Field], p.Values) {
			n += p.Points
		}
	}
	return n
}
