package main

import (
	"log/slog"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/ai/fallback"
	"github.com/frontdesk/frontdesk/ai/openaicompat"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/knowledge"
)

// models are the AI capabilities the pipeline and the knowledge base use.
type models struct {
	classifier  conversation.Classifier
	drafter     conversation.Drafter
	extractor   conversation.Extractor
	transcriber conversation.Transcriber
	// fields fills context fields with the extraction model; nil reads them offline.
	fields tracking.FieldExtractor
	// embedder is nil for the offline one, which knowledge picks by itself.
	embedder knowledge.Embedder
	// earlier rebuilds the embedder of a model named "<model>/<dim>" that workspaces may
	// still search with while they are re-indexed; nil without an OpenAI-compatible API.
	earlier func(name string) (knowledge.SearchModel, bool)
}

// openAIMinSimilarity is the cosine similarity a chunk found only by a remote model's
// vector needs. Such models score unrelated texts higher than the offline embedder does
// (0.05 is fitted to it); this value is a starting point, not a measurement.
const openAIMinSimilarity = 0.3

// newModels picks each capability's provider: offline, or, when an OpenAI-compatible
// API is configured and the capability has a model, that model with the offline
// provider as its fallback. offlineVoice is the offline transcriber.
func newModels(cfg config.OpenAI, offlineVoice conversation.Transcriber, log *slog.Logger) (models, error) {
	m := models{classifier: ai.OfflineClassifier{}, drafter: ai.OfflineDrafter{}, extractor: ai.OfflineExtractor{}, transcriber: offlineVoice}
	if !cfg.Enabled() {
		return m, nil
	}
	client := openaicompat.New(openaicompat.Options{
		APIKey: cfg.APIKey, BaseURL: cfg.BaseURL,
		Timeout: cfg.Timeout, Retries: cfg.Retries, MaxTokens: cfg.MaxTokens,
	})
	log = log.With("component", "models")
	if cfg.ClassifyModel != "" {
		m.classifier = fallback.Classifier{Primary: client.Classifier(cfg.ClassifyModel), Backup: m.classifier, Log: log}
	}
	if cfg.ChatModel != "" {
		m.drafter = fallback.Drafter{Primary: client.Drafter(cfg.ChatModel), Backup: m.drafter, Log: log}
	}
	if cfg.ExtractModel != "" {
		m.extractor = fallback.Extractor{Primary: client.Extractor(cfg.ExtractModel), Backup: m.extractor, Log: log}
		m.fields = client.FieldExtractor(cfg.ExtractModel) // tracking falls back to offline by itself
	}
	if cfg.TranscribeModel != "" {
		m.transcriber = fallback.Transcriber{Primary: client.Transcriber(cfg.TranscribeModel), Backup: offlineVoice, Log: log}
	}
	m.earlier = func(name string) (knowledge.SearchModel, bool) {
		model, dim, ok := strings.Cut(name, "/")
		n, err := strconv.Atoi(dim)
		if !ok || err != nil {
			return knowledge.SearchModel{}, false
		}
		e, err := client.Embedder(model, n)
		if err != nil {
			return knowledge.SearchModel{}, false
		}
		return knowledge.SearchModel{Embedder: e, MinSimilarity: openAIMinSimilarity}, true
	}
	if cfg.EmbeddingModel != "" {
		e, err := client.Embedder(cfg.EmbeddingModel, cfg.EmbeddingDim)
		if err != nil {
			return m, err
		}
		m.embedder = e
	}
	log.Info("OpenAI-compatible models", "classify", cfg.ClassifyModel, "draft", cfg.ChatModel, "extract", cfg.ExtractModel,
		"embed", cfg.EmbeddingModel, "transcribe", cfg.TranscribeModel)
	return m, nil
}

// knowledgeStore is the knowledge base with the models' embedder; efSearch is its
// HNSW candidate list (0: knowledge's default).
func (m models) knowledgeStore(efSearch int) (*knowledge.Store, error) {
	if m.embedder == nil {
		return knowledge.New(knowledge.Options{Earlier: m.earlier, EfSearch: efSearch})
	}
	return knowledge.New(knowledge.Options{Embedder: m.embedder, MinSimilarity: openAIMinSimilarity, Earlier: m.earlier, EfSearch: efSearch})
}
