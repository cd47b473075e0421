package knowledge

import (
	"slices"
	"strings"
)

// Chunk is a passage of a document: what search finds and drafts quote.
type Chunk struct {
	Position int
	// HeadingPath is the headings the passage sits under, outermost first; for a FAQ
	// row it is the question.
	HeadingPath []string
	Content     string
}

// Heading is the heading path as one line.
func (c Chunk) Heading() string { return strings.Join(c.HeadingPath, " › ") }

// block is a unit of extracted text: a paragraph under its headings, or a FAQ answer
// that must stay one chunk.
type block struct {
	path  []string
	text  string
	whole bool
}

// Chunking budget in words (about 1.3 tokens each), and the overlap between the windows
// a longer paragraph is cut into.
const (
	chunkWords   = 200
	overlapWords = 30
)

// chunkBlocks groups paragraphs under the same headings into chunks of up to
// chunkWords words, cuts longer paragraphs into overlapping windows, and keeps each
// whole block (a FAQ row) a chunk of its own.
func chunkBlocks(blocks []block) []Chunk {
	var out []Chunk
	var cur []string
	var curPath []string
	words := 0
	emit := func(path []string, text string) {
		out = append(out, Chunk{Position: len(out), HeadingPath: path, Content: text})
	}
	flush := func() {
		if len(cur) > 0 {
			emit(curPath, strings.Join(cur, "\n\n"))
		}
		cur, words = nil, 0
	}
	for _, b := range blocks {
		text := strings.TrimSpace(b.text)
		if text == "" {
			continue
		}
		n := len(strings.Fields(text))
		if !slices.Equal(b.path, curPath) || b.whole || words+n > chunkWords {
			flush()
		}
		curPath = b.path
		if n > chunkWords {
			for _, w := range windows(text) {
				emit(b.path, w)
			}
			continue
		}
		if b.whole {
			emit(b.path, text)
			continue
		}
		cur = append(cur, text)
		words += n
	}
	flush()
	return out
}

// windows cuts a long text into windows of chunkWords words that overlap by
// overlapWords, ending a window at a sentence's end where one is near.
func windows(text string) []string {
	w := strings.Fields(text)
	var out []string
	for start := 0; start < len(w); {
		end := min(start+chunkWords, len(w))
		if end < len(w) {
			for i := end; i > end-overlapWords && i > start+overlapWords; i-- {
				if last := w[i-1]; strings.HasSuffix(last, ".") || strings.HasSuffix(last, "?") || strings.HasSuffix(last, "!") {
					end = i
					break
				}
			}
		}
		out = append(out, strings.Join(w[start:end], " "))
		if end == len(w) {
			break
		}
		start = end - overlapWords
	}
	return out
}

// plainText is what the owner previews: the headings and paragraphs as text.
func plainText(blocks []block) string {
	var b strings.Builder
	var path []string
	for _, bl := range blocks {
		if !slices.Equal(bl.path, path) && len(bl.path) > 0 && !bl.whole {
			b.WriteString(strings.Repeat("#", len(bl.path)) + " " + bl.path[len(bl.path)-1] + "\n\n")
		}
		path = bl.path
		if bl.whole && len(bl.path) > 0 {
			b.WriteString("Q: " + bl.path[len(bl.path)-1] + "\nA: ")
		}
		b.WriteString(strings.TrimSpace(bl.text) + "\n\n")
	}
	return strings.TrimSpace(b.String())
}
