package ai_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/ai"
)

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestOfflineEmbedder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var e ai.OfflineEmbedder
	require.Equal(t, "offline-hash-v1", e.Model())
	require.Equal(t, 512, e.Dim())

	embed := func(texts ...string) [][]float32 {
		t.Helper()
		v, err := e.Embed(ctx, texts)
		require.NoError(t, err)
		require.Len(t, v, len(texts))
		return v
	}

	t.Run("UnitLengthAndDeterministic", func(t *testing.T) {
		a := embed("Teeth whitening starts at £250.", "Teeth whitening starts at £250.")
		require.Len(t, a[0], 512)
		require.Equal(t, a[0], a[1])
		var n float64
		for _, x := range a[0] {
			n += float64(x) * float64(x)
		}
		require.InDelta(t, 1, math.Sqrt(n), 1e-5)
		again := embed("Teeth whitening starts at £250.")
		require.Equal(t, a[0], again[0], "the same text gives the same vector across calls")
	})
	t.Run("NoWordsIsTheZeroVector", func(t *testing.T) {
		v := embed("", "  ?! ", "the of and")
		for _, vec := range v {
			for _, x := range vec {
				require.Zero(t, x)
			}
		}
	})
	t.Run("RelatedTextIsCloserThanUnrelated", func(t *testing.T) {
		v := embed("Teeth whitening starts at £250 for a single session.",
			"how much for teeth whitenning", // misspelt, no exact keyword but "teeth"
			"There is paid street parking on Harley Row.",
			"where can I park my car")
		doc, q, parking, park := v[0], v[1], v[2], v[3]
		require.Greater(t, cosine(doc, q), cosine(parking, q)+0.1)
		require.Greater(t, cosine(parking, park), cosine(doc, park)+0.05, "park meets parking through word pieces")
		require.Less(t, math.Abs(cosine(doc, park)), 0.15, "unrelated texts are nearly orthogonal")
	})
	t.Run("WordOrderMattersALittle", func(t *testing.T) {
		v := embed("card payment accepted", "payment card accepted", "dental insurance accepted")
		require.Greater(t, cosine(v[0], v[1]), 0.7)
		require.Less(t, cosine(v[0], v[1]), 0.999, "bigrams tell the orders apart")
		require.Greater(t, cosine(v[0], v[1]), cosine(v[0], v[2]))
	})
	t.Run("Cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := e.Embed(cctx, []string{"hello"})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func BenchmarkOfflineEmbedder(b *testing.B) {
	text := "A routine check-up and cleaning costs £65 and takes 30 minutes. Teeth whitening starts at £250 for a single session, " +
		"and an emergency appointment costs £90; we keep slots free every weekday morning."
	var e ai.OfflineEmbedder
	for b.Loop() {
		_, _ = e.Embed(context.Background(), []string{text})
	}
}
