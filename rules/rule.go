// Package rules is the business-rule engine: an owner's rules say "when this happens
// (trigger), if these hold (a tree of AND/OR conditions over the conversation's facts),
// do these things (actions)". This file holds the definitions and their validation;
// evaluation is in condition.go, signing of webhook actions in webhook.go.
package rules

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// Trigger is the event a rule waits for.
type Trigger string

// The triggers.
const (
	NewMessage           Trigger = "new_message"
	ContextChanged       Trigger = "context_changed"
	StatusChanged        Trigger = "status_changed"
	TimeElapsed          Trigger = "time_elapsed"
	AppointmentBooked    Trigger = "appointment_booked"
	AppointmentCancelled Trigger = "appointment_cancelled"
	DraftRejected        Trigger = "draft_rejected"
)

// Triggers lists every trigger, for forms and errors.
func Triggers() []Trigger {
	return []Trigger{NewMessage, ContextChanged, StatusChanged, TimeElapsed, AppointmentBooked, AppointmentCancelled, DraftRejected}
}

// Rule is one rule as the owner defines it.
type Rule struct {
	Name    string  `json:"name"`
	Trigger Trigger `json:"trigger"`
	// After is how long without a reply a time_elapsed rule waits ("24h", "90m").
	After string `json:"after,omitempty"`
	// Priority orders rules on one event: higher first.
	Priority   int        `json:"priority,omitempty"`
	Conditions *Condition `json:"conditions,omitempty"`
	Actions    []Action   `json:"actions"`
}

// Action is one thing a rule does.
type Action struct {
	Type ActionType `json:"type"`
	// Tag for add_tag and remove_tag.
	Tag string `json:"tag,omitempty"`
	// Status for set_status.
	Status string `json:"status,omitempty"`
	// Field and Value for set_field.
	Field string `json:"field,omitempty"`
	Value any    `json:"value,omitempty"`
	// UserID for assign (0: unassign).
	UserID int64 `json:"user_id,omitempty"`
	// Message for notify.
	Message string `json:"message,omitempty"`
	// URL and Secret for webhook: the request is signed with the secret.
	URL    string `json:"url,omitempty"`
	Secret string `json:"secret,omitempty"`
	// Template for send_reply: text/template with the conversation's fields, such as
	// "Hi {{contact.name}}, thanks for your budget of {{context.budget}}".
	Template string `json:"template,omitempty"`
}

// ActionType names an action.
type ActionType string

// The actions.
const (
	Notify    ActionType = "notify"
	SetStatus ActionType = "set_status"
	AddTag    ActionType = "add_tag"
	RemoveTag ActionType = "remove_tag"
	SetField  ActionType = "set_field"
	Assign    ActionType = "assign"
	Webhook   ActionType = "webhook"
	SendReply ActionType = "send_reply"
)

// maxActions and maxDepth bound a rule so one definition cannot make evaluation slow.
const (
	maxActions = 20
	maxDepth   = 6
	maxLeaves  = 100
)

// Parse reads and checks a rule definition. Errors name the path of each offending
// field ("conditions.any[1].op"), so a form or an API client can point at it.
func Parse(raw []byte) (Rule, error) {
	var r Rule
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, validation.Error{"rule": "is not a rule in JSON: " + err.Error()}
	}
	return r, r.Check()
}

// Check validates a rule.
func (r Rule) Check() error {
	errs := validation.Error{}
	if strings.TrimSpace(r.Name) == "" || len(r.Name) > 200 {
		errs["name"] = "is required, at most 200 characters"
	}
	if !slices.Contains(Triggers(), r.Trigger) {
		errs["trigger"] = fmt.Sprintf("must be one of %s", joinQuoted(Triggers()))
	}
	if r.Trigger == TimeElapsed {
		d, err := time.ParseDuration(r.After)
		if err != nil || d < time.Minute || d > 90*24*time.Hour {
			errs["after"] = `must be a duration between 1m and 2160h, such as "24h"`
		}
	} else if r.After != "" {
		errs["after"] = "is only for time_elapsed rules"
	}
	if r.Conditions != nil {
		leaves := 0
		r.Conditions.check("conditions", 1, &leaves, errs)
		if leaves > maxLeaves {
			errs["conditions"] = fmt.Sprintf("has %d conditions; at most %d", leaves, maxLeaves)
		}
	}
	if len(r.Actions) == 0 || len(r.Actions) > maxActions {
		errs["actions"] = fmt.Sprintf("must hold 1 to %d actions", maxActions)
	}
	for i, a := range r.Actions {
		a.check(fmt.Sprintf("actions[%d]", i), errs)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Wait is how long a time_elapsed rule waits.
func (r Rule) Wait() time.Duration {
	d, _ := time.ParseDuration(r.After)
	return d
}

func (a Action) check(path string, errs validation.Error) {
	need := func(name, v string) {
		if strings.TrimSpace(v) == "" {
			errs[path+"."+name] = "is required for " + string(a.Type)
		}
	}
	switch a.Type {
	case Notify:
		need("message", a.Message)
	case SetStatus:
		need("status", a.Status)
	case AddTag, RemoveTag:
		need("tag", a.Tag)
		if len(a.Tag) > 50 {
			errs[path+".tag"] = "must be at most 50 characters"
		}
	case SetField:
		need("field", a.Field)
		if a.Value == nil {
			errs[path+".value"] = "is required for set_field"
		}
	case Assign:
		if a.UserID < 0 {
			errs[path+".user_id"] = "must be a user id, or 0 to unassign"
		}
	case Webhook:
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs[path+".url"] = "must be an http(s) URL"
		}
		if len(a.Secret) < 16 {
			errs[path+".secret"] = "must be at least 16 characters: the receiver checks signatures with it"
		}
	case SendReply:
		need("template", a.Template)
		if len(a.Template) > maxReply {
			errs[path+".template"] = fmt.Sprintf("must be at most %d characters", maxReply)
		} else if _, err := parseReply(a.Template); err != nil && strings.TrimSpace(a.Template) != "" {
			errs[path+".template"] = err.Error()
		}
	default:
		errs[path+".type"] = "must be one of notify, set_status, add_tag, remove_tag, set_field, assign, webhook, send_reply"
	}
}

func joinQuoted[T ~string](xs []T) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = string(x)
	}
	return strings.Join(q, ", ")
}

// ActionTypes lists the actions, for forms.
func ActionTypes() []ActionType {
	return []ActionType{AddTag, RemoveTag, SetStatus, SetField, Notify, Assign, SendReply, Webhook}
}
