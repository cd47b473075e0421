package tracking_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai/openaicompat"
	"github.com/frontdesk/frontdesk/ai/openaicompat/openaitest"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/internal/validation"
	"github.com/frontdesk/frontdesk/rules"
)

func useTemplate(t *testing.T, p *pipelinetest.Pipeline, id string) tracking.Saved {
	t.Helper()
	tpl, ok := schema.TemplateByID(id)
	require.True(t, ok)
	saved, err := p.Context.Save(context.Background(), p.Pool, p.Workspace.ID, 0, tpl.Schema, nil, "GB")
	require.NoError(t, err)
	return saved
}

func say(t *testing.T, p *pipelinetest.Pipeline, phone, text string) int64 {
	t.Helper()
	res, err := p.Conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: p.Workspace.ID, Channel: channels.SMS, Phone: phone, Text: text})
	require.NoError(t, err)
	p.Idle(t)
	return res.ConversationID
}

func read(t *testing.T, p *pipelinetest.Pipeline, conv int64) (tracking.Context, []tracking.Change) {
	t.Helper()
	c, h, err := p.Context.Read(context.Background(), p.Pool, p.Workspace.ID, conv, 50)
	require.NoError(t, err)
	return c, h
}

func TestPipelineExtractsOfflineAndAPersonsValueSticks(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	saved := useTemplate(t, p, "real_estate")
	require.Equal(t, 1, saved.Version.Number)
	r, err := rules.Parse([]byte(`{"name": "Big budget", "trigger": "context_changed",
		"conditions": {"all": [{"field": "context.budget", "op": "greater", "value": 400000}]},
		"actions": [{"type": "add_tag", "tag": "big-budget"}]}`))
	require.NoError(t, err)
	_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
	require.NoError(t, err)

	conv := say(t, p, "+447700900601", "Hello, we are looking to buy a 3 bedroom house in Leith, budget £450k. Email ann@example.com")
	c, hist := read(t, p, conv)
	require.Equal(t, "buy", c.Values["looking_to"])
	require.Equal(t, "house", c.Values["property_type"])
	require.InDelta(t, 450000.0, c.Values["budget"], 0.001)
	require.InDelta(t, 3.0, c.Values["bedrooms"], 0.001)
	require.Equal(t, "ann@example.com", c.Values["email"])
	require.Equal(t, "ai", c.Meta["budget"].SetBy)
	require.InDelta(t, 0.8, c.Meta["budget"].Confidence, 0.001)
	require.Equal(t, 100, c.Completion) // looking_to, property_type and budget (buying) are filled
	require.Equal(t, 1, c.Version)
	require.Len(t, hist, 5)
	// The rule on context_changed saw the budget.
	pipelinetest.Eventually(t, func() bool {
		return p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND 'big-budget' = ANY (tags)`, conv) == 1
	}, "the context_changed rule tagged the conversation")

	// A person corrects the bedrooms; the AI reading "2 bedrooms" later leaves it.
	tx, err := p.Pool.Begin(ctx)
	require.NoError(t, err)
	changed, err := p.Context.Apply(ctx, tx, p.Workspace.ID, conv, tracking.Setter{By: "user", UserID: 0},
		map[string]tracking.Proposed{"bedrooms": {Value: 4.0, Confidence: 1}}, "GB")
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	require.Equal(t, []string{"bedrooms"}, changed)
	say(t, p, "+447700900601", "Sorry, 2 bedrooms would do, and mortgage agreed already")
	c, hist = read(t, p, conv)
	require.InDelta(t, 4.0, c.Values["bedrooms"], 0.001)
	require.Equal(t, "user", c.Meta["bedrooms"].SetBy)
	require.Equal(t, true, c.Values["mortgage_approved"])
	require.Equal(t, 30, c.Priority) // mortgage agreed: 30 points
	require.Equal(t, "mortgage_approved", hist[0].Field)
	require.Equal(t, "ai", hist[0].SetBy)

	// The drafter reads the filled fields by label, in the schema's order.
	facts, err := p.Context.Facts(ctx, p.Pool, p.Workspace.ID, conv)
	require.NoError(t, err)
	byLabel := map[string]string{}
	for _, f := range facts {
		byLabel[f.Label] = f.Value
	}
	require.Equal(t, "buy", facts[0].Value, "the schema's first field comes first")
	require.Equal(t, "4", byLabel["Bedrooms"], "the person's value")
	require.Equal(t, "450000", byLabel["Budget"])
	require.Equal(t, "yes", byLabel["Mortgage agreed in principle"])
	require.NotContains(t, byLabel, "Move-in date", "an empty field is left out")
}

func TestApplyRejectsBadValuesByPath(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	useTemplate(t, p, "dental")
	conv := say(t, p, "+447700900602", "hi")
	tx, err := p.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = p.Context.Apply(ctx, tx, p.Workspace.ID, conv, tracking.Setter{By: "user"},
		map[string]tracking.Proposed{"pain_level": {Value: 11.0}, "email": {Value: "nope"}, "shoe_size": {Value: 9.0}}, "GB")
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Contains(t, verr["values.pain_level"], "at most 10")
	require.Contains(t, verr["values.email"], "not an e-mail address")
	require.Contains(t, verr["values.shoe_size"], "not a field")
}

func TestSaveVersionsAndTypeChangeNeedsAChoice(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	v1, err := schema.Parse([]byte(`{"fields": [{"key": "budget", "label": "Budget", "type": "text", "ai_extract": true, "required": true}]}`))
	require.NoError(t, err)
	_, err = p.Context.Save(ctx, p.Pool, p.Workspace.ID, 0, v1, nil, "GB")
	require.NoError(t, err)
	a := say(t, p, "+447700900603", "hello")
	b := say(t, p, "+447700900604", "hello")
	for conv, v := range map[int64]string{a: "£300,000", b: "around half a million"} {
		tx, err := p.Pool.Begin(ctx)
		require.NoError(t, err)
		_, err = p.Context.Apply(ctx, tx, p.Workspace.ID, conv, tracking.Setter{By: "user"}, map[string]tracking.Proposed{"budget": {Value: v}}, "GB")
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
	}
	v2, err := schema.Parse([]byte(`{"fields": [{"key": "budget", "label": "Budget", "type": "currency", "required": true}],
		"priority": [{"field": "budget", "points": 7}]}`))
	require.NoError(t, err)
	_, err = p.Context.Save(ctx, p.Pool, p.Workspace.ID, 0, v2, nil, "GB")
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Contains(t, verr["fields[0].type"], "convert or drop")
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM context_schemas WHERE workspace_id = $1`, p.Workspace.ID))

	saved, err := p.Context.Save(ctx, p.Pool, p.Workspace.ID, 0, v2, map[string]schema.Choice{"budget": schema.Convert}, "GB")
	require.NoError(t, err)
	require.Equal(t, 2, saved.Version.Number)
	require.Len(t, saved.Failures, 1)
	require.Equal(t, b, saved.Failures[0].ConversationID)
	require.Equal(t, "around half a million", saved.Failures[0].Value)
	ca, _ := read(t, p, a)
	require.InDelta(t, 300000.0, ca.Values["budget"], 0.001)
	require.Equal(t, 2, ca.Version)
	require.Equal(t, 7, ca.Priority)
	cb, hist := read(t, p, b)
	require.NotContains(t, cb.Values, "budget")
	require.Equal(t, 0, cb.Completion)
	require.Equal(t, "migration", hist[0].SetBy)
	versions, err := p.Context.Versions(ctx, p.Pool, p.Workspace.ID)
	require.NoError(t, err)
	require.Len(t, versions, 2)
	old, err := p.Context.Version(ctx, p.Pool, p.Workspace.ID, 1)
	require.NoError(t, err)
	require.Equal(t, schema.Text, old.Schema.Fields[0].Type)

	rates, err := p.Context.FillRates(ctx, p.Pool, p.Workspace.ID, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, []tracking.FillRate{{Key: "budget", Label: "Budget", Filled: 1, Total: 2, Rate: 0.5}}, rates)
}

