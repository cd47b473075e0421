// Package openaitest is a fake OpenAI-compatible API on 127.0.0.1 for tests to point
// go-openai at: it records every request, answers chat completions with the content a
// test gives per response schema, embeds deterministically, transcribes uploads with a
// given text, and fails or hangs on demand.
package openaitest

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Key is the API key the fake accepts.
const Key = "sk-openaitest"

// Request is one request the fake received.
type Request struct {
	Path string
	// Body is the JSON body (chat, embeddings).
	Body json.RawMessage
	// Form and File are a transcription's multipart fields and its uploaded file.
	Form     map[string]string
	FileName string
	File     []byte
}

// Fake is the API.
type Fake struct {
	*httptest.Server

	mu       sync.Mutex
	requests []Request
	replies  map[string]string // response schema name -> message content
	fail     []int             // statuses for the next requests
	hang     bool
	text     string
	release  chan struct{}
}

// New starts a fake; it stops when the test ends.
func New(t testing.TB) *Fake {
	f := &Fake{replies: map[string]string{}, text: "I would like to book a cleaning tomorrow", release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.chat)
	mux.HandleFunc("POST /v1/embeddings", f.embeddings)
	mux.HandleFunc("POST /v1/audio/transcriptions", f.transcribe)
	f.Server = httptest.NewServer(f.guard(mux))
	t.Cleanup(func() {
		close(f.release)
		f.Close()
	})
	return f
}

// BaseURL is the API root to configure the client with.
func (f *Fake) BaseURL() string { return f.URL + "/v1" }

// Reply makes chat completions asked for the JSON schema named schema ("classify",
// "extract", "draft") answer with content.
func (f *Fake) Reply(schema, content string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[schema] = content
}

// Transcript sets what transcriptions answer.
func (f *Fake) Transcript(text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.text = text
}

// FailNext answers the next requests with these HTTP statuses, in order.
func (f *Fake) FailNext(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, statuses...)
}

// Hang makes every request wait until its client gives up (or the test ends).
func (f *Fake) Hang() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hang = true
}

// Requests lists the requests received on path (e.g. "/v1/chat/completions").
func (f *Fake) Requests(path string) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// guard checks the key, records the request, and fails or hangs when told to.
func (f *Fake) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+Key {
			apiError(w, http.StatusUnauthorized, "invalid_api_key", "Incorrect API key provided")
			return
		}
		req := Request{Path: r.URL.Path}
		if r.Header.Get("Content-Type") == "application/json" {
			b, err := io.ReadAll(r.Body)
			if err != nil || !json.Valid(b) {
				apiError(w, http.StatusBadRequest, "invalid_json", "body is not JSON")
				return
			}
			req.Body = b
		} else {
			if err := r.ParseMultipartForm(32 << 20); err != nil {
				apiError(w, http.StatusBadRequest, "invalid_form", err.Error())
				return
			}
			req.Form = map[string]string{}
			for k, v := range r.MultipartForm.Value {
				req.Form[k] = v[0]
			}
			if file, hdr, err := r.FormFile("file"); err == nil {
				req.FileName = hdr.Filename
				req.File, _ = io.ReadAll(file)
				_ = file.Close()
			}
		}
		f.mu.Lock()
		f.requests = append(f.requests, req)
		hang, status := f.hang, 0
		if len(f.fail) > 0 {
			status, f.fail = f.fail[0], f.fail[1:]
		}
		f.mu.Unlock()
		if hang {
			select {
			case <-r.Context().Done():
			case <-f.release:
			}
			return
		}
		if status != 0 {
			apiError(w, status, "fake_failure", http.StatusText(status))
			return
		}
		r = r.WithContext(withRequest(r.Context(), req))
		next.ServeHTTP(w, r)
	})
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "fake", "code": code}})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *Fake) chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model          string `json:"model"`
		ResponseFormat struct {
			JSONSchema struct {
				Name string `json:"name"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	_ = json.Unmarshal(requestOf(r.Context()).Body, &body)
	f.mu.Lock()
	content, ok := f.replies[body.ResponseFormat.JSONSchema.Name]
	f.mu.Unlock()
	if !ok {
		apiError(w, http.StatusBadRequest, "no_reply", "the test gave no reply for schema "+body.ResponseFormat.JSONSchema.Name)
		return
	}
	reply(w, map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "model": body.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	})
}

func (f *Fake) embeddings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model      string   `json:"model"`
		Input      []string `json:"input"`
		Dimensions int      `json:"dimensions"`
	}
	if err := json.Unmarshal(requestOf(r.Context()).Body, &body); err != nil || body.Dimensions <= 0 {
		apiError(w, http.StatusBadRequest, "invalid_request", "input must be strings and dimensions positive")
		return
	}
	data := make([]any, len(body.Input))
	for i, in := range body.Input {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": Vector(in, body.Dimensions)}
	}
	reply(w, map[string]any{"object": "list", "model": body.Model, "data": data})
}

// Vector is the fake's embedding of text: a unit vector that depends only on the text.
func Vector(text string, dim int) []float32 {
	v := make([]float32, dim)
	var norm float64
	for i := range v {
		h := fnv.New32a()
		_, _ = h.Write([]byte{byte(i), byte(i >> 8)})
		_, _ = h.Write([]byte(text))
		x := float64(h.Sum32())/math.MaxUint32 - 0.5
		v[i] = float32(x)
		norm += x * x
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(norm))
	}
	return v
}

func (f *Fake) transcribe(w http.ResponseWriter, r *http.Request) {
	req := requestOf(r.Context())
	if req.Form["model"] == "" || len(req.File) == 0 {
		apiError(w, http.StatusBadRequest, "invalid_request", "model and file are required")
		return
	}
	f.mu.Lock()
	text := f.text
	f.mu.Unlock()
	reply(w, map[string]any{"text": text})
}
