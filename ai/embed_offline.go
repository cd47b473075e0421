package ai

import (
	"context"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Offline embedding model: its name is stored beside every vector it makes, so vectors of
// other models never mix with its own.
const (
	OfflineEmbedModel = "offline-hash-v1"
	OfflineEmbedDim   = 512
)

// OfflineEmbedder turns text into vectors with no model and no network: word unigrams,
// word bigrams and character 3- to 5-grams of each word are hashed into OfflineEmbedDim
// signed buckets, weighted by sublinear term frequency, and L2-normalised. Character
// n-grams let "whitening" meet "whitenning" and "park" meet "parking"; it knows no
// synonyms. The same text always gives the same vector. The zero value is ready to use.
type OfflineEmbedder struct {
	// Name and Dimensions make another model of the same kind (zero: offline-hash-v1 of
	// OfflineEmbedDim): to exercise a change of embedding model, and for benchmarks that
	// must not touch the real model's vectors.
	Name       string
	Dimensions int
}

// Model names the vectors' space.
func (e OfflineEmbedder) Model() string {
	if e.Name == "" {
		return OfflineEmbedModel
	}
	return e.Name
}

// Dim is the vectors' length.
func (e OfflineEmbedder) Dim() int {
	if e.Dimensions <= 0 {
		return OfflineEmbedDim
	}
	return e.Dimensions
}

// Embed returns one unit vector per text; a text with no words gives the zero vector.
func (e OfflineEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = e.embed(t)
	}
	return out, nil
}

// Feature groups are normalised separately, then weighted: whole words say most, word
// pieces catch spelling and inflection, bigrams reward phrases.
const (
	weightWords   = 1.0
	weightChars   = 0.8
	weightBigrams = 0.5
)

func (e OfflineEmbedder) embed(text string) []float32 {
	words := embedWords(text)
	uni, bi, chars := map[string]int{}, map[string]int{}, map[string]int{}
	prev := ""
	for _, w := range words {
		if embedStopwords[w] {
			prev = ""
			continue
		}
		uni[w]++
		if prev != "" {
			bi[prev+" "+w]++
		}
		prev = w
		r := []rune("<" + w + ">")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(r); i++ {
				chars[string(r[i:i+n])]++
			}
		}
	}
	dim := e.Dim()
	v := make([]float64, dim)
	addGroup(v, "w", uni, weightWords)
	addGroup(v, "c", chars, weightChars)
	addGroup(v, "b", bi, weightBigrams)
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, dim)
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// addGroup adds one feature group, as a unit vector scaled by weight, into v. Each
// feature lands in a bucket chosen by its hash, with a sign from another bit of the hash
// so that collisions cancel out on average instead of piling up.
func addGroup(v []float64, prefix string, counts map[string]int, weight float64) {
	if len(counts) == 0 {
		return
	}
	g := make([]float64, len(v))
	for f, n := range counts {
		h := fnv.New64a()
		h.Write([]byte(prefix))
		h.Write([]byte{0})
		h.Write([]byte(f))
		sum := h.Sum64()
		tf := 1 + math.Log(float64(n))
		if sum>>63 == 1 {
			tf = -tf
		}
		g[sum%uint64(len(v))] += tf
	}
	var norm float64
	for _, x := range g {
		norm += x * x
	}
	if norm == 0 {
		return
	}
	scale := weight / math.Sqrt(norm)
	for i, x := range g {
		v[i] += x * scale
	}
}

// embedWords lower-cases text and splits it into runs of letters and digits; an
// apostrophe inside a word is dropped ("what's" is "whats").
func embedWords(text string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			flush()
		}
	}
	flush()
	return words
}

// embedStopwords carry no meaning of their own in a customer's question.
//
//nolint:gochecknoglobals // read-only table
var embedStopwords = embedWordSet(`a an and are as at be been but by can could do does did for from
	have has had how i if in into is it its me my of on or our so than that the their them then there
	these they this to too us was we were what when where which who why will with would you your yours
	am any about im ive id please hi hello`)

func embedWordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
