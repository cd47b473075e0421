package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
)

// TestDemoSeedsContextAndRulesAtWork: the demo clinic gets the dental fields, a workflow
// and example rules once, and its waiting message shows them at work in the sidebar.
func TestDemoSeedsContextAndRulesAtWork(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	ctx := context.Background()
	contactID, err := s.app.conv.UpsertContact(ctx, s.app.pool, s.ws.ID, demoPhone, "Jane Doe", channels.Portal)
	require.NoError(t, err)
	require.NoError(t, seedDemoContext(ctx, s.app, s.ws, contactID))
	require.NoError(t, seedDemoContext(ctx, s.app, s.ws, contactID), "a second start seeds nothing")

	cur, err := s.app.context.Current(ctx, s.app.pool, s.ws.ID)
	require.NoError(t, err)
	require.Equal(t, 1, cur.Number)
	_, ok := cur.Schema.Field("pain_level")
	require.True(t, ok, "the dental template")
	_, saved, err := s.app.rules.Workflow(ctx, s.app.pool, s.ws.ID)
	require.NoError(t, err)
	require.True(t, saved)
	list, err := s.app.rules.List(ctx, s.app.pool, s.ws.ID, 0)
	require.NoError(t, err)
	var own []string
	for _, r := range list {
		if !r.Workflow {
			own = append(own, r.Rule.Name)
		}
	}
	require.ElementsMatch(t, []string{"Patients in pain first", "Insured patients"}, own)

	var conv int64
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2`,
		s.ws.ID, contactID).Scan(&conv))
	var status string
	var tags []string
	require.Eventually(t, func() bool {
		require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT workflow_status, tags FROM conversations WHERE id = $1`, conv).Scan(&status, &tags))
		return status == "qualified" && len(tags) == 2
	}, 20*time.Second, 50*time.Millisecond, "the workflow qualified it and both rules tagged it (status %q, tags %v)", status, tags)
	require.ElementsMatch(t, []string{"urgent", "insured"}, tags)
	c, _, err := s.app.context.Read(ctx, s.app.pool, s.ws.ID, conv, 0)
	require.NoError(t, err)
	require.Equal(t, "pain", c.Values["reason"])
	require.Equal(t, true, c.Values["insurance"])
	require.Equal(t, "Insured patients", c.Meta["insurance"].Rule)
	require.Equal(t, 20, c.Priority, "pain scores 20")
	var notes int
	require.NoError(t, s.app.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE workspace_id = $1 AND title = $2`,
		s.ws.ID, "A patient in pain is waiting for a reply").Scan(&notes))
	require.Equal(t, 1, notes)

	cl := browserClient(t)
	login(t, s, cl)
	resp, page := get(t, cl, fmt.Sprintf("%s/admin/conversations/%d", s.url, conv))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Regexp(t, `(?s)id="ctx-insurance".*set by rule Insured patients`, page)
	require.Regexp(t, `(?s)class="ctx-history".*<code>insurance</code>: yes · rule Insured patients`, page)
	require.Regexp(t, `(?s)id="ctx-reason".*AI, \d+% sure`, page)
}
