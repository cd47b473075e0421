package openaicompat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sashabaranov/go-openai"
)

// Embedder turns texts into vectors with an embedding model. It implements
// knowledge.Embedder. It has no offline fallback: vectors of two models cannot share
// an index, so a failure is returned (the knowledge jobs retry it).
type Embedder struct {
	c     *Client
	model string
	dim   int
}

// embedBatch is how many texts go in one request (OpenAI takes up to 2048).
const embedBatch = 128

// Embedder returns an embedder that asks model for vectors of dim dimensions.
func (c *Client) Embedder(model string, dim int) (*Embedder, error) {
	if model == "" || dim <= 0 {
		return nil, fmt.Errorf("openai: embedding model %q of dimension %d", model, dim)
	}
	return &Embedder{c: c, model: model, dim: dim}, nil
}

// Model names the vectors' space: the model and the dimension, since one model gives
// vectors of several sizes, and those must not mix.
func (e *Embedder) Model() string { return e.model + "/" + strconv.Itoa(e.dim) }

// Dim is the vectors' length.
func (e *Embedder) Dim() int { return e.dim }

// Embed returns one vector per text, in order.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += embedBatch {
		batch := texts[start:min(start+embedBatch, len(texts))]
		input := make([]string, len(batch))
		for i, t := range batch {
			// The API refuses an empty input.
			if input[i] = strings.TrimSpace(t); input[i] == "" {
				input[i] = " "
			}
		}
		var resp openai.EmbeddingResponse
		err := e.c.call(ctx, "embed", func(ctx context.Context) error {
			var err error
			resp, err = e.c.api.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
				Input: input, Model: openai.EmbeddingModel(e.model), Dimensions: e.dim,
				EncodingFormat: openai.EmbeddingEncodingFormatFloat,
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		vecs := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(batch) || vecs[d.Index] != nil {
				return nil, badOutput("embed", "vector index %d for %d texts", d.Index, len(batch))
			}
			if len(d.Embedding) != e.dim {
				return nil, badOutput("embed", "a vector of %d dimensions, not %d", len(d.Embedding), e.dim)
			}
			vecs[d.Index] = d.Embedding
		}
		for i, v := range vecs {
			if v == nil {
				return nil, badOutput("embed", "no vector for text %d", start+i)
			}
		}
		out = append(out, vecs...)
	}
	return out, nil
}
