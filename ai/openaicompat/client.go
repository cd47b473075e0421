// Package openaicompat is frontdesk's OpenAI-compatible model provider: chat completions
// with JSON-schema output for classifying, extracting and drafting, embeddings for the
// knowledge base, and Whisper transcription. It talks to OpenAI, DeepSeek, Ollama, vLLM
// or llama.cpp's server through go-openai, with a base URL and a model per capability.
//
// Every call has a timeout per attempt and is retried, with bounded backoff, on 429 and
// 5xx answers. Its errors wrap ai.ErrProviderFailed; package fallback turns them into
// the offline provider's answers.
package openaicompat

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/frontdesk/frontdesk/ai"
)

// Options configure a Client. Zero values take the defaults.
type Options struct {
	APIKey string
	// BaseURL is the API's root, e.g. http://127.0.0.1:11434/v1 for Ollama; empty is OpenAI.
	BaseURL    string
	HTTPClient *http.Client
	// Timeout bounds one attempt (default 20s).
	Timeout time.Duration
	// Retries is how many more attempts follow a 429 or 5xx (default 0: set it).
	Retries int
	// Backoff is the wait before the first retry (default 500ms); it doubles each time,
	// up to MaxBackoff (default 8s), with jitter.
	Backoff, MaxBackoff time.Duration
	// MaxTokens bounds each completion (default 1000).
	MaxTokens int
}

// Client is a connection to one OpenAI-compatible API.
type Client struct {
	api  *openai.Client
	opts Options
}

// New returns a Client; it makes no request.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 8 * time.Second
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 1000
	}
	cfg := openai.DefaultConfig(opts.APIKey)
	if opts.BaseURL != "" {
		cfg.BaseURL = opts.BaseURL
	}
	if opts.HTTPClient != nil {
		cfg.HTTPClient = opts.HTTPClient
	}
	return &Client{api: openai.NewClientWithConfig(cfg), opts: opts}
}

// call runs one API call with a timeout per attempt, retrying 429 and 5xx answers.
func (c *Client) call(ctx context.Context, what string, f func(ctx context.Context) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		err = f(actx)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		if timedOut {
			return fmt.Errorf("openai: %s: no answer within %s: %w", what, c.opts.Timeout, errors.Join(ai.ErrProviderFailed, err))
		}
		if attempt >= c.opts.Retries || !retryable(err) || ctx.Err() != nil {
			break
		}
		wait := min(c.opts.Backoff<<attempt, c.opts.MaxBackoff)
		wait = wait/2 + rand.N(wait/2+1) // jitter, so clients that failed together do not retry together
		select {
		case <-ctx.Done():
			return fmt.Errorf("openai: %s: %w", what, errors.Join(ai.ErrProviderFailed, ctx.Err()))
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("openai: %s: %w", what, errors.Join(ai.ErrProviderFailed, err))
}

// retryable is whether an error is the API asking to be called again later.
func retryable(err error) bool {
	code := 0
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		code = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		code = reqErr.HTTPStatusCode
	}
	return code == http.StatusTooManyRequests || code >= 500
}

// badOutput is an answer that arrived but cannot be used.
func badOutput(what string, format string, args ...any) error {
	return fmt.Errorf("openai: %s: %w: %s", what, ai.ErrProviderFailed, fmt.Sprintf(format, args...))
}
