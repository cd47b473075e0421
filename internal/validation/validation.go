// Package validation is the error a form or an API body gets when some of its fields
// are wrong: one message per field, so a page can show each next to its field.
package validation

import (
	"errors"
	"sort"
	"strings"
)

// ErrInvalid matches every validation Error.
var ErrInvalid = errors.New("invalid input")

// Error says what is wrong with each field, by field name.
type Error map[string]string

func (e Error) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes an Error match ErrInvalid.
func (e Error) Unwrap() error { return ErrInvalid }
