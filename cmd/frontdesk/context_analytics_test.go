package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/rules"
)

// TestAnalyticsPageShowsContext: the analytics page shows the figures the context
// analytics API returns: status funnel, field fill rates and rule success rates.
func TestAnalyticsPageShowsContext(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	tpl, ok := schema.TemplateByID("dental")
	require.True(t, ok)
	_, err := s.app.context.Save(ctx, s.app.pool, s.ws.ID, 0, tpl.Schema, nil, "GB")
	require.NoError(t, err)
	require.NoError(t, s.app.rules.SaveWorkflow(ctx, s.ws.ID, rules.DefaultWorkflow()))
	for _, def := range []string{
		`{"name": "Toothache first", "trigger": "new_message", "priority": 10,
		  "conditions": {"any": [{"field": "message.text", "op": "contains", "value": "toothache"}]},
		  "actions": [{"type": "add_tag", "tag": "urgent"}]}`,
		`{"name": "Give to a gone colleague", "trigger": "new_message",
		  "conditions": {"any": [{"field": "message.text", "op": "contains", "value": "toothache"}]},
		  "actions": [{"type": "assign", "user_id": 987654}]}`,
		`{"name": "Never matches", "trigger": "new_message",
		  "conditions": {"all": [{"field": "message.text", "op": "contains", "value": "zebra"}]},
		  "actions": [{"type": "add_tag", "tag": "zebra"}]}`,
	} {
		r, err := rules.Parse([]byte(def))
		require.NoError(t, err)
		_, err = s.app.rules.Create(ctx, s.app.pool, s.ws.ID, r)
		require.NoError(t, err)
	}
	for _, m := range []struct{ phone, text string }{
		{"+447700900741", "I have a terrible toothache, can you see me today?"},
		{"+447700900742", "Hello, what are your opening hours?"},
	} {
		_, err := s.app.conv.Ingest(ctx, channels.Inbound{WorkspaceID: s.ws.ID, Channel: channels.SMS, Phone: m.phone, Text: m.text})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT count(*) FROM rule_runs WHERE workspace_id = $1`, s.ws.ID).Scan(&n))
		return n == 6
	}, 20*time.Second, 50*time.Millisecond, "three rules ran on two messages")

	c := browserClient(t)
	login(t, s, c)
	resp, page := get(t, c, s.url+"/admin/analytics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, `id="chart-funnel"`)
	require.Contains(t, page, `id="chart-fills"`)
	// Both conversations are new; the rest of the workflow is listed with none.
	require.Regexp(t, `(?s)id="status-funnel".*<td>new</td><td>2</td>.*<td>qualified</td><td>0</td>.*<td>lost</td><td>0</td>`, page)
	// The toothache is extracted as the reason in one of the two conversations.
	require.Regexp(t, `(?s)id="field-fill-rates".*<td>Reason for visit</td><td>1</td><td>2</td><td>50%</td>`, page)
	require.Regexp(t, `(?s)id="field-fill-rates".*<td>Date of birth</td><td>0</td><td>2</td><td>0%</td>`, page)
	// Rule success: matched once and worked; matched once and failed; never matched.
	require.Regexp(t, `(?s)id="rule-success".*<td>Toothache first</td><td>2</td><td>1</td><td>0</td><td>100%</td>`, page)
	require.Regexp(t, `(?s)id="rule-success".*<td>Give to a gone colleague</td><td>2</td><td>1</td><td>1</td><td>0%</td>`, page)
	require.Regexp(t, `(?s)id="rule-success".*<td>Never matches</td><td>2</td><td>0</td><td>0</td><td>no matches</td>`, page)
}
