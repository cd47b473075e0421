package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/ai/openaicompat/openaitest"
	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/knowledge"
)

// openAIConfig points every chat capability at the fake.
func openAIConfig(f *openaitest.Fake) config.OpenAI {
	return config.OpenAI{APIKey: openaitest.Key, BaseURL: f.BaseURL(), ChatModel: "gpt-fake", ClassifyModel: "gpt-fake-small",
		ExtractModel: "gpt-fake-small", TranscribeModel: "whisper-1", Timeout: 5 * time.Second, Retries: 1, MaxTokens: 500}
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// modelPipeline runs the pipeline with the models cfg picks, and a price list in the
// knowledge base.
func modelPipeline(t *testing.T, cfg config.OpenAI) *pipelinetest.Pipeline {
	t.Helper()
	m, err := newModels(cfg, &lazyVoice{log: quietLog()}, quietLog())
	require.NoError(t, err)
	p := pipelinetest.New(t, func(_ *pipelinetest.Pipeline, opts *pipelinetest.Options) {
		opts.Classifier, opts.Drafter, opts.Extractor = m.classifier, m.drafter, m.extractor
	})
	kb, err := knowledge.NewStore()
	require.NoError(t, err)
	_, err = kb.AddText(context.Background(), p.Pool, p.Workspace.ID, "Prices", "A check-up costs £45.")
	require.NoError(t, err)
	return p
}

// draftOf waits for the draft answering the only message of phone's conversation.
func draftOf(t *testing.T, p *pipelinetest.Pipeline, phone, text string) (content, provider string) {
	t.Helper()
	_, err := p.Conv.Ingest(context.Background(), channels.Inbound{WorkspaceID: p.Workspace.ID, Channel: channels.SMS, Phone: phone, Text: text})
	require.NoError(t, err)
	q := `SELECT d.content, d.provider FROM drafts d JOIN messages m ON m.workspace_id = d.workspace_id AND m.id = d.message_id
		WHERE d.workspace_id = $1 AND m.text = $2`
	pipelinetest.Eventually(t, func() bool {
		return p.Count(t, `SELECT count(*) FROM drafts d JOIN messages m ON m.workspace_id = d.workspace_id AND m.id = d.message_id
			WHERE d.workspace_id = $1 AND m.text = $2`, p.Workspace.ID, text) == 1
	}, "the message is drafted")
	require.NoError(t, p.Pool.QueryRow(context.Background(), q, p.Workspace.ID, text).Scan(&content, &provider))
	return content, provider
}

func TestModelsOffline(t *testing.T) {
	t.Parallel()
	m, err := newModels(config.OpenAI{ChatModel: "gpt-4o-mini"}, &lazyVoice{log: quietLog()}, quietLog())
	require.NoError(t, err)
	require.Equal(t, ai.OfflineDrafter{}, m.drafter, "no key and no base URL: offline")
	require.Nil(t, m.embedder)
}

func TestPipelineDraftsWithTheModel(t *testing.T) {
	t.Parallel()
	fake := openaitest.New(t)
	fake.Reply("classify", `{"intent": "ask_price", "confidence": 0.91}`)
	fake.Reply("draft", `{"reply": "Hi! A check-up costs £45.", "needs_human": false, "cited_sources": [1]}`)
	p := modelPipeline(t, openAIConfig(fake))

	content, provider := draftOf(t, p, "+447700900601", "How much is a check-up?")
	require.Equal(t, "Hi! A check-up costs £45.", content)
	require.Equal(t, "openai:gpt-fake", provider)

	var models []string
	var draftPrompt string
	for _, r := range fake.Requests("/v1/chat/completions") {
		var body struct {
			Model    string `json:"model"`
			Messages []struct {
				Role, Content string
			} `json:"messages"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		models = append(models, body.Model)
		if body.Model == "gpt-fake" {
			draftPrompt = body.Messages[0].Content
		}
	}
	require.Equal(t, []string{"gpt-fake-small", "gpt-fake"}, models, "classified, then drafted; a price question needs no extraction")
	require.Contains(t, draftPrompt, "[1] Prices")
	require.Contains(t, draftPrompt, "A check-up costs £45.", "the knowledge base's passage is in the prompt")
	require.Contains(t, draftPrompt, "Acme Dental")

	// The next message of the conversation carries the first as history.
	fake.Reply("draft", `{"reply": "You're welcome!", "needs_human": false, "cited_sources": []}`)
	fake.Reply("classify", `{"intent": "thanks_goodbye", "confidence": 0.95}`)
	_, provider = draftOf(t, p, "+447700900601", "Thanks a lot")
	require.Equal(t, "openai:gpt-fake", provider)
	reqs := fake.Requests("/v1/chat/completions")
	last := string(reqs[len(reqs)-1].Body)
	require.Contains(t, last, `"role":"user","content":"How much is a check-up?"`)
}

// With the embedding model down, a question is still answered: without sources, so the
// draft hands it to a person.
func TestPipelineAnswersWhenEmbeddingsFail(t *testing.T) {
	t.Parallel()
	fake := openaitest.New(t)
	fake.FailNext(503, 503, 503, 503, 503, 503)
	cfg := config.OpenAI{APIKey: openaitest.Key, BaseURL: fake.BaseURL(), EmbeddingModel: "text-embedding-3-small", EmbeddingDim: 64,
		Timeout: 5 * time.Second, Retries: 1, MaxTokens: 500}
	m, err := newModels(cfg, &lazyVoice{log: quietLog()}, quietLog())
	require.NoError(t, err)
	p := pipelinetest.New(t, func(_ *pipelinetest.Pipeline, opts *pipelinetest.Options) { opts.Embedder = m.embedder })

	content, provider := draftOf(t, p, "+447700900603", "Do you take walk-ins?")
	require.Equal(t, ai.OfflineProviderID, provider)
	require.Contains(t, content, "check with the team")
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM drafts WHERE workspace_id = $1 AND needs_human`, p.Workspace.ID))
	require.Len(t, fake.Requests("/v1/embeddings"), 2, "the query's embedding was tried twice")
}

func TestPipelineFallsBackWhenTheModelFails(t *testing.T) {
	t.Parallel()
	fake := openaitest.New(t)
	fake.FailNext(500, 500, 500, 500, 500, 500, 500, 500)
	p := modelPipeline(t, openAIConfig(fake))

	content, provider := draftOf(t, p, "+447700900602", "How much is a check-up?")
	require.Equal(t, ai.OfflineProviderID, provider, "the draft says the offline drafter made it")
	require.Contains(t, content, "£45", "the offline drafter answers from the same passage")
	require.Len(t, fake.Requests("/v1/chat/completions"), 4, "classify and draft, each tried twice")
}

// A new embedding model starts with no vectors: until every chunk of a workspace has
// one, its search keeps using the old model's vectors; then it moves to the new ones at
// once. Moving back to a model of the OpenAI-compatible API works the same way.
func TestEmbeddingModelChange(t *testing.T) {
	t.Parallel()
	fake := openaitest.New(t)
	cfg := openAIConfig(fake)
	cfg.EmbeddingModel, cfg.EmbeddingDim = "text-embedding-3-small", 64
	m, err := newModels(cfg, &lazyVoice{log: quietLog()}, quietLog())
	require.NoError(t, err)
	p := pipelinetest.New(t, nil)
	ctx := context.Background()

	offline, err := knowledge.NewStore()
	require.NoError(t, err)
	_, err = offline.AddText(ctx, p.Pool, p.Workspace.ID, "Parking", "Free parking behind the building.\n\nBikes go in the yard.")
	require.NoError(t, err)

	kb, err := m.knowledgeStore(0)
	require.NoError(t, err)
	st, err := kb.Status(ctx, p.Pool, p.Workspace.ID)
	require.NoError(t, err)
	require.True(t, st.Reindexing())
	require.Equal(t, "offline-hash-v1", st.Searching)
	require.Equal(t, 0, st.Embedded)
	res, err := kb.Search(ctx, p.Pool, p.Workspace.ID, "yard", 3)
	require.NoError(t, err, "chunks of another model and dimension do not break the search")
	require.Len(t, res, 1)
	require.Equal(t, "both", res[0].Matched, "the old model's vectors still answer while re-indexing")
	require.Empty(t, fake.Requests("/v1/embeddings"), "the query was embedded by the old model")

	n, err := kb.EmbedMissing(ctx, p.Pool)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the backfill re-embeds every chunk with the new model")
	require.Equal(t, 2, p.Count(t, `SELECT count(*) FROM kb_chunks WHERE workspace_id = $1 AND embedding_model = 'text-embedding-3-small/64' AND vector_dims(embedding) = 64`, p.Workspace.ID))
	require.Equal(t, 0, p.Count(t, `SELECT count(*) FROM kb_reindex`))
	require.Equal(t, 1, p.Count(t, `SELECT count(*) FROM pg_indexes WHERE indexname = 'kb_chunks_text_embedding_3_small_64_idx'`),
		"the new model has its own HNSW index")
	st, err = kb.Status(ctx, p.Pool, p.Workspace.ID)
	require.NoError(t, err)
	require.False(t, st.Reindexing())
	require.Equal(t, 2, st.Embedded)

	// The fake's vectors of equal texts are equal: the chunk's own text is its nearest.
	res, err = kb.Search(ctx, p.Pool, p.Workspace.ID, "Parking\nParking\nBikes go in the yard.", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res)
	require.Equal(t, "Bikes go in the yard.", res[0].Content)
	require.Equal(t, "both", res[0].Matched)
	require.InDelta(t, 1.0, res[0].Similarity, 1e-4)

	// Another model of the same API: searches keep using text-embedding-3-small/64,
	// rebuilt from its name, until the new vectors are all there.
	cfg.EmbeddingModel, cfg.EmbeddingDim = "text-embedding-3-large", 32
	m2, err := newModels(cfg, &lazyVoice{log: quietLog()}, quietLog())
	require.NoError(t, err)
	kb2, err := m2.knowledgeStore(0)
	require.NoError(t, err)
	res, err = kb2.Search(ctx, p.Pool, p.Workspace.ID, "Parking\nParking\nBikes go in the yard.", 3)
	require.NoError(t, err)
	require.NotEmpty(t, res)
	require.InDelta(t, 1.0, res[0].Similarity, 1e-4, "searched with the 64-dimension vectors")
	_, err = kb2.EmbedMissing(ctx, p.Pool)
	require.NoError(t, err)
	require.Equal(t, 2, p.Count(t, `SELECT count(*) FROM kb_chunks WHERE workspace_id = $1 AND vector_dims(embedding) = 32`, p.Workspace.ID))
}
