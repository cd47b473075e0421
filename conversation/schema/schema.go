// Package schema defines the facts a workspace tracks about its conversations: typed
// fields with validation, what the AI may extract, which fields depend on others, and
// how complete and how urgent a conversation is. It is pure Go: storage is elsewhere.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// Type is a field's kind of value.
type Type string

// The field types.
const (
	Text         Type = "text"
	LongText     Type = "long_text"
	Number       Type = "number"
	Currency     Type = "currency"
	Boolean      Type = "boolean"
	Date         Type = "date"
	Time         Type = "time"
	DateTime     Type = "datetime"
	Duration     Type = "duration"
	SingleChoice Type = "single_choice"
	MultiChoice  Type = "multi_choice"
	Tags         Type = "tags"
	Email        Type = "email"
	Phone        Type = "phone"
	URL          Type = "url"
	Rating       Type = "rating"
)

// Types lists every type, in the order a form offers them.
func Types() []Type {
	return []Type{Text, LongText, Number, Currency, Boolean, Date, Time, DateTime, Duration,
		SingleChoice, MultiChoice, Tags, Email, Phone, URL, Rating}
}

// Schema is one version of a workspace's field definitions.
type Schema struct {
	Fields []Field `json:"fields"`
	// Priority sums the points of the rules that hold for a conversation.
	Priority []PriorityRule `json:"priority,omitempty"`
}

// Field is one fact tracked about a conversation.
type Field struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Type     Type   `json:"type"`
	Required bool   `json:"required,omitempty"`
	// Min and Max bound a number, currency, duration (minutes) or rating, the length of a
	// text, or the count of choices or tags.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Pattern is a regular expression a text value must match.
	Pattern string   `json:"pattern,omitempty"`
	Options []Option `json:"options,omitempty"`
	// Currency is the ISO code of a currency field ("GBP").
	Currency string `json:"currency,omitempty"`
	// AIExtract lets the assistant fill the field from messages; Hint tells it how.
	AIExtract bool   `json:"ai_extract,omitempty"`
	Hint      string `json:"extraction_hint,omitempty"`
	// DependsOn shows (and requires) the field only when another field has a value.
	DependsOn *Dependency `json:"depends_on,omitempty"`
}

// Option is one choice of a choice field; Synonyms are other words customers use for it.
type Option struct {
	Value    string   `json:"value"`
	Label    string   `json:"label,omitempty"`
	Synonyms []string `json:"synonyms,omitempty"`
}

// Dependency says a field applies only when Field equals one of Values (any value
// when Values is empty: the field is filled).
type Dependency struct {
	Field  string   `json:"field"`
	Values []string `json:"values,omitempty"`
}

// PriorityRule adds Points when Field equals one of Values (or is filled, when Values
// is empty).
type PriorityRule struct {
	Field  string   `json:"field"`
	Values []string `json:"values,omitempty"`
	Points int      `json:"points"`
}

