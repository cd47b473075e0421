package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/rules"
)

func TestAnalyticsFunnelRulesAndFields(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	w := rules.DefaultWorkflow()
	w.Automatic = nil
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))
	ok := addRule(t, p, `{"name": "Qualify", "trigger": "new_message",
		"conditions": {"field": "message.text", "op": "contains", "value": "buy"},
		"actions": [{"type": "set_status", "status": "qualified"}, {"type": "set_field", "field": "area", "value": "Leith"}]}`)
	bad := addRule(t, p, `{"name": "Assign a stranger", "trigger": "new_message", "actions": [{"type": "assign", "user_id": 999}]}`)
	a := say(t, p, "+447700900711", "I want to buy a flat")
	say(t, p, "+447700900712", "Just looking")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, bad)) == 2 && len(runs(t, p, ok)) == 2 }, "rules ran")
	p.Idle(t)
	_, err := p.Rules.ChangeStatus(ctx, p.Workspace.ID, a, 0, "booked")
	require.NoError(t, err)

	got, err := p.Rules.Analytics(ctx, p.Pool, p.Workspace.ID, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, 2, got.Conversations)
	require.Equal(t, []rules.StatusCount{{"new", 1}, {"qualified", 0}, {"booked", 1}, {"won", 0}, {"lost", 0}}, got.Funnel)
	require.ElementsMatch(t, []rules.TransitionCount{{"new", "qualified", "rule", 1}, {"qualified", "booked", "person", 1}}, got.Transitions)
	rates := map[string]rules.RuleRate{}
	for _, r := range got.Rules {
		rates[r.Name] = r
	}
	require.Equal(t, 2, rates["Qualify"].Runs)
	require.Equal(t, 1, rates["Qualify"].Matched)
	require.InDelta(t, 1.0, rates["Qualify"].SuccessRate, 0.001)
	require.Equal(t, 2, rates["Assign a stranger"].Failed)
	require.InDelta(t, 0.0, rates["Assign a stranger"].SuccessRate, 0.001)
	require.Equal(t, []rules.FieldCount{{Field: "area", Conversations: 1, FillRate: 0.5}}, got.Fields)

	// Nothing since a minute from now: the rates count no runs.
	later, err := p.Rules.Analytics(ctx, p.Pool, p.Workspace.ID, time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.Empty(t, later.Transitions)
	require.Zero(t, later.Rules[0].Runs)
}

func TestOldRuleRunsArePruned(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	id := addRule(t, p, `{"name": "Tag", "trigger": "new_message", "actions": [{"type": "add_tag", "tag": "seen"}]}`)
	say(t, p, "+447700900721", "one")
	say(t, p, "+447700900722", "two")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 2 }, "ran twice")
	_, err := p.Pool.Exec(ctx, `UPDATE rule_runs SET created_at = now() - interval '31 days'
		WHERE id = (SELECT min(id) FROM rule_runs WHERE workspace_id = $1)`, p.Workspace.ID)
	require.NoError(t, err)

	require.Equal(t, rules.DefaultRunRetention, p.Rules.RunRetention)
	_, err = p.Jobs.Insert(ctx, rules.RetentionArgs{}, nil)
	require.NoError(t, err)
	p.Idle(t)
	require.Len(t, runs(t, p, id), 1, "the run older than 30 days is gone, the recent one stays")

	p.Rules.RunRetention = 0 // kept for ever
	n, err := p.Rules.PruneRuns(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}
