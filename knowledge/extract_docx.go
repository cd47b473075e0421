package knowledge

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxDocxXML bounds the uncompressed size of a DOCX's text: a small zip may inflate to
// gigabytes (a zip bomb).
const maxDocxXML = 50 << 20

// docxDocument opens word/document.xml of a DOCX, refusing what would inflate too far.
func docxDocument(data []byte) (io.ReadCloser, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w: not a DOCX file (%w)", ErrUnreadable, err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		if f.UncompressedSize64 > maxDocxXML {
			return nil, fmt.Errorf("knowledge: %w: the DOCX's text inflates to %d MB, over the %d MB limit",
				ErrTooLarge, f.UncompressedSize64>>20, maxDocxXML>>20)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("knowledge: %w: DOCX: %w", ErrUnreadable, err)
		}
		return rc, nil
	}
	return nil, fmt.Errorf("knowledge: %w: the DOCX has no word/document.xml", ErrUnreadable)
}

// docxBlocks reads the paragraphs of a DOCX; paragraphs styled Title or HeadingN make
// the heading path.
func docxBlocks(data []byte) ([]block, error) {
	rc, err := docxDocument(data)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// archive/zip refuses to inflate past the declared size, which was checked.
	dec := xml.NewDecoder(rc)
	var out []block
	var path []string
	var text strings.Builder
	level := 0
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("knowledge: %w: DOCX: %w", ErrUnreadable, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				text.Reset()
				level = 0
			case "pStyle":
				level = headingStyleLevel(attr(t, "val"))
			case "t":
				inText = true
			case "tab":
				text.WriteByte('\t')
			case "br", "cr":
				text.WriteByte(' ')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				p := strings.Join(strings.Fields(text.String()), " ")
				if p == "" {
					continue
				}
				if level > 0 {
					path = withHeading(path, level, p)
				} else {
					out = append(out, block{path: path, text: p})
				}
			}
		case xml.CharData:
			if inText {
				text.Write(t)
			}
		}
	}
	return out, nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// headingStyleLevel is 1 for "Title" or "Heading1", 2 for "Heading2" and so on; 0 for
// any other style.
func headingStyleLevel(style string) int {
	s := strings.ToLower(strings.ReplaceAll(style, " ", ""))
	if s == "title" {
		return 1
	}
	if rest, ok := strings.CutPrefix(s, "heading"); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= 9 {
			return n
		}
	}
	return 0
}
