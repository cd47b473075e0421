// Package sqlset loads named SQL queries from a .sql file into a struct, so queries live
// in .sql files beside the package that owns them and a missing one fails at start-up.
//
// A file holds blocks that each start with a "-- name: Name" line. Load fills every
// string field of the target whose name matches a block, and fails when a field has no
// block or a block has no field.
package sqlset

import (
	"fmt"
	"reflect"
	"strings"
)

// Parse splits src into its named blocks.
func Parse(src string) (map[string]string, error) {
	out := map[string]string{}
	name := ""
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		q := strings.TrimSpace(body.String())
		if q == "" {
			return fmt.Errorf("sqlset: query %s is empty", name)
		}
		if _, dup := out[name]; dup {
			return fmt.Errorf("sqlset: query %s defined twice", name)
		}
		out[name] = q
		return nil
	}
	for _, line := range strings.Split(src, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return nil, err
			}
			name = strings.TrimSpace(rest)
			body.Reset()
			continue
		}
		if name != "" {
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// Load fills the string fields of the struct dst points to from src.
func Load(dst any, src string) error {
	blocks, err := Parse(src)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("sqlset: Load needs a pointer to a struct, got %T", dst)
	}
	v = v.Elem()
	used := map[string]bool{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		q, ok := blocks[f.Name]
		if !ok {
			return fmt.Errorf("sqlset: no query named %s", f.Name)
		}
		v.Field(i).SetString(q)
		used[f.Name] = true
	}
	for name := range blocks {
		if !used[name] {
			return fmt.Errorf("sqlset: query %s has no field", name)
		}
	}
	return nil
}
