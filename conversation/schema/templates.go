package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

//go:embed templates/*.json
var templateFiles embed.FS

// Template is a schema to start from, for one kind of business.
type Template struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Schema Schema `json:"schema"`
}

// Templates returns the industry templates, general last.
func Templates() ([]Template, error) {
	entries, err := templateFiles.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	var out []Template
	for _, e := range entries {
		raw, err := templateFiles.ReadFile(path.Join("templates", e.Name()))
		if err != nil {
			return nil, err
		}
		var t struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
		}
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("schema: template %s: %w", e.Name(), err)
		}
		s, err := Parse(t.Schema)
		if err != nil {
			return nil, fmt.Errorf("schema: template %s: %w", e.Name(), err)
		}
		out = append(out, Template{ID: strings.TrimSuffix(e.Name(), ".json"), Name: t.Name, Schema: s})
	}
	slices.SortStableFunc(out, func(a, b Template) int {
		if (a.ID == "general") != (b.ID == "general") {
			if a.ID == "general" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// TemplateByID returns one template.
func TemplateByID(id string) (Template, bool) {
	list, err := Templates()
	if err != nil {
		return Template{}, false
	}
	i := slices.IndexFunc(list, func(t Template) bool { return t.ID == id })
	if i < 0 {
		return Template{}, false
	}
	return list[i], true
}
