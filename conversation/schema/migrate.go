package schema

import (
	"fmt"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// Choice is what happens to the values of a field whose type changes.
type Choice string

// The choices.
const (
	// Convert keeps each value the new type accepts and drops the rest.
	Convert Choice = "convert"
	// Drop clears the field.
	Drop Choice = "drop"
)

// Change is a field whose type differs between two versions.
type Change struct {
	Key  string `json:"key"`
	From Type   `json:"from"`
	To   Type   `json:"to"`
	Path string `json:"path"`
}

// Changes lists the fields of next whose type differs from prev's.
func Changes(prev, next Schema) []Change {
	var out []Change
	for i, f := range next.Fields {
		if old, ok := prev.Field(f.Key); ok && old.Type != f.Type {
			out = append(out, Change{Key: f.Key, From: old.Type, To: f.Type, Path: fmt.Sprintf("fields[%d].type", i)})
		}
	}
	return out
}

// RequireChoices checks that every changed field has a choice: a type change never
// loses values silently.
func RequireChoices(changes []Change, choices map[string]Choice) error {
	errs := validation.Error{}
	for _, c := range changes {
		switch choices[c.Key] {
		case Convert, Drop:
		default:
			errs[c.Path] = fmt.Sprintf("changes from %s to %s: say whether to convert or drop its values (migrate.%s)", c.From, c.To, c.Key)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Failure is a value that could not be converted.
type Failure struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
	Error string `json:"error"`
}

// Migrate returns values as they read under next: each changed field's value converted
// or dropped as chosen, with the values that failed to convert (which are dropped).
// Fields the new version no longer has keep their values, so rules reading them work.
func Migrate(next Schema, changes []Change, choices map[string]Choice, values map[string]any, region string) (map[string]any, []Failure) {
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = v
	}
	var failed []Failure
	for _, c := range changes {
		v, ok := out[c.Key]
		if !ok {
			continue
		}
		delete(out, c.Key)
		if choices[c.Key] != Convert || v == nil {
			continue
		}
		f, _ := next.Field(c.Key)
		nv, err := f.Check(loosen(v), region)
		if err != nil {
			failed = append(failed, Failure{Key: c.Key, Value: v, Error: err.Error()})
			continue
		}
		out[c.Key] = nv
	}
	return out, failed
}

// loosen turns a value into the text a person would type for it, so a number becomes
// text and text becomes a number where it reads as one.
func loosen(v any) any {
	switch x := v.(type) {
	case float64, bool:
		return fmt.Sprint(x)
	}
	return v
}
