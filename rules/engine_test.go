package rules_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/rules"
)

func addRule(t *testing.T, p *pipelinetest.Pipeline, def string) int64 {
	t.Helper()
	r, err := rules.Parse([]byte(def))
	require.NoError(t, err)
	s, err := p.Rules.Create(context.Background(), p.Pool, p.Workspace.ID, r)
	require.NoError(t, err)
	return s.ID
}

// say ingests an SMS from phone and returns its conversation.
func say(t testing.TB, p *pipelinetest.Pipeline, phone, text string) int64 {
	t.Helper()
	res, err := p.Conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: p.Workspace.ID, Channel: channels.SMS, Phone: phone, Text: text})
	require.NoError(t, err)
	return res.ConversationID
}

func runs(t *testing.T, p *pipelinetest.Pipeline, ruleID int64) []rules.Run {
	t.Helper()
	rs, err := p.Rules.Runs(context.Background(), p.Pool, p.Workspace.ID, ruleID, 100)
	require.NoError(t, err)
	return rs
}

func TestNewMessageRuleActs(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	id := addRule(t, p, `{"name": "Refunds", "trigger": "new_message",
		"conditions": {"any": [{"field": "message.text", "op": "contains", "value": "refund"}]},
		"actions": [{"type": "add_tag", "tag": "urgent"}, {"type": "set_status", "status": "escalated"},
		            {"type": "set_field", "field": "topic", "value": "refund"},
		            {"type": "notify", "message": "A customer asks for a refund"}]}`)

	conv := say(t, p, "+447700900501", "I would like a refund for my crown please")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 1 }, "the rule ran")
	r := runs(t, p, id)[0]
	require.True(t, r.Matched)
	require.Empty(t, r.Error)
	require.Equal(t, []string{"add_tag urgent", "set_status escalated", `set_field topic = "refund"`, "notify: A customer asks for a refund"}, r.Actions)

	var tags []string
	var status string
	var topic string
	require.NoError(t, p.Pool.QueryRow(context.Background(),
		`SELECT tags, workflow_status, context->>'topic' FROM conversations WHERE id = $1`, conv).Scan(&tags, &status, &topic))
	require.Equal(t, []string{"urgent"}, tags)
	require.Equal(t, "escalated", status)
	require.Equal(t, "refund", topic)
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM notifications WHERE kind = 'rule' AND conversation_id = $1`, conv))

	say(t, p, "+447700900502", "Are you open on Saturday?")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 2 }, "the rule ran again")
	require.False(t, runs(t, p, id)[0].Matched, "a message without the word does not match")

	list, err := p.Rules.List(context.Background(), p.Pool, p.Workspace.ID, id)
	require.NoError(t, err)
	require.Equal(t, 2, list[0].Runs)
	require.Equal(t, 1, list[0].Matched)
	require.InDelta(t, 1.0, list[0].SuccessRate, 0.001)
}

func TestRulesCannotLoop(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	start := addRule(t, p, `{"name": "Start", "trigger": "new_message", "actions": [{"type": "set_status", "status": "a"}]}`)
	ab := addRule(t, p, `{"name": "A to B", "trigger": "status_changed",
		"conditions": {"field": "status", "op": "changed_to", "value": "a"}, "actions": [{"type": "set_status", "status": "b"}]}`)
	ba := addRule(t, p, `{"name": "B to A", "trigger": "status_changed",
		"conditions": {"field": "status", "op": "changed_to", "value": "b"}, "actions": [{"type": "set_status", "status": "a"}]}`)
	conv := say(t, p, "+447700900503", "hello")

	// Start sets a; A→B fires; B→A fires; then each would fire again, but they already
	// acted in this chain of events, so it stops.
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, ba)) == 1 }, "the chain reaches B to A")
	p.Idle(t)
	require.Len(t, runs(t, p, start), 1)
	require.Len(t, runs(t, p, ab), 1, "A to B acted once")
	require.Len(t, runs(t, p, ba), 1, "B to A acted once")
	require.True(t, runs(t, p, ab)[0].Matched)
	var status string
	require.NoError(t, p.Pool.QueryRow(context.Background(), `SELECT workflow_status FROM conversations WHERE id = $1`, conv).Scan(&status))
	require.Equal(t, "a", status)
	require.LessOrEqual(t, p.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'evaluate_rules'`), 5)
}

