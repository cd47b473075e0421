package openaicompat

import (
	"context"
	"slices"
	"strings"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/frontdesk/frontdesk/ai"
)

// Classifier tells a message's intent with a chat model. It implements
// conversation.Classifier.
type Classifier struct {
	c     *Client
	model string
}

// Classifier returns a classifier that asks model.
func (c *Client) Classifier(model string) *Classifier { return &Classifier{c: c, model: model} }

// intentMeaning tells the model what each intent covers.
var intentMeaning = map[string]string{ //nolint:gochecknoglobals // read-only table
	ai.IntentBook:         "wants to book a new appointment",
	ai.IntentReschedule:   "wants to move an appointment they already have",
	ai.IntentCancel:       "wants to cancel an appointment",
	ai.IntentAvailability: "asks which times are free, without booking yet",
	ai.IntentHours:        "asks when the business is open",
	ai.IntentLocation:     "asks where the business is or how to get there",
	ai.IntentPricing:      "asks what something costs",
	ai.IntentQuestion:     "asks another question about the business, its services or policies",
	ai.IntentGreeting:     "only says hello",
	ai.IntentThanks:       "thanks the business or says goodbye",
	ai.IntentHuman:        "asks to speak to a person",
	ai.IntentComplaint:    "complains or is unhappy",
	ai.IntentUnknown:      "anything else, unrelated to the business",
}

func classifyPrompt() string {
	var b strings.Builder
	b.WriteString("You sort the messages customers send to a small business (a clinic, a salon, a law office) by what the customer wants. ")
	b.WriteString("Answer with the one intent that fits best and your confidence in it, from 0 to 1. The intents:\n")
	for _, in := range ai.Intents() {
		b.WriteString("- " + in + ": the customer " + intentMeaning[in] + "\n")
	}
	return b.String()
}

// Classify implements conversation.Classifier.
func (cl *Classifier) Classify(ctx context.Context, text string) (ai.Classification, error) {
	schema := object(map[string]jsonschema.Definition{
		"intent":     {Type: jsonschema.String, Enum: ai.Intents()},
		"confidence": {Type: jsonschema.Number, Description: "from 0 to 1"},
	})
	var out struct {
		Intent     string  `json:"intent"`
		Confidence float64 `json:"confidence"`
	}
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: classifyPrompt()},
		{Role: openai.ChatMessageRoleUser, Content: text},
	}
	if err := cl.c.chatJSON(ctx, "classify", cl.model, msgs, schema, &out); err != nil {
		return ai.Classification{}, err
	}
	if !slices.Contains(ai.Intents(), out.Intent) {
		return ai.Classification{}, badOutput("classify", "unknown intent %q", out.Intent)
	}
	return ai.Classification{Intent: out.Intent, Confidence: min(max(out.Confidence, 0), 1), Provider: ProviderID(cl.model)}, nil
}

// ProviderID names a model of this provider in drafts and classifications.
func ProviderID(model string) string { return "openai:" + model }
