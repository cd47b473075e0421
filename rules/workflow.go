package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// ErrTransition is a status change the workspace's workflow does not allow.
var ErrTransition = errors.New("status change not allowed by the workflow")

// Workflow is a workspace's status workflow: the statuses a conversation moves through,
// which moves a person or a rule may make, and the moves made automatically.
type Workflow struct {
	// Statuses in the order they are shown; every conversation starts as "new".
	Statuses []string `json:"statuses"`
	// Transitions lists, for each status, the statuses it may move to.
	Transitions map[string][]string `json:"transitions"`
	Automatic   []AutoTransition    `json:"automatic"`
}

// AutoTransition is a move made without a person: after some hours without a reply,
// when a context field is filled, or when an appointment is booked.
type AutoTransition struct {
	When AutoWhen `json:"when"`
	// From limits it to conversations in these statuses; empty: every status that may move to To.
	From  []string `json:"from,omitempty"`
	To    string   `json:"to"`
	Hours int      `json:"hours,omitempty"`
	Field string   `json:"field,omitempty"`
}

// AutoWhen names the event of an automatic transition.
type AutoWhen string

// The events an automatic transition waits for.
const (
	NoReply     AutoWhen = "no_reply"
	FieldFilled AutoWhen = "field_filled"
	Booked      AutoWhen = "appointment_booked"
)

// initialStatus is where every conversation starts (the column's default).
const initialStatus = "new"

var (
	statusName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	fieldName  = regexp.MustCompile(`^[a-z0-9_][a-z0-9_.-]{0,99}$`)
)

// DefaultWorkflow is the template an owner starts from: a sales-style funnel.
func DefaultWorkflow() Workflow {
	return Workflow{
		Statuses: []string{"new", "qualified", "booked", "won", "lost"},
		Transitions: map[string][]string{
			"new":       {"qualified", "booked", "lost"},
			"qualified": {"booked", "won", "lost"},
			"booked":    {"won", "lost", "qualified"},
			"won":       {},
			"lost":      {"new"},
		},
		Automatic: []AutoTransition{
			{When: Booked, From: []string{"new", "qualified"}, To: "booked"},
			{When: NoReply, From: []string{"new", "qualified"}, To: "lost", Hours: 72},
		},
	}
}

