package voice

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

const (
	sentenceStart = "<s>"
	sentenceEnd   = "</s>"
)

// trigrams holds the counts of a corpus's 1-, 2- and 3-grams, each keyed by its words
// joined with spaces (words never contain one).
type trigrams struct {
	counts [3]map[string]int
	// after[k] maps a history of k+1 words to how many tokens and distinct words
	// followed it; Witten–Bell needs both.
	after [2]map[string]*follow
}

type follow struct{ tokens, types int }

// countTrigrams counts the n-grams of sentences, each wrapped in <s> and </s>.
func countTrigrams(sents [][]string) *trigrams {
	t := &trigrams{}
	for i := range t.counts {
		t.counts[i] = map[string]int{}
	}
	for i := range t.after {
		t.after[i] = map[string]*follow{}
	}
	for _, s := range sents {
		toks := make([]string, 0, len(s)+2)
		toks = append(append(append(toks, sentenceStart), s...), sentenceEnd)
		for i := 1; i < len(toks); i++ {
			for n := 1; n <= 3 && i-n+1 >= 0; n++ {
				gram := strings.Join(toks[i-n+1:i+1], " ")
				if n > 1 {
					hist := strings.Join(toks[i-n+1:i], " ")
					f := t.after[n-2][hist]
					if f == nil {
						f = &follow{}
						t.after[n-2][hist] = f
					}
					f.tokens++
					if t.counts[n-1][gram] == 0 {
						f.types++
					}
				}
				t.counts[n-1][gram]++
			}
		}
	}
	return t
}

// arpaModel is an interpolated Witten–Bell trigram model in backoff form: prob[k] holds
// log10 P(w | h) for every (k+1)-gram seen, backoff[k] the log10 weight of every seen
// history of k+1 words.
//
// Witten–Bell gives a history h with c tokens and T distinct words after it
// P(w|h) = (c(h,w) + T·P(w|h')) / (c + T), h' being h without its oldest word. For a word
// never seen after h that is T/(c+T)·P(w|h'), so T/(c+T) is exactly the ARPA backoff
// weight and the stored probabilities plus the backed-off ones sum to 1.
type arpaModel struct {
	prob    [3]map[string]float64
	backoff [2]map[string]float64
}

func (t *trigrams) model() *arpaModel {
	m := &arpaModel{}
	for i := range m.prob {
		m.prob[i] = map[string]float64{}
	}
	for i := range m.backoff {
		m.backoff[i] = map[string]float64{}
	}
	// Unigrams interpolate with the uniform distribution over the V predictable words
	// (all but <s>). All of them are seen, so T = V and (c + T/V)/(N + T) is (c+1)/(N+V).
	total, vocab := 0, len(t.counts[0])
	for _, c := range t.counts[0] {
		total += c
	}
	uni := make(map[string]float64, vocab)
	for w, c := range t.counts[0] {
		uni[w] = float64(c+1) / float64(total+vocab)
	}
	bi := func(v, w string) float64 { // interpolated P(w|v) for any v, w
		f := t.after[0][v]
		if f == nil {
			return uni[w]
		}
		return (float64(t.counts[1][v+" "+w]) + float64(f.types)*uni[w]) / float64(f.tokens+f.types)
	}
	for w, p := range uni {
		m.prob[0][w] = p
	}
	for g := range t.counts[1] {
		v, w, _ := strings.Cut(g, " ")
		m.prob[1][g] = bi(v, w)
	}
	for g, c := range t.counts[2] {
		i := strings.LastIndexByte(g, ' ')
		hist, w := g[:i], g[i+1:]
		_, v, _ := strings.Cut(hist, " ")
		f := t.after[1][hist]
		m.prob[2][g] = (float64(c) + float64(f.types)*bi(v, w)) / float64(f.tokens+f.types)
	}
	for k := range t.after {
		for h, f := range t.after[k] {
			m.backoff[k][h] = float64(f.types) / float64(f.tokens+f.types)
		}
	}
	return m
}

// writeARPA writes the model in the ARPA text format pocketsphinx reads: counts in
// \data\, then each order's log10 probability, n-gram and log10 backoff weight.
func (m *arpaModel) writeARPA(w io.Writer) error {
	bw := bufio.NewWriter(w)
	ngrams := [3][]string{}
	for k := range m.prob {
		ngrams[k] = make([]string, 0, len(m.prob[k])+1)
		for g := range m.prob[k] {
			ngrams[k] = append(ngrams[k], g)
		}
	}
	// <s> is never predicted, but the format lists it so it can carry its backoff.
	ngrams[0] = append(ngrams[0], sentenceStart)
	fmt.Fprintf(bw, "\\data\\\n")
	for k := range ngrams {
		slices.Sort(ngrams[k])
		fmt.Fprintf(bw, "ngram %d=%d\n", k+1, len(ngrams[k]))
	}
	for k := range ngrams {
		fmt.Fprintf(bw, "\n\\%d-grams:\n", k+1)
		for _, g := range ngrams[k] {
			lp := -99.0 // log10 of zero by the format's convention
			if p, ok := m.prob[k][g]; ok {
				lp = math.Log10(p)
			}
			if k < 2 {
				if bo, ok := m.backoff[k][g]; ok {
					fmt.Fprintf(bw, "%.6f\t%s\t%.6f\n", lp, g, math.Log10(bo))
					continue
				}
			}
			fmt.Fprintf(bw, "%.6f\t%s\n", lp, g)
		}
	}
	fmt.Fprintf(bw, "\n\\end\\\n")
	return bw.Flush()
}