func TestModelExtractionWithGeneratedSchema(t *testing.T) {
	t.Parallel()
	fake := openaitest.New(t)
	client := openaicompat.New(openaicompat.Options{APIKey: openaitest.Key, BaseURL: fake.BaseURL(), Backoff: time.Millisecond})
	p := pipelinetest.New(t, func(_ *pipelinetest.Pipeline, o *pipelinetest.Options) { o.FieldAI = client.FieldExtractor("gpt-test") })
	useTemplate(t, p, "legal")
	fake.Reply("extract_fields", `{"legal_area": {"value": "employment", "confidence": 0.9},
		"urgency": {"value": "high", "confidence": 0.7}, "opposing_party": {"value": "Bolt Logistics Ltd", "confidence": 0.85},
		"court_date": {"value": "", "confidence": 0}, "email": {"value": "not-an-email", "confidence": 0.5},
		"phone": {"value": "", "confidence": 0}}`)
	conv := say(t, p, "+447700900605", "My employer Bolt Logistics sacked me without notice, I need help soon")
	c, _ := read(t, p, conv)
	require.Equal(t, "employment", c.Values["legal_area"])
	require.Equal(t, "Bolt Logistics Ltd", c.Values["opposing_party"])
	require.InDelta(t, 0.85, c.Meta["opposing_party"].Confidence, 0.001)
	require.NotContains(t, c.Values, "email") // failed its check
	require.Equal(t, 25, c.Priority)

	// The request carried a JSON schema built from the fields, with the options as an enum.
	var sent struct {
		ResponseFormat struct {
			JSONSchema struct {
				Name   string `json:"name"`
				Schema struct {
					Properties map[string]struct {
						Properties map[string]struct {
							Enum []string `json:"enum"`
						} `json:"properties"`
					} `json:"properties"`
				} `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	var found bool
	for _, r := range fake.Requests("/v1/chat/completions") {
		require.NoError(t, json.Unmarshal(r.Body, &sent))
		if sent.ResponseFormat.JSONSchema.Name == "extract_fields" {
			found = true
			break
		}
	}
	require.True(t, found)
	props := sent.ResponseFormat.JSONSchema.Schema.Properties
	require.Contains(t, props, "opposing_party")
	require.Equal(t, []string{"", "family", "employment", "property", "criminal", "wills", "business"}, props["legal_area"].Properties["value"].Enum)

	// When the model fails, the offline extraction still reads the message.
	fake.FailNext(500)
	conv2 := say(t, p, "+447700900606", "It is about my divorce, urgent please")
	c2, _ := read(t, p, conv2)
	require.Equal(t, "family", c2.Values["legal_area"])
	require.Equal(t, "urgent", c2.Values["urgency"])
}

func TestRuleSetFieldLeavesAPersonsValue(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	useTemplate(t, p, "real_estate")
	r, err := rules.Parse([]byte(`{"name": "Default area", "trigger": "new_message",
		"actions": [{"type": "set_field", "field": "area", "value": "Leith"}]}`))
	require.NoError(t, err)
	_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
	require.NoError(t, err)
	a := say(t, p, "+447700900607", "hello")
	b := say(t, p, "+447700900608", "hello")
	p.Idle(t)
	ca, _ := read(t, p, a)
	require.Equal(t, "Leith", ca.Values["area"])
	require.Equal(t, "rule", ca.Meta["area"].SetBy)

	tx, err := p.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = p.Context.Apply(ctx, tx, p.Workspace.ID, b, tracking.Setter{By: "user"}, map[string]tracking.Proposed{"area": {Value: "Portobello"}}, "GB")
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	say(t, p, "+447700900608", "hello again")
	p.Idle(t)
	cb, _ := read(t, p, b)
	require.Equal(t, "Portobello", cb.Values["area"])
	require.Equal(t, "user", cb.Meta["area"].SetBy)
}

// TestChangedToSeesTheValueBefore: a context_changed rule on "changed to" fires when
// extraction moves a field to the value, not when it was set to it already.
func TestChangedToSeesTheValueBefore(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	useTemplate(t, p, "real_estate")
	r, err := rules.Parse([]byte(`{"name": "Now renting", "trigger": "context_changed",
		"conditions": {"all": [{"field": "context.looking_to", "op": "changed_to", "value": "rent"}]},
		"actions": [{"type": "add_tag", "tag": "switched-to-rent"}]}`))
	require.NoError(t, err)
	_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
	require.NoError(t, err)
	tagged := func(conv int64) bool {
		return p.Count(t, `SELECT count(*) FROM conversations WHERE id = $1 AND 'switched-to-rent' = ANY (tags)`, conv) == 1
	}
	matched := func() int {
		return p.Count(t, `SELECT count(*) FROM rule_runs WHERE workspace_id = $1 AND matched`, p.Workspace.ID)
	}

	conv := say(t, p, "+447700900611", "Hello, we are looking to buy a flat in Leith")
	c, _ := read(t, p, conv)
	require.Equal(t, "buy", c.Values["looking_to"])
	p.Idle(t)
	require.False(t, tagged(conv))
	say(t, p, "+447700900611", "Actually we would rather rent a flat")
	c, _ = read(t, p, conv)
	require.Equal(t, "rent", c.Values["looking_to"])
	pipelinetest.Eventually(t, func() bool { return tagged(conv) }, "buy -> rent matched changed_to")
	p.Idle(t)
	runs := matched()
	say(t, p, "+447700900611", "To rent, yes, with a garden ideally")
	p.Idle(t)
	require.Equal(t, runs, matched(), "rent -> rent is no change")
}

// TestRuleSetFieldRecordsHistoryAndRescores: a rule's set_field is checked against the
// field, recorded in the history under the rule's name, and moves completion and
// priority with the value, without waiting for the next extraction.
func TestRuleSetFieldRecordsHistoryAndRescores(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	r, err := rules.Parse([]byte(`{"name": "Sellers", "trigger": "new_message",
		"conditions": {"all": [{"field": "message.text", "op": "contains", "value": "call me back"}]},
		"actions": [{"type": "set_field", "field": "looking_to", "value": "selling"},
		            {"type": "set_field", "field": "bedrooms", "value": "lots"},
		            {"type": "set_field", "field": "source", "value": "rule"}]}`))
	require.NoError(t, err)
	// Saved before the schema had the fields: the wrong bedrooms value fails when it runs.
	rule, err := p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
	require.NoError(t, err)
	useTemplate(t, p, "real_estate")
	// Saved now, it is refused with the path of the value.
	_, err = p.Rules.Create(ctx, p.Pool, p.Workspace.ID, r)
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Equal(t, validation.Error{"actions[1].value": `"lots" is not a number`}, verr)

	conv := say(t, p, "+447700900612", "hello")
	c, _ := read(t, p, conv)
	require.Equal(t, 0, c.Completion)
	require.Equal(t, 0, c.Priority)

	say(t, p, "+447700900612", "please call me back")
	c, hist := read(t, p, conv)
	require.Equal(t, "sell", c.Values["looking_to"], "the value is checked against the field: a synonym becomes its option")
	require.Equal(t, 50, c.Completion, "looking_to of looking_to and property_type (budget does not apply to sellers)")
	require.Equal(t, 20, c.Priority, "sellers score 20")
	require.Equal(t, tracking.Meta{SetBy: "rule", RuleID: rule.ID, Rule: "Sellers", SetAt: c.Meta["looking_to"].SetAt}, c.Meta["looking_to"])
	require.Equal(t, "rule", c.Values["source"], "a key the schema lacks is kept as given")
	require.NotContains(t, c.Values, "bedrooms")

	byField := map[string]tracking.Change{}
	for _, h := range hist {
		byField[h.Field] = h
	}
	require.Equal(t, "rule", byField["looking_to"].SetBy)
	require.Equal(t, "Sellers", byField["looking_to"].RuleName)
	require.Equal(t, rule.ID, byField["looking_to"].RuleID)
	require.Nil(t, byField["looking_to"].Old)
	require.Equal(t, "sell", byField["looking_to"].New)
	require.Contains(t, byField, "source")
	require.NotContains(t, byField, "bedrooms")

	rs, err := p.Rules.Runs(ctx, p.Pool, p.Workspace.ID, rule.ID, 10)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	require.True(t, rs[0].Matched)
	require.Contains(t, rs[0].Error, "field bedrooms", "an invalid value fails its action with the field named")
}
