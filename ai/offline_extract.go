package ai

import (
	"regexp"
	"strings"
)

// A sentence ends at . ! or ?, at a blank line, or at a line break before a list item.
// A single line break inside a paragraph is hard wrapping, not an end.
var (
	sentenceEnd = regexp.MustCompile(`[.!?](\s+|$)|\n\s*\n`)                                               //nolint:gochecknoglobals // compiled once
	listItem    = regexp.MustCompile(`\n\s*([-*•]|\d+[.)])\s+`)                                            //nolint:gochecknoglobals // compiled once
	money       = regexp.MustCompile(`[£$€]\s?\d|\d\s?(€|eur|usd|gbp|dollars?|pounds?|euros?)\b|\bfree\b`) //nolint:gochecknoglobals // compiled once
)

var stopwords = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"a": true, "an": true, "the": true, "is": true, "are": true, "do": true, "does": true, "you": true,
	"your": true, "i": true, "me": true, "my": true, "we": true, "can": true, "to": true, "of": true,
	"for": true, "in": true, "on": true, "at": true, "what": true, "how": true, "and": true, "or": true,
	"it": true, "be": true, "have": true, "hi": true, "hello": true, "please": true, "there": true,
}

// framing words say what kind of answer is wanted ("how much", "is there any"), not what
// it is about, so a passage need not contain them.
var framing = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"much": true, "cost": true, "price": true, "charge": true, "expensive": true, "cheap": true,
	"any": true, "get": true, "need": true, "want": true, "would": true, "like": true, "could": true,
	"will": true, "should": true, "which": true, "who": true, "when": true, "where": true, "why": true,
	"there": true, "this": true, "that": true, "with": true, "from": true, "about": true, "just": true,
	"know": true, "tell": true, "wondering": true, "question": true, "thank": true, "thanks": true,
	"also": true, "yes": true, "not": true, "dont": true, "don't": true, "i'm": true, "im": true,
	"use": true, "still": true, "into": true, "one": true, "some": true, "does": true, "did": true,
	// Where and how a customer asks rather than what about.
	"nearby": true, "near": true, "close": true, "around": true, "offer": true, "provide": true,
	"available": true, "pay": true, "take": true, "go": true, "goe": true, "come": true, "leave": true,
	"happen": true, "make": true, "possible": true, "allowed": true, "able": true, "okay": true,
	// The business itself.
	"clinic": true, "practice": true, "office": true, "place": true, "shop": true, "salon": true,
	"business": true, "here": true,
}

// asksAmount is the framing that asks for a price, so the answer must state one.
var asksAmount = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"much": true, "cost": true, "price": true, "charge": true, "expensive": true, "cheap": true, "fee": true,
}

// synonyms are words customers use for what businesses write another way. Each word
// maps to its group's first word.
var synonyms = func() map[string]string { //nolint:gochecknoglobals // read-only table
	groups := [][]string{
		{"child", "children", "kid", "son", "daughter", "baby", "toddler"},
		{"car", "park", "parking", "drive", "driving"},
		{"extraction", "extract", "pulled", "removed", "removal"},
		{"phone", "call", "ring", "telephone"},
		{"bicycle", "bike", "cycle", "cycling"},
		{"railway", "train", "rail"},
		{"estimate", "quote", "quotation"},
		{"open", "opening", "hour"},
		{"card", "debit", "credit", "contactless"},
		{"record", "note", "notes", "file"},
		{"nervous", "anxious", "scared", "afraid", "fear", "phobia"},
		{"wheelchair", "accessible", "accessibility", "ramp", "disabled"},
		{"spread", "instalment", "installment", "monthly", "finance"},
		{"cancel", "cancellation", "cancelled", "cancelling"},
		{"late", "lateness"},
		{"new", "register", "registered", "join"},
		{"address", "located", "location", "road", "street", "avenue", "lane", "postcode"},
		{"emergency", "urgent", "hurt", "pain", "toothache", "ache"},
	}
	m := map[string]string{}
	for _, g := range groups {
		for _, w := range g {
			m[stem(w)] = stem(g[0])
		}
	}
	return m
}()

// stem folds plurals and -ing/-ed forms crudely so "cleanings" meets "cleaning" and
// "eating" meets "eat"; "bus" and "glass" keep their s.
func stem(w string) string {
	w = strings.Trim(w, "'")
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		return w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 5:
		return w[:len(w)-2]
	}
	return w
}

