package rules_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/rules"
)

// hundredRules are a workspace's worth: each tests the message, the intent and a context
// field in nested groups; one in ten matches the benchmark's conversation.
func hundredRules() []string {
	defs := make([]string, 100)
	for i := range defs {
		word := fmt.Sprintf("word%d", i)
		if i%10 == 0 {
			word = "refund"
		}
		defs[i] = fmt.Sprintf(`{"name": "rule %d", "trigger": "new_message", "priority": %d,
			"conditions": {"any": [
				{"all": [{"field": "message.text", "op": "contains", "value": %q},
				         {"field": "channel", "op": "in", "value": ["sms", "telegram", "whatsapp"]}]},
				{"all": [{"field": "intent", "op": "equals", "value": "intent%d"},
				         {"field": "context.budget", "op": "greater", "value": %d}]}]},
			"actions": [{"type": "add_tag", "tag": "t%d"}]}`, i, i%7, word, i, 1000*i, i%10)
	}
	return defs
}

// BenchmarkMatch100Rules is the in-memory floor: the condition trees alone.
func BenchmarkMatch100Rules(b *testing.B) {
	var list []rules.Rule
	for _, d := range hundredRules() {
		r, err := rules.Parse([]byte(d))
		require.NoError(b, err)
		list = append(list, r)
	}
	f := rules.Facts{Values: map[string]any{"message.text": "I want a refund please", "channel": "sms", "intent": "complaint", "context.budget": 5000.0}}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range list {
			if list[i].Conditions.Match(f) {
				n++
			}
		}
		if n != 10 {
			b.Fatalf("%d rules matched, want 10", n)
		}
	}
}

// BenchmarkEvaluate100Rules is one event through the engine: lock and read the
// conversation, match 100 rules, apply the matches' actions, record 100 runs, commit.
// BenchmarkEvaluateNoRules is the same transaction with no rules: its cost is the
// baseline of the ratio in docs/benchmarks.md.
func BenchmarkEvaluate100Rules(b *testing.B) { benchEvaluate(b, hundredRules()) }

func BenchmarkEvaluateNoRules(b *testing.B) { benchEvaluate(b, nil) }

func benchEvaluate(b *testing.B, defs []string) {
	p := pipelinetest.New(b, nil)
	ctx := context.Background()
	for _, d := range defs {
		r, err := rules.Parse([]byte(d))
		require.NoError(b, err)
		_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
		require.NoError(b, err)
	}
	conv := say(b, p, "+447700900599", "I want a refund please")
	p.Idle(b)
	args := rules.EvaluateArgs{WorkspaceID: p.Workspace.ID, ConversationID: conv, Trigger: rules.NewMessage}
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Rules.Evaluate(ctx, args); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evaluations/s")
}
