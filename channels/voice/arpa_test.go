package voice

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// parsedARPA is an ARPA file read back the way a decoder reads it.
type parsedARPA struct {
	declared [3]int
	logp     map[string]float64
	logbo    map[string]float64
	orders   [3][]string
}

func parseARPA(t *testing.T, r io.Reader) *parsedARPA {
	t.Helper()
	p := &parsedARPA{logp: map[string]float64{}, logbo: map[string]float64{}}
	sc := bufio.NewScanner(r)
	section := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
		case line == `\data\`, line == `\end\`:
			section = line
		case strings.HasPrefix(line, `\`) && strings.HasSuffix(line, "-grams:"):
			section = line
		case section == `\data\`:
			var n, c int
			_, err := fmt.Sscanf(line, "ngram %d=%d", &n, &c)
			require.NoError(t, err, line)
			p.declared[n-1] = c
		default:
			k := int(section[1] - '1')
			f := strings.Split(line, "\t")
			require.Len(t, strings.Fields(f[1]), k+1, line)
			lp, err := strconv.ParseFloat(f[0], 64)
			require.NoError(t, err, line)
			p.logp[f[1]] = lp
			p.orders[k] = append(p.orders[k], f[1])
			if len(f) == 3 {
				bo, err := strconv.ParseFloat(f[2], 64)
				require.NoError(t, err, line)
				p.logbo[f[1]] = bo
			}
		}
	}
	require.NoError(t, sc.Err())
	require.Equal(t, `\end\`, section)
	return p
}

// prob is P(w | hist) by the ARPA backoff rule.
func (p *parsedARPA) prob(hist []string, w string) float64 {
	if len(hist) == 0 {
		return math.Pow(10, p.logp[w])
	}
	if lp, ok := p.logp[strings.Join(append(slices.Clone(hist), w), " ")]; ok {
		return math.Pow(10, lp)
	}
	bo := p.logbo[strings.Join(hist, " ")] // 0, a weight of 1, when absent
	return math.Pow(10, bo) * p.prob(hist[1:], w)
}

func TestARPA(t *testing.T) {
	t.Parallel()
	sents := sentences("i want to book a cleaning\ni want a cleaning on tuesday\nbook me in on tuesday at ten\ncan i book\n")
	m := countTrigrams(sents).model()
	var buf bytes.Buffer
	require.NoError(t, m.writeARPA(&buf))
	p := parseARPA(t, &buf)

	t.Run("CountsMatch", func(t *testing.T) {
		t.Parallel()
		for k := range 3 {
			require.Equal(t, p.declared[k], len(p.orders[k]), "ngram %d", k+1)
		}
		// 13 words, </s> and <s>.
		require.Equal(t, 15, p.declared[0])
		require.Equal(t, 22, p.declared[1], "distinct bigrams with <s> and </s>")
		require.Contains(t, p.logp, "<s> i want")
		require.Contains(t, p.logp, "tuesday at")
		require.InDelta(t, -99, p.logp["<s>"], 0)
	})

	t.Run("Normalises", func(t *testing.T) {
		t.Parallel()
		var vocab []string
		for _, w := range p.orders[0] {
			if w != "<s>" {
				vocab = append(vocab, w)
			}
		}
		histories := [][]string{
			{}, {"<s>"}, {"book"}, {"i"}, {"</s>"},
			{"<s>", "i"}, {"i", "want"}, {"book", "a"},
			{"cleaning", "book"}, // never seen together: backs off twice
			{"tuesday", "i"},     // an unseen bigram whose last word is a history
		}
		for _, h := range histories {
			sum := 0.0
			for _, w := range vocab {
				sum += p.prob(h, w)
			}
			require.InDelta(t, 1, sum, 1e-4, "history %q", h)
		}
	})

	t.Run("SeenBeatsUnseen", func(t *testing.T) {
		t.Parallel()
		require.Greater(t, p.prob([]string{"on"}, "tuesday"), p.prob([]string{"on"}, "cleaning"))
		require.Greater(t, p.prob([]string{"want", "to"}, "book"), p.prob([]string{"want", "to"}, "ten"))
	})
}
