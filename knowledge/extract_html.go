package knowledge

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlSkip are elements whose text is not the page's content.
var htmlSkip = map[atom.Atom]bool{ //nolint:gochecknoglobals // read-only table
	atom.Script: true, atom.Style: true, atom.Nav: true, atom.Header: true, atom.Footer: true,
	atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Head: true, atom.Form: true,
	atom.Button: true, atom.Iframe: true, atom.Aside: true,
}

// htmlBlockLevel are elements that end a paragraph.
var htmlBlockLevel = map[atom.Atom]bool{ //nolint:gochecknoglobals // read-only table
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Tr: true,
	atom.Td: true, atom.Th: true, atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Blockquote: true, atom.Pre: true,
	atom.Section: true, atom.Article: true, atom.Main: true, atom.Br: true, atom.Hr: true, atom.Body: true,
	atom.Figcaption: true, atom.Address: true,
}

var htmlHeadingLevel = map[atom.Atom]int{ //nolint:gochecknoglobals // read-only table
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

// htmlBlocks reads a page's readable text: headings into the heading path and the
// paragraphs under them, without scripts, styles, navigation, headers and footers.
func htmlBlocks(data []byte) ([]block, error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w: HTML: %w", ErrUnreadable, err)
	}
	w := &htmlWalker{}
	w.walk(doc)
	w.flush()
	return w.out, nil
}

type htmlWalker struct {
	out  []block
	path []string
	text strings.Builder
}

func (w *htmlWalker) flush() {
	if t := strings.Join(strings.Fields(w.text.String()), " "); t != "" {
		w.out = append(w.out, block{path: w.path, text: t})
	}
	w.text.Reset()
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text.WriteString(n.Data)
		return
	case html.ElementNode:
		if htmlSkip[n.DataAtom] {
			return
		}
		if level, ok := htmlHeadingLevel[n.DataAtom]; ok {
			w.flush()
			var h strings.Builder
			collectText(n, &h)
			w.path = withHeading(w.path, level, strings.Join(strings.Fields(h.String()), " "))
			return
		}
		if htmlBlockLevel[n.DataAtom] {
			w.flush()
			defer w.flush()
		} else {
			defer w.text.WriteByte(' ')
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

func collectText(n *html.Node, b *strings.Builder) {
	if n.Type == html.TextNode {
		b.WriteString(n.Data + " ")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		collectText(c, b)
	}
}
