package openaicompat_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/ai/openaicompat"
	"github.com/frontdesk/frontdesk/ai/openaicompat/openaitest"
)

const chatPath = "/v1/chat/completions"

type testBundle struct {
	fake   *openaitest.Fake
	client *openaicompat.Client
}

func setup(t *testing.T) testBundle {
	t.Helper()
	fake := openaitest.New(t)
	client := openaicompat.New(openaicompat.Options{
		APIKey: openaitest.Key, BaseURL: fake.BaseURL(), Retries: 2, Backoff: time.Millisecond, MaxTokens: 300,
	})
	return testBundle{fake: fake, client: client}
}

// chatRequest is the part of a chat completion request the tests check.
type chatRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	Messages  []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat struct {
		Type       string `json:"type"`
		JSONSchema struct {
			Name   string          `json:"name"`
			Strict bool            `json:"strict"`
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

func lastChat(t *testing.T, f *openaitest.Fake) chatRequest {
	t.Helper()
	reqs := f.Requests(chatPath)
	require.NotEmpty(t, reqs)
	var r chatRequest
	require.NoError(t, json.Unmarshal(reqs[len(reqs)-1].Body, &r))
	return r
}

func TestClassify(t *testing.T) {
	t.Parallel()
	t.Run("AsksWithTheIntentEnum", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("classify", `{"intent": "ask_price", "confidence": 0.87}`)
		c, err := b.client.Classifier("gpt-test").Classify(context.Background(), "how much is a filling?")
		require.NoError(t, err)
		require.Equal(t, ai.Classification{Intent: ai.IntentPricing, Confidence: 0.87, Provider: "openai:gpt-test"}, c)

		r := lastChat(t, b.fake)
		require.Equal(t, "gpt-test", r.Model)
		require.Equal(t, 300, r.MaxTokens)
		require.Equal(t, "json_schema", r.ResponseFormat.Type)
		require.True(t, r.ResponseFormat.JSONSchema.Strict)
		var schema struct {
			Properties struct {
				Intent struct {
					Enum []string `json:"enum"`
				} `json:"intent"`
			} `json:"properties"`
			Required             []string `json:"required"`
			AdditionalProperties *bool    `json:"additionalProperties"`
		}
		require.NoError(t, json.Unmarshal(r.ResponseFormat.JSONSchema.Schema, &schema))
		require.Equal(t, ai.Intents(), schema.Properties.Intent.Enum)
		require.ElementsMatch(t, []string{"intent", "confidence"}, schema.Required)
		require.NotNil(t, schema.AdditionalProperties)
		require.False(t, *schema.AdditionalProperties, "strict output allows no other fields")
		require.Len(t, r.Messages, 2)
		require.Equal(t, "system", r.Messages[0].Role)
		for _, in := range ai.Intents() {
			require.Contains(t, r.Messages[0].Content, in)
		}
		require.Equal(t, "user", r.Messages[1].Role)
		require.Equal(t, "how much is a filling?", r.Messages[1].Content)
	})
	t.Run("ConfidenceIsClamped", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("classify", `{"intent": "greeting", "confidence": 3}`)
		c, err := b.client.Classifier("gpt-test").Classify(context.Background(), "hi")
		require.NoError(t, err)
		require.InDelta(t, 1.0, c.Confidence, 1e-9)
	})
	for name, content := range map[string]string{
		"UnknownIntent": `{"intent": "order_pizza", "confidence": 0.9}`,
		"NotJSON":       `I think the customer wants a price.`,
		"OtherFields":   `{"intent": "greeting", "confidence": 0.9, "mood": "happy"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.Reply("classify", content)
			_, err := b.client.Classifier("gpt-test").Classify(context.Background(), "hello")
			require.ErrorIs(t, err, ai.ErrProviderFailed)
			require.Len(t, b.fake.Requests(chatPath), 1, "a bad answer is not retried")
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("RateLimitedThenServed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("classify", `{"intent": "greeting", "confidence": 0.9}`)
		b.fake.FailNext(http.StatusTooManyRequests, http.StatusTooManyRequests)
		c, err := b.client.Classifier("gpt-test").Classify(context.Background(), "hello")
		require.NoError(t, err)
		require.Equal(t, ai.IntentGreeting, c.Intent)
		require.Len(t, b.fake.Requests(chatPath), 3, "two 429s, then the answer")
	})
	t.Run("ServerErrorsAreBounded", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("classify", `{"intent": "greeting", "confidence": 0.9}`)
		b.fake.FailNext(500, 502, 503, 500)
		_, err := b.client.Classifier("gpt-test").Classify(context.Background(), "hello")
		require.ErrorIs(t, err, ai.ErrProviderFailed)
		require.Len(t, b.fake.Requests(chatPath), 3, "one try and two retries")
	})
	t.Run("ClientErrorIsNotRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.FailNext(http.StatusBadRequest)
		_, err := b.client.Classifier("gpt-test").Classify(context.Background(), "hello")
		require.ErrorIs(t, err, ai.ErrProviderFailed)
		require.Len(t, b.fake.Requests(chatPath), 1)
	})
	t.Run("WrongKey", func(t *testing.T) {
		t.Parallel()
		fake := openaitest.New(t)
		client := openaicompat.New(openaicompat.Options{APIKey: "sk-wrong", BaseURL: fake.BaseURL(), Retries: 2, Backoff: time.Millisecond})
		_, err := client.Classifier("gpt-test").Classify(context.Background(), "hello")
		require.ErrorIs(t, err, ai.ErrProviderFailed)
		require.ErrorContains(t, err, "401")
	})
	t.Run("TimeoutIsAnError", func(t *testing.T) {
		t.Parallel()
		fake := openaitest.New(t)
		fake.Hang()
		client := openaicompat.New(openaicompat.Options{APIKey: openaitest.Key, BaseURL: fake.BaseURL(), Timeout: time.Second, Retries: 2})
		_, err := client.Classifier("gpt-test").Classify(context.Background(), "hello")
		require.ErrorIs(t, err, ai.ErrProviderFailed)
		require.ErrorContains(t, err, "no answer within")
		require.Len(t, fake.Requests(chatPath), 1, "a timeout is not retried: the fallback answers instead")
	})
}

func draftRequest() ai.DraftRequest {
	loc, _ := time.LoadLocation("Europe/London")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	return ai.DraftRequest{
		Persona: ai.Persona{BusinessName: "Acme Dental", AssistantName: "Sunny", Role: "receptionist",
			Personality: "friendly", CustomInstructions: "Always mention free parking."},
		ContactName: "Jane Doe",
		Message:     "How much is a check-up, and can I come tomorrow?",
		Intent:      ai.Classification{Intent: ai.IntentPricing, Confidence: 0.8},
		Sources: []ai.Source{
			{Title: "Prices", Content: "A check-up costs £45."},
			{Title: "Parking", Content: "Free parking behind the building."},
		},
		Hours: map[time.Weekday][]string{time.Monday: {"09:00–17:00"}, time.Tuesday: {"09:00–12:00", "13:00–17:00"}},
		Now:   now,
		Offer: &ai.SlotOffer{Service: "Check-up", Asked: "tomorrow",
			Slots: []time.Time{now.Add(25 * time.Hour), now.Add(27 * time.Hour)}},
		History: []ai.Turn{{Role: ai.TurnCustomer, Text: "Hello"}, {Role: ai.TurnBusiness, Text: "Hi Jane! How can I help?"}},
		Context: []ai.Fact{{Label: "Reason for visit", Value: "check-up"}, {Label: "New patient", Value: "yes"}},
	}
}

func TestDraft(t *testing.T) {
	t.Parallel()
	t.Run("PromptHoldsPersonaSourcesHoursOfferHistoryAndContext", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("draft", `{"reply": "Hi Jane! A check-up costs £45 [1]. Tomorrow I can offer 1) 10:00 or 2) 12:00.", "needs_human": false, "cited_sources": [1, 1]}`)
		d, err := b.client.Drafter("gpt-draft").Draft(context.Background(), draftRequest())
		require.NoError(t, err)
		require.Equal(t, "openai:gpt-draft", d.Provider)
		require.False(t, d.NeedsHuman)
		require.Equal(t, []int{1}, d.Cited)
		require.Contains(t, d.Text, "£45")

		r := lastChat(t, b.fake)
		require.Equal(t, "gpt-draft", r.Model)
		require.Equal(t, "draft", r.ResponseFormat.JSONSchema.Name)
		require.True(t, r.ResponseFormat.JSONSchema.Strict)
		require.Contains(t, string(r.ResponseFormat.JSONSchema.Schema), `"cited_sources"`)
		require.Contains(t, string(r.ResponseFormat.JSONSchema.Schema), `"needs_human"`)
		sys := r.Messages[0].Content
		for _, want := range []string{"Sunny", "receptionist", "Acme Dental", "friendly", "Always mention free parking.",
			"[1] Prices\nA check-up costs £45.", "[2] Parking\nFree parking behind the building.",
			"Monday: 09:00–17:00", "Tuesday: 09:00–12:00, 13:00–17:00", "Sunday: closed",
			"1) Tue 3 Mar 10:00, 2) 12:00", "Jane Doe", "Monday 2 March 2026 09:00 (Europe/London)",
			"Reason for visit: check-up\nNew patient: yes\n", "not facts about the business"} {
			require.Contains(t, sys, want)
		}
		require.Contains(t, sys, "only when a numbered SOURCE", "facts need a source")
		require.Contains(t, sys, "check with the team", "no source means a hand-off")
		roles := make([]string, len(r.Messages))
		for i, m := range r.Messages {
			roles[i] = m.Role
		}
		require.Equal(t, []string{"system", "user", "assistant", "user"}, roles)
		require.Equal(t, "Hi Jane! How can I help?", r.Messages[2].Content)
		require.Equal(t, "How much is a check-up, and can I come tomorrow?", r.Messages[3].Content)
	})
	t.Run("UncitedAnswerGoesToAPerson", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		req := draftRequest()
		req.Offer = nil
		b.fake.Reply("draft", `{"reply": "A check-up is £30.", "needs_human": false, "cited_sources": []}`)
		d, err := b.client.Drafter("gpt-draft").Draft(context.Background(), req)
		require.NoError(t, err)
		require.True(t, d.NeedsHuman, "a price without a source must be read by a person")
	})
	for name, content := range map[string]string{
		"CitesAMissingSource": `{"reply": "Hi! 10:00 or 12:00.", "needs_human": false, "cited_sources": [3]}`,
		"LeavesOutAnOffer":    `{"reply": "Hi! We have 10:00 free.", "needs_human": false, "cited_sources": [1]}`,
		"EmptyReply":          `{"reply": " ", "needs_human": true, "cited_sources": []}`,
		"Malformed":           `{"reply": "Hi!", "needs_human": "no"`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.fake.Reply("draft", content)
			_, err := b.client.Drafter("gpt-draft").Draft(context.Background(), draftRequest())
			require.ErrorIs(t, err, ai.ErrProviderFailed)
		})
	}
}

func TestExtract(t *testing.T) {
	t.Parallel()
	b := setup(t)
	loc, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	now := time.Date(2026, 3, 7, 15, 0, 0, 0, loc) // the day before clocks go forward
	b.fake.Reply("extract", `{"dates": [{"text": "tomorrow at 10:30", "start": "2026-03-08T10:30", "end": "2026-03-08T10:30"},
		{"text": "Monday", "start": "2026-03-09T00:00", "end": "2026-03-10T00:00"}],
		"name": "Sam Lee", "email": "SAM@example.com", "phone": "(212) 555-0187"}`)
	text := "Hi, this is Sam Lee, can I come tomorrow at 10:30 or Monday? sam@example.com (212) 555-0187"
	e, err := b.client.Extractor("gpt-extract").Extract(context.Background(), text, now, "US")
	require.NoError(t, err)
	require.Len(t, e.Dates, 2)
	require.True(t, e.Dates[0].Start.Equal(time.Date(2026, 3, 8, 10, 30, 0, 0, loc)), "in the workspace's zone, after the change")
	require.Equal(t, e.Dates[0].Start, e.Dates[0].End)
	require.Equal(t, "Monday", e.Dates[1].Text)
	require.True(t, e.Dates[1].Start.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, loc)))
	require.True(t, e.Dates[1].End.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, loc)))
	require.Equal(t, loc, e.Dates[1].Start.Location())
	require.Equal(t, "Sam Lee", e.Name)
	require.Equal(t, "SAM@example.com", e.Email)
	require.Equal(t, "+12125550187", e.Phone)

	r := lastChat(t, b.fake)
	require.Equal(t, "gpt-extract", r.Model)
	require.Contains(t, r.Messages[0].Content, "Saturday 7 March 2026 15:00 (America/New_York)")
	require.Contains(t, r.Messages[0].Content, `"US"`)
	require.Equal(t, text, r.Messages[1].Content)

	t.Run("InventedValuesAreDropped", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("extract", `{"dates": [], "name": "Alice", "email": "alice@example.com", "phone": "12"}`)
		e, err := b.client.Extractor("gpt-extract").Extract(context.Background(), "can I book?", now, "US")
		require.NoError(t, err)
		require.Equal(t, ai.Entities{}, e)
	})
	t.Run("BadTime", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.Reply("extract", `{"dates": [{"text": "soon", "start": "next week", "end": ""}], "name": "", "email": "", "phone": ""}`)
		_, err := b.client.Extractor("gpt-extract").Extract(context.Background(), "soon", now, "US")
		require.ErrorIs(t, err, ai.ErrProviderFailed)
	})
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	e, err := b.client.Embedder("text-embedding-3-small", 64)
	require.NoError(t, err)
	require.Equal(t, "text-embedding-3-small/64", e.Model())
	require.Equal(t, 64, e.Dim())
	texts := make([]string, 300)
	for i := range texts {
		texts[i] = strings.Repeat("x", i%7) + " chunk " + string(rune('a'+i%26))
	}
	texts[5] = ""
	vecs, err := e.Embed(context.Background(), texts)
	require.NoError(t, err)
	require.Len(t, vecs, 300)
	require.Equal(t, openaitest.Vector(strings.TrimSpace(texts[299]), 64), vecs[299], "vectors come back in order")

	reqs := b.fake.Requests("/v1/embeddings")
	require.Len(t, reqs, 3, "batches of 128")
	var body struct {
		Model      string   `json:"model"`
		Input      []string `json:"input"`
		Dimensions int      `json:"dimensions"`
	}
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	require.Equal(t, "text-embedding-3-small", body.Model)
	require.Equal(t, 64, body.Dimensions)
	require.Len(t, body.Input, 128)
	require.Equal(t, " ", body.Input[5], "an empty text is sent as a space")
	require.Equal(t, strings.TrimSpace(texts[1]), body.Input[1])

	t.Run("ServerDown", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		e, err := b.client.Embedder("text-embedding-3-small", 8)
		require.NoError(t, err)
		vecs, err := e.Embed(context.Background(), []string{"hello"})
		require.NoError(t, err)
		require.Len(t, vecs[0], 8)
		b.fake.FailNext(http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusServiceUnavailable)
		_, err = e.Embed(context.Background(), []string{"hello"})
		require.ErrorIs(t, err, ai.ErrProviderFailed)
	})
}

func TestTranscribe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.Transcript(" Can I book a cleaning on Friday? ")
	audio := []byte("OggS\x00fake opus voice note")
	text, err := b.client.Transcriber("whisper-1").Transcribe(context.Background(), strings.NewReader(string(audio)), "audio/ogg; codecs=opus")
	require.NoError(t, err)
	require.Equal(t, "Can I book a cleaning on Friday?", text)
	reqs := b.fake.Requests("/v1/audio/transcriptions")
	require.Len(t, reqs, 1)
	require.Equal(t, "whisper-1", reqs[0].Form["model"])
	require.Equal(t, "json", reqs[0].Form["response_format"])
	require.Equal(t, "voice.ogg", reqs[0].FileName, "the API tells the format by the extension")
	require.Equal(t, audio, reqs[0].File)

	t.Run("RetriedUploadSendsTheWholeFile", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.fake.FailNext(http.StatusInternalServerError)
		_, err := b.client.Transcriber("whisper-1").Transcribe(context.Background(), strings.NewReader("RIFF....WAVE"), "audio/wav")
		require.NoError(t, err)
		reqs := b.fake.Requests("/v1/audio/transcriptions")
		require.Len(t, reqs, 2)
		require.Equal(t, []byte("RIFF....WAVE"), reqs[1].File)
		require.Equal(t, "voice.wav", reqs[1].FileName)
	})
}

func TestErrorsWrapProviderFailed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fake.FailNext(http.StatusInternalServerError, http.StatusInternalServerError, http.StatusInternalServerError)
	_, err := b.client.Transcriber("whisper-1").Transcribe(context.Background(), strings.NewReader("x"), "audio/ogg")
	require.True(t, errors.Is(err, ai.ErrProviderFailed))
}
