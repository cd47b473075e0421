package knowledge

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzExtract feeds any bytes as each kind of document (PDF aside: pdftotext is another
// program) through extraction and chunking: it must never panic, and every chunk it
// makes holds text within the budget.
func FuzzExtract(f *testing.F) {
	f.Add("markdown", []byte("# Prices\n\n## Whitening\n\nHome whitening costs £295.\n\n- a list\n- of items\n"))
	f.Add("html", []byte(`<html><head><style>x{}</style><script>evil()</script></head><body><nav>menu</nav><h1>Hours</h1><p>Open 9&ndash;5</p></body></html>`))
	f.Add("csv", []byte("question,answer\n\"Parking?\",\"Behind the library.\"\n\"broken,\"\n"))
	f.Add("text", []byte("line one\nline two\n\n\nnext paragraph"))
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	_, _ = w.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>`))
	_ = zw.Close()
	f.Add("docx", docx.Bytes())
	s := &Store{}
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		switch kind {
		case "text", "markdown", "html", "csv", "docx":
		default:
			return
		}
		blocks, err := s.extract(context.Background(), kind, data)
		if err != nil {
			return
		}
		for _, c := range chunkBlocks(blocks) {
			if strings.TrimSpace(c.Content) == "" {
				t.Fatalf("%s: an empty chunk", kind)
			}
			if n := len(strings.Fields(c.Content)); n > chunkWords && !strings.Contains(kind, "csv") {
				t.Fatalf("%s: a chunk of %d words, over the budget of %d", kind, n, chunkWords)
			}
		}
	})
}
