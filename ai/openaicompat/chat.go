package openaicompat

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

// chatJSON asks model for an answer in the shape of schema (strict structured output)
// and decodes it into out. An answer that is cut off, refused, or not of that shape is
// an error.
func (c *Client) chatJSON(ctx context.Context, what, model string, msgs []openai.ChatCompletionMessage,
	schema *jsonschema.Definition, out any) error {
	req := openai.ChatCompletionRequest{
		Model:    model,
		Messages: msgs,
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: what, Schema: schema, Strict: true},
		},
	}
	// OpenAI's newer models take only max_completion_tokens; the compatible servers
	// (Ollama, llama.cpp, DeepSeek) all read max_tokens.
	if c.opts.BaseURL == "" || strings.Contains(c.opts.BaseURL, "api.openai.com") {
		req.MaxCompletionTokens = c.opts.MaxTokens
	} else {
		req.MaxTokens = c.opts.MaxTokens //nolint:staticcheck // deprecated by OpenAI only; the compatible servers need it
	}
	var resp openai.ChatCompletionResponse
	err := c.call(ctx, what, func(ctx context.Context) error {
		var err error
		resp, err = c.api.CreateChatCompletion(ctx, req)
		return err
	})
	if err != nil {
		return err
	}
	if len(resp.Choices) == 0 {
		return badOutput(what, "the answer has no choices")
	}
	choice := resp.Choices[0]
	switch {
	case choice.Message.Refusal != "":
		return badOutput(what, "the model refused: %s", choice.Message.Refusal)
	case choice.FinishReason == openai.FinishReasonLength:
		return badOutput(what, "the answer was cut off at %d tokens", c.opts.MaxTokens)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(choice.Message.Content)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return badOutput(what, "the answer is not the JSON asked for: %v", err)
	}
	return nil
}

// object is a strict JSON schema object: every property required, no others allowed.
func object(props map[string]jsonschema.Definition) *jsonschema.Definition {
	required := make([]string, 0, len(props))
	for name := range props {
		required = append(required, name)
	}
	slices.Sort(required)
	return &jsonschema.Definition{Type: jsonschema.Object, Properties: props, Required: required, AdditionalProperties: false}
}
