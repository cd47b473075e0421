package voice

import (
	"strings"
	"unicode"
)

// WER is the word error rate of hypothesis against reference: the fewest word
// substitutions, insertions and deletions that turn one into the other, divided by the
// number of reference words. Both are lower-cased and stripped of punctuation first
// (apostrophes inside words stay: "i'd" is one word). An empty reference scores 0
// against an empty hypothesis and 1 against anything else, so the rate stays finite.
func WER(reference, hypothesis string) float64 {
	ref, hyp := werWords(reference), werWords(hypothesis)
	if len(ref) == 0 {
		if len(hyp) == 0 {
			return 0
		}
		return 1
	}
	return float64(editDistance(ref, hyp)) / float64(len(ref))
}

// editDistance is the word-level Levenshtein distance, kept to two rows of the table.
func editDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// werWords lower-cases s and splits it into words at anything but letters, digits and
// apostrophes inside a word.
func werWords(s string) []string {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	out := fields[:0]
	for _, f := range fields {
		if f = strings.Trim(f, "'"); f != "" {
			out = append(out, f)
		}
	}
	return out
}