// contentWords is the set of stemmed non-stopwords of s.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(normalise(s)) {
		if stopwords[w] {
			continue
		}
		if w = stem(w); len(w) < 3 || stopwords[w] {
			continue
		}
		out[w] = true
	}
	return out
}

// topicWords are a question's content words less its framing: what a passage must be
// about to answer it.
func topicWords(question string) []string {
	var out []string
	for w := range contentWords(question) {
		if !framing[w] {
			out = append(out, w)
		}
	}
	return out
}

// mentions reports whether a passage's words cover term: the word itself, a synonym, or
// a longer or shorter form of it ("special" for "specialist").
func mentions(words map[string]bool, term string) bool {
	if words[term] {
		return true
	}
	if g, ok := synonyms[term]; ok {
		for w := range words {
			if synonyms[w] == g {
				return true
			}
		}
	}
	if len(term) < 5 {
		return false
	}
	for w := range words {
		if len(w) >= 5 && (strings.HasPrefix(w, term) || strings.HasPrefix(term, w)) {
			return true
		}
		if len(term) >= 6 && oneEdit(w, term) {
			return true // a typo: "whitenning"
		}
	}
	return false
}

// oneEdit reports whether a and b differ by one inserted, deleted or changed letter.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+min(1, len(a)-i):] == b[i+min(1, len(b)-i):]
	}
	return a[i:] == b[i+1:]
}

// passage is a sentence of a source with what it may be read together with.
type passage struct {
	text string
	// context is the sentence's words with its heading's and, in a FAQ entry, its question's.
	context map[string]bool
	rank    int
}

// passages splits the sources into sentences. A sentence that leans on the one before
// ("He speaks Polish.") carries it along, and a FAQ entry's answer carries its question
// as context.
func passages(sources []Source) []passage {
	var out []passage
	for rank, src := range sources {
		sentences := splitSentences(src.Content)
		var question string
		for i, s := range sentences {
			if strings.HasSuffix(s, "?") {
				question = s
				continue
			}
			text := s
			if len(strings.Fields(s)) <= 2 && i+1 < len(sentences) {
				text += " " + sentences[i+1] // "Yes." says nothing alone
			}
			for j := i - 1; j >= 0 && j >= i-2 && leansBack(sentences[j+1]) && !strings.HasSuffix(sentences[j], "?"); j-- {
				text = sentences[j] + " " + text
			}
			ctx := contentWords(text + " " + src.Heading + " " + question)
			out = append(out, passage{text: text, context: ctx, rank: rank})
		}
	}
	return out
}

// leansBack reports whether a sentence begins with a word that refers to the one before.
func leansBack(s string) bool {
	first, _, _ := strings.Cut(strings.ToLower(s), " ")
	switch first {
	case "he", "she", "they", "it", "this", "these", "that", "his", "her", "their", "its":
		return true
	}
	return false
}

// answer returns the passage of the sources that answers question and the number of
// its source (from 1), or "" and 0 when none covers what it asks about. A passage must
// mention every topic word of a short question and two thirds of a longer one's; a
// question of how much needs a price in it.
func answer(question, intent string, sources []Source) (string, int) {
	terms := topicWords(question)
	need := len(terms)
	if need > 2 {
		need = (2*len(terms) + 2) / 3
	}
	if len(terms) == 0 {
		// "Where are you?" names no topic: any passage on where, or when, is about it.
		if intent != IntentLocation && intent != IntentHours {
			return "", 0
		}
		terms, need = strings.Fields(intentTerms[intent]), 1
	}
	amount := false
	for w := range contentWords(question) {
		amount = amount || asksAmount[w]
	}
	best, bestHits, bestRank := "", 0, len(sources)
	for _, p := range passages(sources) {
		if amount && !money.MatchString(strings.ToLower(p.text)) {
			continue
		}
		hits := 0
		for _, t := range terms {
			if mentions(p.context, t) {
				hits++
			}
		}
		if hits >= need && (hits > bestHits || hits == bestHits && p.rank < bestRank) {
			best, bestHits, bestRank = p.text, hits, p.rank
		}
	}
	if best == "" {
		return "", 0
	}
	return best, bestRank + 1
}

func splitSentences(text string) []string {
	text = listItem.ReplaceAllString(text, "\n\n$1 ")
	var out []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		if s := strings.Join(strings.Fields(text[last:m[1]]), " "); s != "" {
			out = append(out, s)
		}
		last = m[1]
	}
	if s := strings.Join(strings.Fields(text[last:]), " "); s != "" {
		out = append(out, s)
	}
	return out
}
