package knowledge

import (
	"strings"
	"unicode"
)

// gateStopwords are frequent words that say nothing about a passage's topic.
var gateStopwords = func() map[string]bool { //nolint:gochecknoglobals // read-only table
	m := map[string]bool{}
	for _, w := range strings.Fields(`what when where which there their them they have does doing with your yours
		from this that these those about would could should please hello thanks thank much many some into also
		just like want need know tell than then very been were will shall might must here more most`) {
		m[w] = true
	}
	return m
}()

// sharesStem reports whether a word of the query and a word of text begin with the same
// four letters ("whitning" and "whitening", "park" and "parking"). The offline embedder
// knows spelling, not meaning, so a passage it alone finds is kept only when this holds:
// its nearness is then more than hashing noise.
func sharesStem(query, text string) bool {
	inText := stems(text)
	for s := range stems(query) {
		if inText[s] {
			return true
		}
	}
	return false
}

// stems are the first four letters of each word of four or more that is not a stopword.
func stems(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if r := []rune(w); len(r) >= 4 && !gateStopwords[w] {
			out[string(r[:4])] = true
		}
	}
	return out
}