func TestWebhookActionIsSignedAndRetried(t *testing.T) {
	t.Parallel()
	const secret = "whsec_test_0123456789"
	var mu sync.Mutex
	var bodies [][]byte
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig := r.Header.Get(rules.SignatureHeader)
		unix, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(sig, ",")[0], "t="), 10, 64)
		if sig != rules.Sign(secret, time.Unix(unix, 0), body) || time.Since(time.Unix(unix, 0)) > time.Minute {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		bodies = append(bodies, body)
		_, _ = w.Write([]byte(`{"crm_id": "c-77"}`))
	}))
	t.Cleanup(srv.Close)
	p := pipelinetest.New(t, nil)
	id := addRule(t, p, `{"name": "Tell the CRM", "trigger": "new_message",
		"actions": [{"type": "webhook", "url": "`+srv.URL+`/hook", "secret": "`+secret+`"}]}`)
	conv := say(t, p, "+447700900504", "Please call me back about whitening")

	pipelinetest.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(bodies) == 1
	}, "delivered on the second attempt")
	var got struct {
		Event          string `json:"event"`
		ConversationID int64  `json:"conversation_id"`
		Message        string `json:"message"`
		Rule           string `json:"rule"`
	}
	require.NoError(t, json.Unmarshal(bodies[0], &got))
	require.Equal(t, "new_message", got.Event)
	require.Equal(t, conv, got.ConversationID)
	require.Equal(t, "Please call me back about whitening", got.Message)
	require.Equal(t, "Tell the CRM", got.Rule)

	run := runs(t, p, id)[0]
	pipelinetest.Eventually(t, func() bool {
		calls, err := p.Rules.WebhookCalls(context.Background(), p.Workspace.ID, run.ID)
		require.NoError(t, err)
		return len(calls) == 2 && calls[0].StatusCode == 503 && calls[1].StatusCode == 200
	}, "both attempts are recorded with the receiver's answer")
	// The run lists its attempts, with what the receiver said.
	run = runs(t, p, id)[0]
	require.Len(t, run.Webhooks, 2)
	require.Equal(t, "try later\n", run.Webhooks[0].Response)
	require.Equal(t, "the receiver answered 503", run.Webhooks[0].Error)
	require.Equal(t, `{"crm_id": "c-77"}`, run.Webhooks[1].Response)
	require.Empty(t, run.Webhooks[1].Error)
}

