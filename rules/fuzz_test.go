package rules_test

import (
	"encoding/json"
	"testing"

	"github.com/frontdesk/frontdesk/rules"
)

// FuzzParse feeds rule definitions of any shape to the parser: it must never panic, and
// a rule it accepts reads back the same after being written out.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"name": "Refunds", "trigger": "new_message",
		"conditions": {"any": [{"field": "message.text", "op": "contains", "value": "refund"}]},
		"actions": [{"type": "add_tag", "tag": "urgent"}, {"type": "notify", "message": "Refund!"}]}`))
	f.Add([]byte(`{"name": "Quiet", "trigger": "time_elapsed", "after_minutes": 60,
		"conditions": {"all": [{"field": "conversation.status", "op": "equals", "value": "open"}]},
		"actions": [{"type": "webhook", "url": "https://example.com/hook"}]}`))
	f.Add([]byte(`{"conditions": {"all": [{"all": [{"all": []}]}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := rules.Parse(raw)
		if err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("an accepted rule does not write out: %v", err)
		}
		again, err := rules.Parse(out)
		if err != nil {
			t.Fatalf("an accepted rule, written out, is refused: %v\n%s", err, out)
		}
		a, _ := json.Marshal(again)
		if string(a) != string(out) {
			t.Fatalf("the rule changed on the way round:\n%s\n%s", out, a)
		}
	})
}
