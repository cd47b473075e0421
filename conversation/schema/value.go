package schema

import (
	"errors"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// ErrValue matches every error a value's check returns.
var ErrValue = errors.New("invalid value")

type valueError string

func (e valueError) Error() string { return string(e) }
func (valueError) Unwrap() error   { return ErrValue }

func bad(format string, args ...any) error { return valueError(fmt.Sprintf(format, args...)) }

// Check validates v for the field and returns it in its stored form: numbers as
// float64, dates as "2006-01-02", times as "15:04", date-times as RFC 3339, durations
// as minutes, phones in E.164, choices as their option's value. region is the country
// of local phone numbers. A nil value is always accepted: it clears the field.
func (f Field) Check(v any, region string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case Text, LongText:
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		max := 500.0
		if f.Type == LongText {
			max = 10000
		}
		if err := f.length(s, max); err != nil {
			return nil, err
		}
		return s, f.match(s)
	case Number, Currency, Rating:
		return f.number(v)
	case Boolean:
		return boolean(v)
	case Date:
		return layout(v, "2006-01-02", "a date written YYYY-MM-DD")
	case Time:
		return layout(v, "15:04", "a time written HH:MM")
	case DateTime:
		return dateTime(v)
	case Duration:
		return f.duration(v)
	case SingleChoice:
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		return f.option(s)
	case MultiChoice, Tags:
		return f.list(v)
	case Email:
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return nil, bad("%q is not an e-mail address", s)
		}
		return s, f.match(s)
	case Phone:
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		n, err := phonenumbers.Parse(s, strings.ToUpper(region))
		if err != nil || !phonenumbers.IsPossibleNumber(n) {
			return nil, bad("%q is not a phone number", s)
		}
		e164 := phonenumbers.Format(n, phonenumbers.E164)
		return e164, f.match(e164)
	case URL:
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, bad("%q is not an http(s) URL", s)
		}
		return s, f.match(s)
	}
	return nil, bad("unknown type %q", f.Type)
}

func str(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", bad("must be text, not %v", v)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", bad("is empty")
	}
	return s, nil
}

func (f Field) length(s string, max float64) error {
	n := float64(utf8.RuneCountInString(s))
	if f.Max != nil {
		max = min(max, *f.Max)
	}
	if n > max {
		return bad("must be at most %g characters", max)
	}
	if f.Min != nil && n < *f.Min {
		return bad("must be at least %g characters", *f.Min)
	}
	return nil
}

func (f Field) match(s string) error {
	if f.Pattern == "" {
		return nil
	}
	re, err := regexp.Compile(f.Pattern)
	if err != nil {
		return bad("the field's pattern is not a regular expression")
	}
	if !re.MatchString(s) {
		return bad("%q does not match the pattern %s", s, f.Pattern)
	}
	return nil
}

// amount reads "1,200.50", "£1200" and "1200 GBP" as well as JSON numbers.
var amount = regexp.MustCompile(`^[^\d-]{0,3}\s?(-?[\d,]*\.?\d+)\s?[A-Za-z]{0,3}$`) //nolint:gochecknoglobals // compiled once

func (f Field) number(v any) (any, error) {
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case int:
		n = float64(x)
	case int64:
		n = float64(x)
	case string:
		m := amount.FindStringSubmatch(strings.TrimSpace(x))
		if m == nil {
			return nil, bad("%q is not a number", x)
		}
		p, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err != nil {
			return nil, bad("%q is not a number", x)
		}
		n = p
	default:
		return nil, bad("must be a number, not %v", v)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, bad("must be a finite number")
	}
	lo, hi := f.Min, f.Max
	if f.Type == Rating {
		one, five := 1.0, 5.0
		if lo == nil {
			lo = &one
		}
		if hi == nil {
			hi = &five
		}
		if n != math.Trunc(n) {
			return nil, bad("a rating is a whole number")
		}
	}
	if f.Type == Currency {
		n = math.Round(n*100) / 100
	}
	if lo != nil && n < *lo {
		return nil, bad("must be at least %g", *lo)
	}
	if hi != nil && n > *hi {
		return nil, bad("must be at most %g", *hi)
	}
	return n, nil
}

func boolean(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "yes", "y", "1":
			return true, nil
		case "false", "no", "n", "0":
			return false, nil
		}
	}
	return nil, bad("must be true or false, not %v", v)
}

func layout(v any, l, what string) (any, error) {
	s, err := str(v)
	if err != nil {
		return nil, err
	}
	if _, err := time.Parse(l, s); err != nil {
		return nil, bad("%q is not %s", s, what)
	}
	return s, nil
}

func dateTime(v any) (any, error) {
	s, err := str(v)
	if err != nil {
		return nil, err
	}
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04"} {
		if t, err := time.Parse(l, s); err == nil {
			if l == time.RFC3339 {
				return t.Format(time.RFC3339), nil
			}
			return s, nil
		}
	}
	return nil, bad("%q is not a date and time written YYYY-MM-DDTHH:MM", s)
}

// duration reads minutes, or Go's "1h30m".
func (f Field) duration(v any) (any, error) {
	if s, ok := v.(string); ok {
		if d, err := time.ParseDuration(strings.ReplaceAll(strings.TrimSpace(s), " ", "")); err == nil {
			v = d.Minutes()
		}
	}
	n, err := f.number(v)
	if _, text := v.(string); err != nil && text {
		return nil, bad("must be minutes or a duration such as 1h30m, not %q", v)
	}
	if err != nil {
		return nil, err
	}
	if n.(float64) < 0 { //nolint:forcetypeassert // number returns float64
		return nil, bad("must not be negative")
	}
	return n, nil
}

// option finds the option s names, by value, label or synonym, ignoring case.
func (f Field) option(s string) (any, error) {
	for _, o := range f.Options {
		if strings.EqualFold(o.Value, s) || strings.EqualFold(o.Label, s) ||
			slices.ContainsFunc(o.Synonyms, func(y string) bool { return strings.EqualFold(y, s) }) {
			return o.Value, nil
		}
	}
	names := make([]string, len(f.Options))
	for i, o := range f.Options {
		names[i] = o.Value
	}
	return nil, bad("%q is not one of %s", s, strings.Join(names, ", "))
}

func (f Field) list(v any) (any, error) {
	var items []string
	switch x := v.(type) {
	case []string:
		items = x
	case []any:
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				return nil, bad("must be a list of text, not %v", it)
			}
			items = append(items, s)
		}
	case string:
		for p := range strings.SplitSeq(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
	default:
		return nil, bad("must be a list, not %v", v)
	}
	out := make([]any, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		var s string
		if f.Type == MultiChoice {
			o, err := f.option(it)
			if err != nil {
				return nil, err
			}
			s = o.(string) //nolint:forcetypeassert // option returns a string
		} else {
			if it == "" || utf8.RuneCountInString(it) > 50 {
				return nil, bad("each tag is 1 to 50 characters")
			}
			s = strings.ToLower(it)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	n := float64(len(out))
	if f.Min != nil && n < *f.Min {
		return nil, bad("needs at least %g", *f.Min)
	}
	if f.Max != nil && n > *f.Max {
		return nil, bad("allows at most %g", *f.Max)
	}
	return out, nil
}
