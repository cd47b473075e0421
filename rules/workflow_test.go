package rules_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

func TestWorkflowCheckNamesThePath(t *testing.T) {
	t.Parallel()
	require.NoError(t, rules.DefaultWorkflow().Check())
	for name, tc := range map[string]struct {
		w    rules.Workflow
		path string
	}{
		"NoNew":          {rules.Workflow{Statuses: []string{"open"}}, "statuses"},
		"BadName":        {rules.Workflow{Statuses: []string{"new", "Won!"}}, "statuses[1]"},
		"Twice":          {rules.Workflow{Statuses: []string{"new", "new"}}, "statuses[1]"},
		"UnknownTarget":  {rules.Workflow{Statuses: []string{"new"}, Transitions: map[string][]string{"new": {"won"}}}, "transitions.new[0]"},
		"UnknownSource":  {rules.Workflow{Statuses: []string{"new"}, Transitions: map[string][]string{"old": {"new"}}}, "transitions.old"},
		"Self":           {rules.Workflow{Statuses: []string{"new"}, Transitions: map[string][]string{"new": {"new"}}}, "transitions.new[0]"},
		"NoHours":        {withAuto(rules.AutoTransition{When: rules.NoReply, To: "lost"}), "automatic[0].hours"},
		"NoField":        {withAuto(rules.AutoTransition{When: rules.FieldFilled, To: "qualified"}), "automatic[0].field"},
		"BadWhen":        {withAuto(rules.AutoTransition{When: "sometimes", To: "lost"}), "automatic[0].when"},
		"NotAllowedFrom": {withAuto(rules.AutoTransition{When: rules.Booked, From: []string{"won"}, To: "booked"}), "automatic[0].from[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var verr validation.Error
			require.ErrorAs(t, tc.w.Check(), &verr)
			require.Contains(t, verr, tc.path, "errors: %v", verr)
		})
	}
}

func withAuto(a rules.AutoTransition) rules.Workflow {
	w := rules.DefaultWorkflow()
	w.Automatic = []rules.AutoTransition{a}
	return w
}

func statusOf(t *testing.T, p *pipelinetest.Pipeline, conv int64) string {
	t.Helper()
	var s string
	require.NoError(t, p.Pool.QueryRow(context.Background(), `SELECT workflow_status FROM conversations WHERE id = $1`, conv).Scan(&s))
	return s
}

// TestWorkflowRefusesDisallowedTransitions: with a saved workflow, a rule's set_status
// and a person's change both stop at a move the workflow does not allow, and say why;
// allowed moves are recorded for the funnel.
func TestWorkflowRefusesDisallowedTransitions(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	w := rules.DefaultWorkflow()
	w.Automatic = nil
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))
	def, err := rules.Parse([]byte(`{"name": "Unknown", "trigger": "new_message", "actions": [{"type": "set_status", "status": "escalated"}]}`))
	require.NoError(t, err)
	_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, def)
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Contains(t, verr["actions[0].status"], "not a status of the workflow")
	won := addRule(t, p, `{"name": "Jump to won", "trigger": "new_message", "priority": 2,
		"actions": [{"type": "set_status", "status": "won"}]}`)
	qualify := addRule(t, p, `{"name": "Qualify", "trigger": "new_message", "priority": 1,
		"actions": [{"type": "set_status", "status": "qualified"}]}`)

	conv := say(t, p, "+447700900701", "I would like to buy a house")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, qualify)) == 1 }, "the rules ran")
	r := runs(t, p, won)[0]
	require.True(t, r.Matched)
	require.Contains(t, r.Error, "new → won")
	require.Contains(t, r.Error, "qualified, booked, lost", "the error says what is allowed")
	require.Equal(t, []string{"set_status won (refused)"}, r.Actions)
	require.Empty(t, runs(t, p, qualify)[0].Error)
	require.Equal(t, "qualified", statusOf(t, p, conv))

	// A person: qualified → new is not allowed, qualified → booked is.
	_, err = p.Rules.ChangeStatus(ctx, p.Workspace.ID, conv, 0, "new")
	require.ErrorIs(t, err, rules.ErrTransition)
	_, err = p.Rules.ChangeStatus(ctx, p.Workspace.ID, conv, 0, "closed_forever")
	require.ErrorIs(t, err, rules.ErrTransition)
	require.Contains(t, err.Error(), "is not a status of this workspace")
	v, err := p.Rules.ChangeStatus(ctx, p.Workspace.ID, conv, 0, "booked")
	require.NoError(t, err)
	require.Equal(t, "booked", v.Status)
	require.Equal(t, []string{"won", "lost", "qualified"}, v.Next)
	require.Equal(t, "booked", statusOf(t, p, conv))
	_, err = p.Rules.ChangeStatus(ctx, p.Workspace.ID, 987654, 0, "booked")
	require.ErrorIs(t, err, rules.ErrNoConversation)

	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM status_changes WHERE conversation_id = $1 AND source = 'rule'
		AND from_status = 'new' AND to_status = 'qualified' AND rule_id = $2`, conv, qualify))
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM status_changes WHERE conversation_id = $1 AND source = 'person'
		AND from_status = 'qualified' AND to_status = 'booked'`, conv))
}

