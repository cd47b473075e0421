package openaicompat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/frontdesk/frontdesk/ai"
)

// FieldExtractor fills a workspace's context fields from a message with a chat model,
// asking for JSON in a schema generated from the fields.
type FieldExtractor struct {
	c     *Client
	model string
}

// FieldExtractor returns a field extractor that asks model.
func (c *Client) FieldExtractor(model string) *FieldExtractor {
	return &FieldExtractor{c: c, model: model}
}

func fieldsPrompt(fields []ai.FieldSpec, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, `You read a message a customer sent to a business and fill in what it says about these fields.
It is now %s in the business's timezone. For each field give "value" as text ("" when the message does not say; never guess) `+
		`and "confidence" from 0 to 1.
`, now.Format("Monday 2 January 2006 15:04"))
	for _, f := range fields {
		fmt.Fprintf(&b, "- %s (%s): %s", f.Key, f.Label, f.Kind)
		switch f.Kind {
		case "date":
			b.WriteString(", written YYYY-MM-DD")
		case "time":
			b.WriteString(", written HH:MM")
		case "datetime":
			b.WriteString(", written YYYY-MM-DDTHH:MM")
		case "duration":
			b.WriteString(", in minutes")
		case "list":
			b.WriteString(", comma-separated")
		}
		if len(f.Options) > 0 {
			fmt.Fprintf(&b, ", one or more of: %s", strings.Join(f.Options, ", "))
		}
		if f.Hint != "" {
			fmt.Fprintf(&b, ". %s", f.Hint)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ExtractFields implements the tracking package's FieldExtractor.
func (fx *FieldExtractor) ExtractFields(ctx context.Context, text string, fields []ai.FieldSpec, now time.Time) (map[string]ai.FieldValue, error) {
	props := map[string]jsonschema.Definition{}
	for _, f := range fields {
		value := jsonschema.Definition{Type: jsonschema.String}
		if f.Kind == "choice" {
			value.Enum = append([]string{""}, f.Options...)
		}
		props[f.Key] = *object(map[string]jsonschema.Definition{"value": value, "confidence": {Type: jsonschema.Number}})
	}
	var out map[string]struct {
		Value      string  `json:"value"`
		Confidence float64 `json:"confidence"`
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: fieldsPrompt(fields, now)},
		{Role: openai.ChatMessageRoleUser, Content: text},
	}
	if err := fx.c.chatJSON(ctx, "extract_fields", fx.model, msgs, object(props), &out); err != nil {
		return nil, err
	}
	res := map[string]ai.FieldValue{}
	for k, v := range out {
		if strings.TrimSpace(v.Value) == "" {
			continue
		}
		res[k] = ai.FieldValue{Value: strings.TrimSpace(v.Value), Confidence: min(max(v.Confidence, 0), 1)}
	}
	return res, nil
}