func TestTimeElapsedRuleFiresOncePerQuietSpell(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	id := addRule(t, p, `{"name": "Chase", "trigger": "time_elapsed", "after": "1h",
		"actions": [{"type": "notify", "message": "No news for an hour"}]}`)
	conv := say(t, p, "+447700900505", "Can you send me a quote?")
	p.Idle(t)
	_, err := p.Pool.Exec(context.Background(), `UPDATE conversations SET last_message_at = now() - interval '2 hours' WHERE id = $1`, conv)
	require.NoError(t, err)

	for range 2 {
		_, err = p.Jobs.Insert(context.Background(), rules.QuietArgs{}, nil)
		require.NoError(t, err)
		p.Idle(t)
	}
	require.Len(t, runs(t, p, id), 1, "once per quiet spell, however often the sweep runs")
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM notifications WHERE kind = 'rule' AND conversation_id = $1`, conv))
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	conv := say(t, p, "+447700900506", "My tooth hurts, it is urgent")
	p.Idle(t)
	id := addRule(t, p, `{"name": "Pain", "trigger": "new_message",
		"conditions": {"all": [{"field": "message.text", "op": "contains", "value": "hurts"}, {"field": "tags", "op": "is_empty"}]},
		"actions": [{"type": "add_tag", "tag": "pain"}, {"type": "assign", "user_id": 999}]}`)
	out, err := p.Rules.Test(context.Background(), p.Workspace.ID, conv, rules.NewMessage, id)
	require.NoError(t, err)
	require.Len(t, out, 1)
	require.True(t, out[0].Matched)
	require.Equal(t, []string{"add_tag pain", "assign user 999"}, out[0].Actions)
	require.Equal(t, 0, p.Count(t, `SELECT count(*) FROM conversations WHERE 'pain' = ANY (tags)`))
	require.Empty(t, runs(t, p, id), "a dry run is not recorded")

	_, err = p.Rules.Test(context.Background(), p.Workspace.ID, 987654, rules.NewMessage, id)
	require.ErrorIs(t, err, rules.ErrNotFound)

	// Run for real: the tag is added, the assignment to a stranger fails and says why.
	say(t, p, "+447700900506", "It still hurts")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 1 }, "ran")
	r := runs(t, p, id)[0]
	require.Contains(t, r.Error, "user 999 is not a member of this workspace")
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM conversations WHERE 'pain' = ANY (tags)`))
}

// TestNoRuleNoJob: an event no enabled rule listens to queues no evaluation job; once a
// rule listens, the next event does.
func TestNoRuleNoJob(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	jobs := func() int {
		return p.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'evaluate_rules'`)
	}
	conv := say(t, p, "+447700900601", "Are you open on Saturday?")
	pipelinetest.Eventually(t, func() bool {
		return p.Count(t, `SELECT count(*) FROM drafts WHERE conversation_id = $1`, conv) == 1
	}, "the message was drafted")
	require.Zero(t, jobs(), "no rule listens to new_message")

	id := addRule(t, p, `{"name": "Everything", "trigger": "new_message", "actions": [{"type": "add_tag", "tag": "seen"}]}`)
	say(t, p, "+447700900601", "And on Sunday?")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 1 }, "the rule ran")
	require.Positive(t, jobs())
}

// TestRemoveTagAndAssignAct: the two actions no other test runs to success.
func TestRemoveTagAndAssignAct(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	var user int64
	require.NoError(t, p.Pool.QueryRow(ctx, `INSERT INTO users (workspace_id, email, role, password_hash)
		VALUES ($1, 'kim@acme.example', 'staff', 'x') RETURNING id`, p.Workspace.ID).Scan(&user))
	addRule(t, p, `{"name": "Tag first contact", "trigger": "new_message", "priority": 10,
		"conditions": {"all": [{"field": "message.text", "op": "contains", "value": "hello"}]},
		"actions": [{"type": "add_tag", "tag": "new-lead"}]}`)
	id := addRule(t, p, `{"name": "Hand over", "trigger": "new_message",
		"conditions": {"all": [{"field": "message.text", "op": "contains", "value": "speak to kim"}]},
		"actions": [{"type": "remove_tag", "tag": "new-lead"}, {"type": "assign", "user_id": `+strconv.FormatInt(user, 10)+`}]}`)
	conv := say(t, p, "+447700900509", "hello there")
	tagged := func() bool {
		return p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND 'new-lead' = ANY (tags)`, conv) == 1
	}
	pipelinetest.Eventually(t, tagged, "tagged")
	require.Zero(t, p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND assigned_to IS NOT NULL`, conv))

	say(t, p, "+447700900509", "can I speak to Kim please")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 2 }, "the hand-over rule ran twice")
	r := runs(t, p, id)[0]
	require.True(t, r.Matched)
	require.Empty(t, r.Error)
	require.Equal(t, []string{"remove_tag new-lead", "assign user " + strconv.FormatInt(user, 10)}, r.Actions)
	require.False(t, tagged())
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND assigned_to = $2`, conv, user))
}