const (
	maxFields   = 100
	maxOptions  = 200
	maxPriority = 50
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`) //nolint:gochecknoglobals // compiled once

// Parse reads and checks a schema. Errors name the path of each offending part
// ("fields[2].options"), so a form or an API client can point at it.
func Parse(raw []byte) (Schema, error) {
	var s Schema
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, validation.Error{"schema": "is not a schema in JSON: " + err.Error()}
	}
	return s, s.Check()
}

// Check validates a schema.
func (s Schema) Check() error {
	errs := validation.Error{}
	if len(s.Fields) > maxFields {
		errs["fields"] = fmt.Sprintf("has %d fields; at most %d", len(s.Fields), maxFields)
	}
	seen := map[string]int{}
	for i, f := range s.Fields {
		path := fmt.Sprintf("fields[%d]", i)
		f.check(path, errs)
		if j, dup := seen[f.Key]; dup && f.Key != "" {
			errs[path+".key"] = fmt.Sprintf("%q is also the key of fields[%d]", f.Key, j)
		}
		seen[f.Key] = i
	}
	for i, f := range s.Fields {
		if f.DependsOn == nil {
			continue
		}
		path := fmt.Sprintf("fields[%d].depends_on", i)
		j, ok := seen[f.DependsOn.Field]
		switch {
		case !ok:
			errs[path+".field"] = fmt.Sprintf("%q is not a field of this schema", f.DependsOn.Field)
		case j == i:
			errs[path+".field"] = "a field cannot depend on itself"
		case j > i:
			// Fields depend only on earlier ones: no cycles, and forms read top to bottom.
			errs[path+".field"] = fmt.Sprintf("%q must come before this field", f.DependsOn.Field)
		default:
			checkValues(s.Fields[j], f.DependsOn.Values, path+".values", errs)
		}
	}
	if len(s.Priority) > maxPriority {
		errs["priority"] = fmt.Sprintf("has %d rules; at most %d", len(s.Priority), maxPriority)
	}
	for i, p := range s.Priority {
		path := fmt.Sprintf("priority[%d]", i)
		j, ok := seen[p.Field]
		if !ok {
			errs[path+".field"] = fmt.Sprintf("%q is not a field of this schema", p.Field)
		} else {
			checkValues(s.Fields[j], p.Values, path+".values", errs)
		}
		if p.Points < -1000 || p.Points > 1000 {
			errs[path+".points"] = "must be between -1000 and 1000"
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkValues checks the values a dependency or priority rule compares a field with.
func checkValues(f Field, values []string, path string, errs validation.Error) {
	for k, v := range values {
		if f.Type == SingleChoice || f.Type == MultiChoice {
			if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v }) {
				errs[fmt.Sprintf("%s[%d]", path, k)] = fmt.Sprintf("%q is not an option of %s", v, f.Key)
			}
		}
	}
}

func (f Field) check(path string, errs validation.Error) {
	if !keyPattern.MatchString(f.Key) {
		errs[path+".key"] = "must be 1 to 50 lower-case letters, digits or _, starting with a letter"
	}
	if strings.TrimSpace(f.Label) == "" || len(f.Label) > 100 {
		errs[path+".label"] = "is required, at most 100 characters"
	}
	if !slices.Contains(Types(), f.Type) {
		errs[path+".type"] = "must be one of " + typeList()
		return
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		errs[path+".min"] = "must not be above max"
	}
	if f.Pattern != "" {
		if !takesPattern(f.Type) {
			errs[path+".pattern"] = "applies only to text, long text, email, phone and URL fields"
		} else if _, err := regexp.Compile(f.Pattern); err != nil {
			errs[path+".pattern"] = "is not a regular expression: " + err.Error()
		}
	}
	choice := f.Type == SingleChoice || f.Type == MultiChoice
	switch {
	case choice && len(f.Options) == 0:
		errs[path+".options"] = "a choice field needs at least one option"
	case choice && len(f.Options) > maxOptions:
		errs[path+".options"] = fmt.Sprintf("at most %d options", maxOptions)
	case !choice && len(f.Options) > 0:
		errs[path+".options"] = "only choice fields have options"
	}
	values := map[string]bool{}
	for k, o := range f.Options {
		if strings.TrimSpace(o.Value) == "" || len(o.Value) > 100 {
			errs[fmt.Sprintf("%s.options[%d].value", path, k)] = "is required, at most 100 characters"
		} else if values[o.Value] {
			errs[fmt.Sprintf("%s.options[%d].value", path, k)] = fmt.Sprintf("%q is listed twice", o.Value)
		}
		values[o.Value] = true
	}
	if f.Type == Rating && f.Max != nil && (*f.Max < 2 || *f.Max > 10) {
		errs[path+".max"] = "a rating goes up to 2 to 10"
	}
	if f.Currency != "" && (f.Type != Currency || !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(f.Currency)) {
		errs[path+".currency"] = "is a 3-letter ISO code, for currency fields"
	}
	if len(f.Hint) > 500 {
		errs[path+".extraction_hint"] = "must be at most 500 characters"
	}
	if f.DependsOn != nil && f.DependsOn.Field == "" {
		errs[path+".depends_on.field"] = "is required"
	}
}

func takesPattern(t Type) bool {
	return t == Text || t == LongText || t == Email || t == Phone || t == URL
}

func typeList() string {
	names := make([]string, 0, len(Types()))
	for _, t := range Types() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// Field returns the field with key.
func (s Schema) Field(key string) (Field, bool) {
	i := slices.IndexFunc(s.Fields, func(f Field) bool { return f.Key == key })
	if i < 0 {
		return Field{}, false
	}
	return s.Fields[i], true
}
