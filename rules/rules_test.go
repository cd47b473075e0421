package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

// The issue's own example.
const refundRule = `{"name": "Refund requests", "trigger": "new_message",
 "conditions": {"any": [
   {"field": "message.text", "op": "contains", "value": "refund"},
   {"all": [{"field": "intent", "op": "equals", "value": "complaint"},
            {"field": "context.priority", "op": "in", "value": ["high", "urgent"]}]}]},
 "actions": [{"type": "add_tag", "tag": "urgent"},
             {"type": "webhook", "url": "https://example.com/hook", "secret": "whsec_0123456789abcdef"}]}`

func TestParseAndMatchNestedConditions(t *testing.T) {
	t.Parallel()
	r, err := rules.Parse([]byte(refundRule))
	require.NoError(t, err)
	require.Equal(t, rules.NewMessage, r.Trigger)
	require.Len(t, r.Actions, 2)

	for _, tc := range []struct {
		name  string
		facts map[string]any
		want  bool
	}{
		{"text mentions a refund", map[string]any{"message.text": "I want a REFUND please", "intent": "faq_question"}, true},
		{"urgent complaint", map[string]any{"message.text": "this is bad", "intent": "complaint", "context.priority": "urgent"}, true},
		{"low-priority complaint", map[string]any{"message.text": "this is bad", "intent": "complaint", "context.priority": "low"}, false},
		{"urgent question", map[string]any{"message.text": "when?", "intent": "ask_hours", "context.priority": "urgent"}, false},
		{"no facts", map[string]any{}, false},
	} {
		require.Equal(t, tc.want, r.Conditions.Match(rules.Facts{Values: tc.facts}), tc.name)
	}
	var none *rules.Condition
	require.True(t, none.Match(rules.Facts{}), "a rule without conditions always matches")
}

func TestOperators(t *testing.T) {
	t.Parallel()
	facts := rules.Facts{
		Values: map[string]any{
			"tags": []string{"vip", "new"}, "confidence": 0.72, "context.budget": "250000", "time_of_day": "18:30",
			"status": "qualified", "context.area": "", "channel": "sms",
		},
		Before: map[string]any{"status": "new"},
	}
	for _, tc := range []struct {
		field string
		op    rules.Op
		value any
		want  bool
	}{
		{"tags", rules.Contains, "VIP", true},
		{"tags", rules.Contains, "lost", false},
		{"tags", rules.In, []any{"lost", "new"}, true},
		{"confidence", rules.Greater, 0.7, true},
		{"confidence", rules.Less, 0.7, false},
		{"context.budget", rules.Greater, 200000.0, true},
		{"time_of_day", rules.Greater, "17:00", true},
		{"time_of_day", rules.Less, "09:00", false},
		{"status", rules.ChangedTo, "qualified", true},
		{"status", rules.ChangedTo, "new", false},
		{"channel", rules.Equals, "SMS", true},
		{"channel", rules.NotEquals, "sms", false},
		{"channel", rules.In, []any{"telegram", "whatsapp"}, false},
		{"context.area", rules.IsEmpty, nil, true},
		{"context.missing", rules.IsEmpty, nil, true},
		{"context.budget", rules.NotEmpty, nil, true},
		{"context.missing", rules.Greater, 1.0, false},
	} {
		c := rules.Condition{Field: tc.field, Op: tc.op, Value: tc.value}
		require.Equal(t, tc.want, c.Match(facts), "%s %s %v", tc.field, tc.op, tc.value)
	}
}

func TestInvalidRulesNameThePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, path, says string
	}{
		{`{"name": "x", "trigger": "sometimes", "actions": [{"type": "add_tag", "tag": "a"}]}`, "trigger", "new_message"},
		{`{"name": "", "trigger": "new_message", "actions": [{"type": "add_tag", "tag": "a"}]}`, "name", "required"},
		{`{"name": "x", "trigger": "new_message", "actions": []}`, "actions", "1 to 20"},
		{`{"name": "x", "trigger": "new_message", "actions": [{"type": "teleport"}]}`, "actions[0].type", "notify"},
		{`{"name": "x", "trigger": "new_message", "actions": [{"type": "webhook", "url": "ftp://x", "secret": "short"}]}`, "actions[0].url", "http"},
		{`{"name": "x", "trigger": "new_message", "actions": [{"type": "webhook", "url": "https://x.example", "secret": "short"}]}`, "actions[0].secret", "16"},
		{`{"name": "x", "trigger": "new_message", "conditions": {"any": [{"field": "intent", "op": "equals", "value": "a"}, {"field": "mood", "op": "equals", "value": 1}]}, "actions": [{"type": "add_tag", "tag": "a"}]}`, "conditions.any[1].field", "context.<field>"},
		{`{"name": "x", "trigger": "new_message", "conditions": {"all": [{"field": "intent", "op": "resembles", "value": "a"}]}, "actions": [{"type": "add_tag", "tag": "a"}]}`, "conditions.all[0].op", "equals"},
		{`{"name": "x", "trigger": "new_message", "conditions": {"all": [{"field": "tags", "op": "in", "value": "vip"}]}, "actions": [{"type": "add_tag", "tag": "a"}]}`, "conditions.all[0].value", "list"},
		{`{"name": "x", "trigger": "new_message", "conditions": {"all": [], "field": "intent"}, "actions": [{"type": "add_tag", "tag": "a"}]}`, "conditions", "one of"},
		{`{"name": "x", "trigger": "time_elapsed", "actions": [{"type": "add_tag", "tag": "a"}]}`, "after", "duration"},
		{`{"name": "x", "trigger": "new_message", "colour": "red", "actions": [{"type": "add_tag", "tag": "a"}]}`, "rule", "colour"},
	} {
		_, err := rules.Parse([]byte(tc.raw))
		var verr validation.Error
		require.ErrorAs(t, err, &verr, tc.raw)
		require.Contains(t, verr, tc.path, "%s: %v", tc.raw, verr)
		require.Contains(t, verr[tc.path], tc.says, tc.raw)
	}
	deep := `{"field": "intent", "op": "equals", "value": "a"}`
	for range 7 {
		deep = `{"all": [` + deep + `]}`
	}
	_, err := rules.Parse([]byte(`{"name": "x", "trigger": "new_message", "conditions": ` + deep + `, "actions": [{"type": "add_tag", "tag": "a"}]}`))
	require.ErrorContains(t, err, "deeper than")

	r, err := rules.Parse([]byte(`{"name": "Chase", "trigger": "time_elapsed", "after": "24h", "actions": [{"type": "notify", "message": "No reply for a day"}]}`))
	require.NoError(t, err)
	require.Equal(t, 24*time.Hour, r.Wait())
}

func TestSign(t *testing.T) {
	t.Parallel()
	// Checked against Python's hmac module.
	got := rules.Sign("whsec_0123456789abcdef", time.Unix(1700000000, 0), []byte(`{"event":"new_message"}`))
	require.Equal(t, "t=1700000000,v1=0617dd34ab6b75177ecea8387dbdacc613fde9585de84b1e1b6505ed7e063b38", got)
}
