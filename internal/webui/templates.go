package webui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Templates are a surface's pages, parsed once at start-up: each page file is parsed
// together with the shared layout, so a missing or broken view fails start-up.
type Templates struct {
	pages map[string]*template.Template
}

// ParseTemplates parses every *.html page in dir of fsys; files starting with "_" are
// partials included in every page.
func ParseTemplates(fsys fs.FS, dir string, assets *Assets) (*Templates, error) {
	funcs := template.FuncMap{
		"asset": assets.Path,
		"time":  func(t time.Time) string { return t.Format("Jan 2, 15:04") },
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"pct":   func(f float32) string { return fmt.Sprintf("%.0f%%", f*100) },
		"bytes": humanBytes,
		"pct64": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"has":   slices.Contains[[]string],
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("webui: templates: %w", err)
	}
	var partials []string
	for _, e := range entries {
		if e.Name()[0] == '_' {
			partials = append(partials, path.Join(dir, e.Name()))
		}
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, e := range entries {
		if e.Name()[0] == '_' {
			continue
		}
		files := append([]string{path.Join(dir, e.Name())}, partials...)
		page, err := template.New(e.Name()).Funcs(funcs).ParseFS(fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("webui: parse %s: %w", e.Name(), err)
		}
		t.pages[e.Name()] = page
	}
	return t, nil
}

// Render writes a page, or a named block of it ("page.html#row"), as HTML.
func (t *Templates) Render(c *fiber.Ctx, name string, data any) error {
	page, block := name, ""
	for i := range name {
		if name[i] == '#' {
			page, block = name[:i], name[i+1:]
		}
	}
	tmpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("webui: no template %s", page)
	}
	if block == "" {
		block = page
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("webui: render %s: %w", name, err)
	}
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

// humanBytes writes a file size the way people read it.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
