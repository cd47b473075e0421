package rules_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

func TestReplyTemplateIsCheckedAtParse(t *testing.T) {
	t.Parallel()
	rule := func(tmpl string) string {
		return `{"name": "Reply", "trigger": "new_message", "actions": [{"type": "add_tag", "tag": "x"}, {"type": "send_reply", "template": ` + tmpl + `}]}`
	}
	for name, tc := range map[string]struct{ tmpl, want string }{
		"UnknownField": {`"Hi {{contact.email}}"`, "unknown field contact.email"},
		"Function":     {`"{{printf \"%s\" contact.name}}"`, "calls printf"},
		"WholeData":    {`"{{.}}"`, "do not allow"},
		"Range":        {`"{{range context.items}}x{{end}}"`, "do not allow"},
		"Broken":       {`"Hi {{contact.name"`, "is not a valid template"},
		"Empty":        {`""`, "is required"},
		"Variable":     {`"{{$x := contact.name}}"`, "may not declare variables"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := rules.Parse([]byte(rule(tc.tmpl)))
			var verr validation.Error
			require.ErrorAs(t, err, &verr)
			require.Contains(t, verr["actions[1].template"], tc.want, "errors: %v", verr)
		})
	}
	for _, ok := range []string{
		`"Hi {{contact.name}}, thanks!"`,
		`"Hi {{.contact.name}}"`,
		`"Hi {{default \"there\" contact.name}}{{if context.budget}}, for {{context.budget}}{{else}}.{{end}}"`,
		`"Your contact.name is kept as text"`,
		`"{{if eq conversation.channel \"sms\"}}Text STOP to stop{{end}} {{upper message.text}}"`,
	} {
		_, err := rules.Parse([]byte(rule(ok)))
		require.NoError(t, err, ok)
	}
}

// portal ingests a portal message from a named customer and returns its conversation.
func portal(t *testing.T, p *pipelinetest.Pipeline, phone, name, text string) int64 {
	t.Helper()
	res, err := p.Conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: p.Workspace.ID, Channel: channels.Portal,
		Phone: phone, Name: name, Text: text})
	require.NoError(t, err)
	return res.ConversationID
}

// TestSendReplyGoesThroughTheSendJobOnce: the templated reply becomes a draft under the
// approval policy (auto_all here) and the send job delivers it to the portal once; a
// second draft with the same run key is a no-op.
func TestSendReplyGoesThroughTheSendJobOnce(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	id := addRule(t, p, `{"name": "Price list", "trigger": "new_message",
		"conditions": {"field": "message.text", "op": "contains", "value": "price"},
		"actions": [{"type": "set_field", "field": "budget", "value": "£300"},
		            {"type": "send_reply", "template": "Hi {{default \"there\" contact.name}}, {{if context.budget}}for {{context.budget}} {{end}}our price list is on its way."}]}`)
	conv := portal(t, p, "+447700900741", "Ann", "What is the price of whitening?")
	const want = "Hi Ann, for £300 our price list is on its way."
	pipelinetest.Eventually(t, func() bool {
		return p.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'outbound' AND text = $2`, conv, want) == 1
	}, "the templated reply was delivered to the portal")
	p.Idle(t)
	r := runs(t, p, id)[0]
	require.Empty(t, r.Error)
	require.Equal(t, "send_reply: "+want, r.Actions[1])
	var key string
	require.NoError(t, p.Pool.QueryRow(ctx, `SELECT reminder_key FROM drafts WHERE conversation_id = $1 AND intent = 'rule_reply' AND status = 'sent'`, conv).Scan(&key))
	require.Equal(t, "rule_run:"+itoa(r.ID)+":1", key)

	// The same run's key again: nothing more is drafted or sent.
	require.NoError(t, pgx.BeginFunc(ctx, p.Pool, func(tx pgx.Tx) error {
		d, err := p.Conv.DraftRuleReply(ctx, tx, p.Workspace.ID, conv, key, want)
		require.Zero(t, d)
		return err
	}))
	p.Idle(t)
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM drafts WHERE conversation_id = $1 AND intent = 'rule_reply'`, conv))
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND text = $2`, conv, want))
}

// TestSendReplyWaitsForReview: under review_all the rule's reply waits like any draft.
func TestSendReplyWaitsForReview(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	_, err := p.Pool.Exec(context.Background(), `UPDATE workspaces SET approval_mode = 'review_all' WHERE id = $1`, p.Workspace.ID)
	require.NoError(t, err)
	id := addRule(t, p, `{"name": "Ack", "trigger": "new_message", "actions": [{"type": "send_reply", "template": "Thanks {{contact.name}}, a person will reply soon."}]}`)
	conv := portal(t, p, "+447700900742", "Bo", "Hello")
	pipelinetest.Eventually(t, func() bool { return len(runs(t, p, id)) == 1 }, "ran")
	p.Idle(t)
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM drafts WHERE conversation_id = $1 AND intent = 'rule_reply'
		AND status = 'pending' AND content = 'Thanks Bo, a person will reply soon.'`, conv))
	require.Zero(t, p.Count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'outbound'`, conv))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
