package knowledge

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMarkdownBlocks(t *testing.T) {
	t.Parallel()
	blocks := markdownBlocks("# Clinic guide\n\nIntro **text** with a [link](http://x).\n\n## Prices\n\n- Cleaning: £65\n- Whitening: £250\n\n" +
		"### Children\n\nUnder 16s are free.\n\n## Parking\n\nStreet parking.\n\n```\ncode stays\n```\n")
	require.Equal(t, []block{
		{path: []string{"Clinic guide"}, text: "Intro text with a link."},
		{path: []string{"Clinic guide", "Prices"}, text: "• Cleaning: £65\n• Whitening: £250"},
		{path: []string{"Clinic guide", "Prices", "Children"}, text: "Under 16s are free."},
		{path: []string{"Clinic guide", "Parking"}, text: "Street parking."},
		{path: []string{"Clinic guide", "Parking"}, text: "code stays"},
	}, blocks)
}

func TestHTMLBlocks(t *testing.T) {
	t.Parallel()
	page := `<html><head><title>T</title><style>p{color:red}</style><script>var secret = 1;</script></head><body>
		<header><a href="/">Home</a> <nav>Menu Book now</nav></header>
		<main><h1>Our prices</h1><p>A <b>cleaning</b> costs £65.</p><p>Whitening
		starts at £250.</p><h2>Insurance</h2><ul><li>Bupa</li><li>AXA</li></ul></main>
		<footer>© 2026 Clinic</footer><script>track()</script></body></html>`
	blocks, err := htmlBlocks([]byte(page))
	require.NoError(t, err)
	require.Equal(t, []block{
		{path: []string{"Our prices"}, text: "A cleaning costs £65."},
		{path: []string{"Our prices"}, text: "Whitening starts at £250."},
		{path: []string{"Our prices", "Insurance"}, text: "Bupa"},
		{path: []string{"Our prices", "Insurance"}, text: "AXA"},
	}, blocks)
}

func TestCSVBlocks(t *testing.T) {
	t.Parallel()
	t.Run("WithHeader", func(t *testing.T) {
		blocks, err := csvBlocks([]byte("\xef\xbb\xbfAnswer,Question\n\"We open at 9, every day.\",When do you open?\n,Empty answer\nYes.,Do you take cards?\n"))
		require.NoError(t, err)
		require.Equal(t, []block{
			{path: []string{"When do you open?"}, text: "We open at 9, every day.", whole: true},
			{path: []string{"Do you take cards?"}, text: "Yes.", whole: true},
		}, blocks)
	})
	t.Run("WithoutHeader", func(t *testing.T) {
		blocks, err := csvBlocks([]byte("Is there parking?,Yes on the street.\n"))
		require.NoError(t, err)
		require.Len(t, blocks, 1)
		require.Equal(t, []string{"Is there parking?"}, blocks[0].path)
	})
	t.Run("NoRows", func(t *testing.T) {
		_, err := csvBlocks([]byte("question,answer\n"))
		require.ErrorIs(t, err, ErrUnreadable)
	})
}

