package voice

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// pronunciations maps each word of a CMU-format dictionary to its lines, alternates
// ("word(2) ...") included.
type pronunciations map[string][]string

func readDict(path string) (pronunciations, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("voice: pronunciation dictionary: %w", err)
	}
	defer f.Close()
	d := pronunciations{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		head, _, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, ";;;") {
			continue
		}
		if i := strings.IndexByte(head, '('); i > 0 {
			head = head[:i]
		}
		d[head] = append(d[head], line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("voice: read %s: %w", path, err)
	}
	if len(d) == 0 {
		return nil, fmt.Errorf("voice: %s holds no pronunciations", path)
	}
	return d, nil
}

// write writes the pronunciations of words only: the decoder loads the whole
// dictionary it is given, and 134,000 words it can never output only slow it down.
func (d pronunciations) write(w io.Writer, words []string) error {
	bw := bufio.NewWriter(w)
	for _, word := range words {
		for _, line := range d[word] {
			fmt.Fprintln(bw, line)
		}
	}
	return bw.Flush()
}

// known keeps the sentences the decoder can say. A sentence with more than a third of
// its words missing from the dictionary is dropped: in the training texts those are
// mostly other languages. Otherwise it is cut at each missing word, as if the speaker
// paused there, rather than inventing the word pair that removing it would create.
func (d pronunciations) known(sents [][]string) [][]string {
	var out [][]string
	for _, s := range sents {
		missing := 0
		for _, w := range s {
			if d[w] == nil {
				missing++
			}
		}
		if missing*3 > len(s) {
			continue
		}
		start := 0
		for i := 0; i <= len(s); i++ {
			if i == len(s) || d[s[i]] == nil {
				if i > start {
					out = append(out, s[start:i])
				}
				start = i + 1
			}
		}
	}
	return out
}
