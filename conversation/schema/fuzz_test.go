package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/frontdesk/frontdesk/conversation/schema"
)

// FuzzParse feeds schema definitions of any shape to the parser, then values of any
// shape to the schema it accepts: nothing may panic, an accepted schema reads back the
// same after being written out, every value a field accepts is accepted again as it was
// stored, and completion stays a percentage.
func FuzzParse(f *testing.F) {
	templates, _ := filepath.Glob("templates/*.json")
	for _, name := range templates {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, []byte(`{"budget": "250000", "bedrooms": 3, "area": "north", "move_in": "2027-01-15"}`))
	}
	f.Add([]byte(`{"fields": [{"key": "a", "label": "A", "type": "number", "min": 1, "max": 0}]}`), []byte(`{"a": 1e309}`))
	f.Add([]byte(`{"fields": [{"key": "b", "label": "B", "type": "text", "pattern": "(a+)+$"}]}`), []byte(`{"b": "aaaa!"}`))
	f.Add([]byte(`{"fields": [{"key": "c", "label": "C", "type": "single_choice", "options": [{"value": "x"}],
		"depends_on": {"field": "c", "values": ["x"]}}]}`), []byte(`{"c": ["x"]}`))
	f.Fuzz(func(t *testing.T, raw, rawValues []byte) {
		s, err := schema.Parse(raw)
		if err != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("an accepted schema does not write out: %v", err)
		}
		again, err := schema.Parse(out)
		if err != nil {
			t.Fatalf("an accepted schema, written out, is refused: %v\n%s", err, out)
		}
		if a, _ := json.Marshal(again); string(a) != string(out) {
			t.Fatalf("the schema changed on the way round:\n%s\n%s", out, a)
		}

		var values map[string]any
		if json.Unmarshal(rawValues, &values) != nil {
			return
		}
		kept := map[string]any{}
		for _, field := range s.Fields {
			v, err := field.Check(values[field.Key], "GB")
			if err != nil {
				continue
			}
			// What is stored goes through JSON (a jsonb column) and must pass again.
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("field %s: accepted value %#v does not write out: %v", field.Key, v, err)
			}
			var stored any
			if err := json.Unmarshal(b, &stored); err != nil {
				t.Fatal(err)
			}
			if _, err := field.Check(stored, "GB"); err != nil {
				t.Fatalf("field %s (%s): accepted %#v, refused it as stored (%s): %v", field.Key, field.Type, v, b, err)
			}
			kept[field.Key] = stored
		}
		if c := s.Completion(kept); c < 0 || c > 100 {
			t.Fatalf("completion %d is not a percentage", c)
		}
		_ = s.Missing(kept)
		_ = s.Score(kept)
	})
}