// docx builds a minimal DOCX whose document.xml holds the given paragraphs; a
// paragraph "Heading1:Text" is styled as a heading.
func docx(t *testing.T, paras ...string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paras {
		style, text, ok := strings.Cut(p, ":")
		if !ok {
			text, style = p, ""
		}
		body.WriteString("<w:p>")
		if style != "" {
			body.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
		}
		// Word splits a paragraph into runs anywhere.
		half := len(text) / 2
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:t>%s</w:t></w:r></w:p>`, text[:half], text[half:])
	}
	return zipOf(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types/>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	})
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestDocxBlocks(t *testing.T) {
	t.Parallel()
	t.Run("HeadingsAndParagraphs", func(t *testing.T) {
		blocks, err := docxBlocks(docx(t, "Title:Staff handbook", "Welcome to the team.", "Heading2:Holidays", "You get 25 days."))
		require.NoError(t, err)
		require.Equal(t, []block{
			{path: []string{"Staff handbook"}, text: "Welcome to the team."},
			{path: []string{"Staff handbook", "Holidays"}, text: "You get 25 days."},
		}, blocks)
	})
	t.Run("NotAZip", func(t *testing.T) {
		_, err := docxBlocks([]byte("PK but not really"))
		require.ErrorIs(t, err, ErrUnreadable)
	})
	t.Run("NoDocumentXML", func(t *testing.T) {
		_, err := docxBlocks(zipOf(t, map[string]string{"hello.txt": "hi"}))
		require.ErrorIs(t, err, ErrUnreadable)
		require.ErrorContains(t, err, "word/document.xml")
	})
	t.Run("ZipBombDeclared", func(t *testing.T) {
		bomb := zipOf(t, map[string]string{"word/document.xml": "<w:document>" + strings.Repeat(" ", maxDocxXML+1) + "</w:document>"})
		require.Less(t, len(bomb), 1<<20, "compresses well")
		_, err := docxBlocks(bomb)
		require.ErrorIs(t, err, ErrTooLarge)
	})
	t.Run("ZipBombLyingAboutItsSize", func(t *testing.T) {
		content := []byte("<w:document>" + strings.Repeat(" ", maxDocxXML+1) + "</w:document>")
		var compressed bytes.Buffer
		fw, err := flate.NewWriter(&compressed, flate.BestCompression)
		require.NoError(t, err)
		_, err = fw.Write(content)
		require.NoError(t, err)
		require.NoError(t, fw.Close())
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content),
			CompressedSize64: uint64(compressed.Len()), UncompressedSize64: 1000})
		require.NoError(t, err)
		_, err = w.Write(compressed.Bytes())
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		_, err = docxBlocks(buf.Bytes())
		require.ErrorIs(t, err, ErrUnreadable, "archive/zip stops at the declared size, which passed the check")
	})
}

// pdfWith builds a one-page PDF showing each line of text (none: a page without text).
func pdfWith(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestPDFText(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (scripts/setup.sh installs poppler-utils)")
	}
	ctx := context.Background()
	t.Run("Text", func(t *testing.T) {
		text, err := pdfText(ctx, pdfWith("Emergency appointments cost 90 pounds.", "We keep slots free every morning."))
		require.NoError(t, err)
		require.Contains(t, text, "Emergency appointments cost 90 pounds.")
		require.Contains(t, text, "slots free")
	})
	t.Run("Broken", func(t *testing.T) {
		_, err := pdfText(ctx, []byte("%PDF-1.4\nthis is not really a pdf\n"))
		require.ErrorIs(t, err, ErrUnreadable)
	})
	t.Run("Encrypted", func(t *testing.T) {
		// testdata/encrypted.pdf: pdfWith's output through qpdf --encrypt userpw ownerpw 256.
		data, err := os.ReadFile("testdata/encrypted.pdf")
		require.NoError(t, err)
		require.NoError(t, check("pdf", data), "it looks like a PDF")
		_, err = pdfText(ctx, data)
		require.ErrorIs(t, err, ErrUnreadable)
		require.ErrorContains(t, err, "the PDF is encrypted")
	})
	t.Run("NoTextLayer", func(t *testing.T) {
		_, err := pdfText(ctx, pdfWith())
		require.ErrorIs(t, err, ErrUnreadable)
		require.ErrorContains(t, err, "no text layer")
	})
}

func TestChunkBlocks(t *testing.T) {
	t.Parallel()
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	t.Run("GroupsParagraphsUnderOneHeading", func(t *testing.T) {
		chunks := chunkBlocks([]block{
			{path: []string{"A"}, text: "one."}, {path: []string{"A"}, text: "two."},
			{path: []string{"A", "B"}, text: "three."},
		})
		require.Equal(t, []Chunk{
			{Position: 0, HeadingPath: []string{"A"}, Content: "one.\n\ntwo."},
			{Position: 1, HeadingPath: []string{"A", "B"}, Content: "three."},
		}, chunks)
		require.Equal(t, "A › B", chunks[1].Heading())
	})
	t.Run("BudgetStartsANewChunk", func(t *testing.T) {
		chunks := chunkBlocks([]block{{text: words(150, "a")}, {text: words(100, "b")}})
		require.Len(t, chunks, 2)
	})
	t.Run("LongParagraphIsCutIntoOverlappingWindows", func(t *testing.T) {
		var ws []string
		for i := range 500 {
			ws = append(ws, fmt.Sprintf("w%d", i))
		}
		chunks := chunkBlocks([]block{{path: []string{"H"}, text: strings.Join(ws, " ")}})
		require.Len(t, chunks, 3)
		for i, c := range chunks {
			require.Equal(t, i, c.Position)
			require.LessOrEqual(t, len(strings.Fields(c.Content)), chunkWords)
			require.Equal(t, []string{"H"}, c.HeadingPath)
		}
		require.True(t, strings.HasPrefix(chunks[1].Content, "w170 "), "the second window repeats the first's last 30 words")
		require.True(t, strings.HasSuffix(chunks[2].Content, "w499"))
	})
	t.Run("FAQRowsStayWhole", func(t *testing.T) {
		chunks := chunkBlocks([]block{{path: []string{"Q1?"}, text: "A1.", whole: true}, {path: []string{"Q1?"}, text: "A2.", whole: true}})
		require.Len(t, chunks, 2)
	})
}

func TestDetectKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		data       []byte
		kind       string
	}{
		{"Markdown", "guide.MD", []byte("# hi"), "markdown"},
		{"PDFByExtension", "a.pdf", []byte("%PDF-1.4"), "pdf"},
		{"PDFBySniffing", "upload", []byte("%PDF-1.4\n..."), "pdf"},
		{"HTMLBySniffing", "page", []byte("<!DOCTYPE html><html><p>x"), "html"},
		{"TextBySniffing", "notes", []byte("plain words"), "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := detectKind(tc.file, tc.data)
			require.NoError(t, err)
			require.Equal(t, tc.kind, k)
		})
	}
	_, err := detectKind("photo.png", []byte("\x89PNG\r\n\x1a\n"))
	require.ErrorIs(t, err, ErrUnsupported)
}
