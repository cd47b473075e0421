package knowledge

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kinds of document the knowledge base reads, with their MIME types.
var kindMIME = map[string]string{ //nolint:gochecknoglobals // read-only table
	"text":     "text/plain",
	"markdown": "text/markdown",
	"html":     "text/html",
	"csv":      "text/csv",
	"docx":     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"pdf":      "application/pdf",
}

var extKind = map[string]string{ //nolint:gochecknoglobals // read-only table
	".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
	".csv": "csv", ".docx": "docx", ".pdf": "pdf",
}

// detectKind tells the kind of an upload from its name, or else from its first bytes.
func detectKind(filename string, data []byte) (string, error) {
	if k, ok := extKind[strings.ToLower(filepath.Ext(filename))]; ok {
		return k, nil
	}
	sniffed := http.DetectContentType(data)
	switch {
	case strings.HasPrefix(sniffed, "application/pdf"):
		return "pdf", nil
	case strings.HasPrefix(sniffed, "text/html"):
		return "html", nil
	case strings.HasPrefix(sniffed, "text/plain"):
		return "text", nil
	}
	return "", fmt.Errorf("knowledge: %q (%s): %w; upload text, Markdown, HTML, CSV (question,answer), DOCX or PDF",
		filename, sniffed, ErrUnsupported)
}

// check is the quick test an upload passes before it is queued, so an obviously broken
// file is refused at once; extraction in the job may still fail.
func check(kind string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("knowledge: %w: the file is empty", ErrUnreadable)
	}
	switch kind {
	case "pdf":
		if !bytes.HasPrefix(data, []byte("%PDF-")) {
			return fmt.Errorf("knowledge: %w: not a PDF file", ErrUnreadable)
		}
	case "docx":
		if _, err := docxDocument(data); err != nil {
			return err
		}
	default:
		if !utf8.Valid(data) {
			return fmt.Errorf("knowledge: %w: the text is not UTF-8; save it as UTF-8 and upload it again", ErrUnreadable)
		}
	}
	return nil
}

// extract reads a document's text as blocks under their headings.
func (s *Store) extract(ctx context.Context, kind string, data []byte) ([]block, error) {
	var blocks []block
	var err error
	switch kind {
	case "text":
		blocks = textBlocks(string(data))
	case "markdown":
		blocks = markdownBlocks(string(data))
	case "html":
		blocks, err = htmlBlocks(data)
	case "csv":
		blocks, err = csvBlocks(data)
	case "docx":
		blocks, err = docxBlocks(data)
	case "pdf":
		var text string
		if text, err = pdfText(ctx, data); err == nil {
			blocks = textBlocks(text)
		}
	default:
		err = fmt.Errorf("knowledge: kind %q: %w", kind, ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("knowledge: %w: no text found in the file", ErrUnreadable)
	}
	return blocks, nil
}

// textBlocks splits plain text into paragraphs at blank lines; lines within a
// paragraph are joined, as PDFs and e-mails wrap them.
func textBlocks(text string) []block {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\f", "\n\n")
	var out []block
	for _, p := range paragraphs(text) {
		out = append(out, block{text: strings.Join(strings.Fields(p), " ")})
	}
	return out
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`) //nolint:gochecknoglobals // read-only pattern
	mdLink    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)    //nolint:gochecknoglobals // read-only pattern
	mdMarks   = regexp.MustCompile("(\\*\\*|__|\\*|`)")          //nolint:gochecknoglobals // read-only pattern
	mdList    = regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s+`)     //nolint:gochecknoglobals // read-only pattern
	mdRule    = regexp.MustCompile(`^\s*([-*_=]\s*){3,}$`)       //nolint:gochecknoglobals // read-only pattern
	mdFence   = regexp.MustCompile("^\\s*(```|~~~)")             //nolint:gochecknoglobals // read-only pattern
)

// markdownBlocks reads ATX headings (# to ######) into the heading path and paragraphs
// as text without Markdown's marks.
func markdownBlocks(src string) []block {
	var out []block
	var path []string
	var para []string
	fenced := false
	flush := func() {
		if t := strings.TrimSpace(strings.Join(para, "\n")); t != "" {
			out = append(out, block{path: path, text: t})
		}
		para = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if mdFence.MatchString(line) {
			fenced = !fenced
			continue
		}
		if fenced {
			para = append(para, line)
			continue
		}
		if m := mdHeading.FindStringSubmatch(line); m != nil {
			flush()
			path = withHeading(path, len(m[1]), inlineMarkdown(m[2]))
			continue
		}
		if strings.TrimSpace(line) == "" || mdRule.MatchString(line) {
			flush()
			continue
		}
		line = mdList.ReplaceAllString(line, "• ")
		para = append(para, inlineMarkdown(strings.TrimLeft(line, "> ")))
	}
	flush()
	return out
}

func inlineMarkdown(s string) string {
	return strings.TrimSpace(mdMarks.ReplaceAllString(mdLink.ReplaceAllString(s, "$1"), ""))
}

// withHeading puts a heading of level (1 is outermost) into path, dropping what was
// under the previous heading of that level.
func withHeading(path []string, level int, heading string) []string {
	if heading == "" {
		return path
	}
	out := make([]string, 0, level)
	out = append(out, path[:min(len(path), level-1)]...)
	return append(out, heading)
}

// csvBlocks reads a FAQ: rows of question,answer, each its own chunk headed by the
// question. A header row naming the columns is optional.
func csvBlocks(data []byte) ([]block, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	qi, ai := 0, 1
	var out []block
	for row := 0; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("knowledge: %w: CSV: %w", ErrUnreadable, err)
		}
		if row == 0 {
			if q, a := column(rec, "question", "q"), column(rec, "answer", "a"); q >= 0 && a >= 0 {
				qi, ai = q, a
				continue
			}
		}
		if len(rec) <= max(qi, ai) {
			continue
		}
		q, a := strings.TrimSpace(rec[qi]), strings.TrimSpace(rec[ai])
		if q == "" || a == "" {
			continue
		}
		out = append(out, block{path: []string{q}, text: a, whole: true})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("knowledge: %w: the CSV has no question,answer rows", ErrUnreadable)
	}
	return out, nil
}

func column(header []string, names ...string) int {
	for i, h := range header {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}