// Check validates a workflow; errors name the path of each offending field.
func (w Workflow) Check() error {
	errs := validation.Error{}
	if len(w.Statuses) == 0 || len(w.Statuses) > 30 {
		errs["statuses"] = "must hold 1 to 30 statuses"
	}
	seen := map[string]bool{}
	for i, s := range w.Statuses {
		switch {
		case !statusName.MatchString(s):
			errs[fmt.Sprintf("statuses[%d]", i)] = "must be lower case letters, digits and _, starting with a letter, at most 40"
		case seen[s]:
			errs[fmt.Sprintf("statuses[%d]", i)] = fmt.Sprintf("%q is listed twice", s)
		}
		seen[s] = true
	}
	if len(w.Statuses) > 0 && !seen[initialStatus] {
		errs["statuses"] = `must include "new": every conversation starts there`
	}
	for from, tos := range w.Transitions {
		if !seen[from] {
			errs["transitions."+from] = fmt.Sprintf("%q is not one of the statuses", from)
			continue
		}
		for i, to := range tos {
			path := fmt.Sprintf("transitions.%s[%d]", from, i)
			switch {
			case !seen[to]:
				errs[path] = fmt.Sprintf("%q is not one of the statuses", to)
			case to == from:
				errs[path] = "a status cannot move to itself"
			}
		}
	}
	for i, a := range w.Automatic {
		a.check(fmt.Sprintf("automatic[%d]", i), w, seen, errs)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (a AutoTransition) check(path string, w Workflow, seen map[string]bool, errs validation.Error) {
	switch a.When {
	case NoReply:
		if a.Hours < 1 || a.Hours > 2160 {
			errs[path+".hours"] = "must be 1 to 2160 hours"
		}
	case FieldFilled:
		if !fieldName.MatchString(a.Field) {
			errs[path+".field"] = "must name a context field, such as budget"
		}
	case Booked:
	default:
		errs[path+".when"] = "must be one of no_reply, field_filled, appointment_booked"
	}
	if !seen[a.To] {
		errs[path+".to"] = fmt.Sprintf("%q is not one of the statuses", a.To)
		return
	}
	for j, f := range a.From {
		p := fmt.Sprintf("%s.from[%d]", path, j)
		switch {
		case !seen[f]:
			errs[p] = fmt.Sprintf("%q is not one of the statuses", f)
		case !slices.Contains(w.Transitions[f], a.To):
			errs[p] = fmt.Sprintf("the workflow does not allow %s → %s: allow it under transitions first", f, a.To)
		}
	}
	if len(a.From) == 0 && len(w.sources(a.To)) == 0 {
		errs[path+".to"] = fmt.Sprintf("no status may move to %q", a.To)
	}
}

// sources are the statuses that may move to status.
func (w Workflow) sources(to string) []string {
	var out []string
	for _, s := range w.Statuses {
		if slices.Contains(w.Transitions[s], to) {
			out = append(out, s)
		}
	}
	return out
}

// Next lists the statuses a conversation in status from may move to. A status the
// workflow does not know (set before the workflow changed) may move to any status.
func (w Workflow) Next(from string) []string {
	if !slices.Contains(w.Statuses, from) {
		return slices.DeleteFunc(slices.Clone(w.Statuses), func(s string) bool { return s == from })
	}
	return w.Transitions[from]
}

// Allow checks one move, with an error that says what is allowed instead.
func (w Workflow) Allow(from, to string) error {
	if !slices.Contains(w.Statuses, to) {
		return fmt.Errorf("%w: %q is not a status of this workspace (statuses: %s)", ErrTransition, to, strings.Join(w.Statuses, ", "))
	}
	next := w.Next(from)
	if slices.Contains(next, to) {
		return nil
	}
	allowed := "none"
	if len(next) > 0 {
		allowed = strings.Join(next, ", ")
	}
	return fmt.Errorf("%w: %s → %s (from %s a conversation may move to: %s)", ErrTransition, from, to, from, allowed)
}

// rules turns the automatic transitions into rules flagged workflow, run by the same
// engine as the owner's: no_reply is a time_elapsed rule, field_filled a context_changed
// and a new_message rule, appointment_booked an appointment_booked rule. Each tests the current status, so
// a transition the workflow no longer allows is not tried.
func (w Workflow) rules() []Rule {
	out := make([]Rule, 0, len(w.Automatic))
	for _, a := range w.Automatic {
		from := a.From
		if len(from) == 0 {
			from = w.sources(a.To)
		}
		in := make([]any, len(from))
		for i, f := range from {
			in[i] = f
		}
		status := Condition{Field: "status", Op: In, Value: in}
		r := Rule{Conditions: &Condition{All: []Condition{status}}, Actions: []Action{{Type: SetStatus, Status: a.To}}}
		switch a.When {
		case NoReply:
			r.Name = fmt.Sprintf("Workflow: %s after %d h without a reply", a.To, a.Hours)
			r.Trigger, r.After = TimeElapsed, fmt.Sprintf("%dh", a.Hours)
		case FieldFilled:
			// Two rules: a field set by a rule or a person is a context_changed event;
			// one extracted from a message is seen with the new_message event.
			r.Name = fmt.Sprintf("Workflow: %s when %s is filled", a.To, a.Field)
			r.Trigger = ContextChanged
			r.Conditions.All = append(r.Conditions.All, Condition{Field: "context." + a.Field, Op: NotEmpty})
			onMessage := r
			onMessage.Name += " (on a message)"
			onMessage.Trigger = NewMessage
			out = append(out, onMessage)
		case Booked:
			r.Name = fmt.Sprintf("Workflow: %s when an appointment is booked", a.To)
			r.Trigger = AppointmentBooked
		}
		out = append(out, r)
	}
	return out
}
