package openaicompat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/channels"
)

// Extractor reads dates, times, a name and contact details from a message with a chat
// model. It has the shape of ai.OfflineExtractor, so a consumer takes either.
type Extractor struct {
	c     *Client
	model string
}

// Extractor returns an extractor that asks model.
func (c *Client) Extractor(model string) *Extractor { return &Extractor{c: c, model: model} }

// localMinute is how the model writes times: the workspace's wall clock, no zone.
const localMinute = "2006-01-02T15:04"

func extractPrompt(now time.Time, region string) string {
	return fmt.Sprintf(`You read a message a customer sent to a business and list what it says about when and who.
It is now %s (%s), in the business's timezone; the business is in the country with code %q.
- dates: every date, time or span the message mentions, in order. "text" is the words it was read from; "start" and "end" are `+
		`local times written YYYY-MM-DDTHH:MM. A whole day ("tomorrow", "on Friday") starts at 00:00 and ends at 00:00 of the next day; `+
		`a part of a day ("Tuesday afternoon") is that span (morning 08:00-12:00, afternoon 12:00-17:00, evening 17:00-21:00); `+
		`an exact time ("at 3pm") has end equal to start. Weekdays and "next week" mean the coming ones, never past days.
- name: the name the customer gives for themselves, or "".
- email, phone: the customer's e-mail address and phone number as written, or "".
List only what the message says; never guess.`, now.Format("Monday 2 January 2006 15:04"), now.Location(), region)
}

// Extract implements the consumers' Extractor. now must be in the workspace's timezone;
// region is the country of local phone numbers.
func (ex *Extractor) Extract(ctx context.Context, text string, now time.Time, region string) (ai.Entities, error) {
	str := jsonschema.Definition{Type: jsonschema.String}
	schema := object(map[string]jsonschema.Definition{
		"dates": {Type: jsonschema.Array, Items: object(map[string]jsonschema.Definition{"text": str, "start": str, "end": str})},
		"name":  str, "email": str, "phone": str,
	})
	var out struct {
		Dates []struct {
			Text  string `json:"text"`
			Start string `json:"start"`
			End   string `json:"end"`
		} `json:"dates"`
		Name  string `json:"name"`
		Email string `json:"email"`
		Phone string `json:"phone"`
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: extractPrompt(now, region)},
		{Role: openai.ChatMessageRoleUser, Content: text},
	}
	if err := ex.c.chatJSON(ctx, "extract", ex.model, msgs, schema, &out); err != nil {
		return ai.Entities{}, err
	}
	var e ai.Entities
	for _, d := range out.Dates {
		start, err := time.ParseInLocation(localMinute, d.Start, now.Location())
		if err != nil {
			return ai.Entities{}, badOutput("extract", "start %q of %q is not YYYY-MM-DDTHH:MM", d.Start, d.Text)
		}
		end, err := time.ParseInLocation(localMinute, d.End, now.Location())
		if err != nil || end.Before(start) {
			return ai.Entities{}, badOutput("extract", "end %q of %q is not YYYY-MM-DDTHH:MM after its start", d.End, d.Text)
		}
		e.Dates = append(e.Dates, ai.TimeRange{Start: start, End: end, Text: d.Text})
	}
	// What the model read must be in the message: a name or address it made up is dropped.
	lower := strings.ToLower(text)
	if n := strings.TrimSpace(out.Name); n != "" && strings.Contains(lower, strings.ToLower(n)) {
		e.Name = n
	}
	if m := strings.TrimSpace(out.Email); strings.Contains(m, "@") && strings.Contains(lower, strings.ToLower(m)) {
		e.Email = m
	}
	if out.Phone != "" {
		if p, err := channels.NormalizePhone(out.Phone, region); err == nil {
			e.Phone = p
		}
	}
	return e, nil
}
