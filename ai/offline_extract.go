package ai

import (
	"regexp"
	"strings"
)

var sentenceEnd = regexp.MustCompile(`(?m)[.!?](\s+|$)|\n+`) //nolint:gochecknoglobals // compiled once

var stopwords = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"a": true, "an": true, "the": true, "is": true, "are": true, "do": true, "does": true, "you": true,
	"your": true, "i": true, "me": true, "my": true, "we": true, "can": true, "to": true, "of": true,
	"for": true, "in": true, "on": true, "at": true, "what": true, "how": true, "and": true, "or": true,
	"it": true, "be": true, "have": true, "hi": true, "hello": true, "please": true, "there": true,
}

// extract returns the sentences of the best source that share the most content words
// with the question, or "" when no source shares any.
func extract(question string, sources []Source) string {
	terms := contentWords(question)
	if len(terms) == 0 {
		return ""
	}
	best, bestScore := "", 0
	for _, src := range sources {
		for _, s := range splitSentences(src.Content) {
			score := 0
			words := contentWords(s)
			for t := range terms {
				if words[t] {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = s, score
			}
		}
	}
	if bestScore == 0 {
		return ""
	}
	return best
}

func splitSentences(text string) []string {
	var out []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		if s := strings.TrimSpace(text[last:m[1]]); s != "" {
			out = append(out, s)
		}
		last = m[1]
	}
	if s := strings.TrimSpace(text[last:]); s != "" {
		out = append(out, s)
	}
	return out
}

// contentWords is the set of non-stopwords, crudely stemmed so "cleanings" meets "cleaning".
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(normalise(s)) {
		w = strings.Trim(w, "'")
		if len(w) < 3 || stopwords[w] {
			continue
		}
		out[strings.TrimSuffix(w, "s")] = true
	}
	return out
}