// TestPersonChangeFiresStatusRules: a person's change is an event rules see, with
// changed_to comparing before and after.
func TestPersonChangeFiresStatusRules(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	conv := say(t, p, "+447700900702", "hello")
	p.Idle(t)
	id := addRule(t, p, `{"name": "Lost", "trigger": "status_changed",
		"conditions": {"field": "status", "op": "changed_to", "value": "lost"}, "actions": [{"type": "add_tag", "tag": "follow_up"}]}`)
	// No saved workflow: any well-formed status goes.
	_, err := p.Rules.ChangeStatus(ctx, p.Workspace.ID, conv, 0, "lost")
	require.NoError(t, err)
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 1 }, "the status rule ran")
	require.True(t, runs(t, p, id)[0].Matched)
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND 'follow_up' = ANY (tags)`, conv))
}

// TestAutomaticTransitions runs each kind through the rule engine's own triggers: a
// field filled (context_changed), an appointment booked, and hours without a reply
// (the time_elapsed sweep).
func TestAutomaticTransitions(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	w := rules.DefaultWorkflow()
	w.Automatic = []rules.AutoTransition{
		{When: rules.FieldFilled, Field: "budget", To: "qualified"},
		{When: rules.Booked, To: "booked"},
		{When: rules.NoReply, Hours: 48, From: []string{"new", "qualified"}, To: "lost"},
	}
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))
	list, err := p.Rules.List(ctx, p.Pool, p.Workspace.ID, 0)
	require.NoError(t, err)
	require.Len(t, list, 4, "field_filled listens to context_changed and new_message")
	for _, s := range list {
		require.True(t, s.Workflow, s.Rule.Name)
	}
	// Saving again keeps the unchanged rules (same ids) and replaces the changed one.
	ids := func() []int64 {
		var out []int64
		require.NoError(t, p.Pool.QueryRow(ctx, `SELECT array_agg(id ORDER BY id) FROM rules WHERE workspace_id = $1`, p.Workspace.ID).Scan(&out))
		return out
	}
	before := ids()
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))
	require.Equal(t, before, ids())
	w.Automatic[2].Hours = 49
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))
	after := ids()
	require.Len(t, after, 4)
	require.Equal(t, before[:3], after[:3])
	require.NotEqual(t, before[3], after[3])
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM rules WHERE workspace_id = $1 AND after_seconds = 49 * 3600`, p.Workspace.ID))
	w.Automatic[2].Hours = 48
	require.NoError(t, p.Rules.SaveWorkflow(ctx, p.Workspace.ID, w))

	addRule(t, p, `{"name": "Budget", "trigger": "new_message",
		"conditions": {"field": "message.text", "op": "contains", "value": "budget"},
		"actions": [{"type": "set_field", "field": "budget", "value": 450000}]}`)
	filled := say(t, p, "+447700900703", "My budget is 450k")
	pipelinetest.Eventually(t, func() bool { return statusOf(t, p, filled) == "qualified" }, "field filled: qualified")

	booked := say(t, p, "+447700900704", "hello")
	p.Idle(t)
	_, err = p.Rules.Evaluate(ctx, rules.EvaluateArgs{WorkspaceID: p.Workspace.ID, ConversationID: booked, Trigger: rules.AppointmentBooked})
	require.NoError(t, err)
	require.Equal(t, "booked", statusOf(t, p, booked))

	// Both quiet for 50 hours: the booked one is not in new or qualified, so it stays.
	_, err = p.Pool.Exec(ctx, `UPDATE conversations SET last_message_at = now() - interval '50 hours' WHERE id = ANY ($1)`, []int64{filled, booked})
	require.NoError(t, err)
	_, err = p.Jobs.Insert(ctx, rules.QuietArgs{}, nil)
	require.NoError(t, err)
	p.Idle(t)
	require.Equal(t, "lost", statusOf(t, p, filled))
	require.Equal(t, "booked", statusOf(t, p, booked))
	require.Equal(t, 3, p.Count(t, `SELECT count(*) FROM status_changes WHERE workspace_id = $1 AND source = 'rule'`, p.Workspace.ID))
}
