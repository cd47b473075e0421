package schema_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/internal/validation"
)

func ptr(f float64) *float64 { return &f }

func TestCheckValue(t *testing.T) {
	t.Parallel()
	choice := []schema.Option{{Value: "flat", Synonyms: []string{"apartment"}}, {Value: "house", Label: "House"}}
	cases := []struct {
		name  string
		field schema.Field
		in    any
		want  any
		err   string
	}{
		{"TextTrimmed", schema.Field{Type: schema.Text}, "  hello ", "hello", ""},
		{"TextTooLong", schema.Field{Type: schema.Text, Max: ptr(3)}, "hello", nil, "at most 3 characters"},
		{"TextPattern", schema.Field{Type: schema.Text, Pattern: `^[A-Z]{2}\d$`}, "ab1", nil, "does not match"},
		{"TextNotString", schema.Field{Type: schema.Text}, 12.0, nil, "must be text"},
		{"LongText", schema.Field{Type: schema.LongText, Min: ptr(5)}, "four", nil, "at least 5 characters"},
		{"Number", schema.Field{Type: schema.Number, Min: ptr(0), Max: ptr(10)}, 3.0, 3.0, ""},
		{"NumberFromText", schema.Field{Type: schema.Number}, "1,200", 1200.0, ""},
		{"NumberAboveMax", schema.Field{Type: schema.Number, Max: ptr(10)}, 11.0, nil, "at most 10"},
		{"NumberNotNumber", schema.Field{Type: schema.Number}, "lots", nil, "is not a number"},
		{"Currency", schema.Field{Type: schema.Currency}, "£450,000", 450000.0, ""},
		{"CurrencyRounded", schema.Field{Type: schema.Currency}, 10.005, 10.01, ""},
		{"CurrencyBelowMin", schema.Field{Type: schema.Currency, Min: ptr(0)}, -5.0, nil, "at least 0"},
		{"Boolean", schema.Field{Type: schema.Boolean}, "Yes", true, ""},
		{"BooleanBad", schema.Field{Type: schema.Boolean}, "maybe", nil, "true or false"},
		{"Date", schema.Field{Type: schema.Date}, "2026-12-24", "2026-12-24", ""},
		{"DateBad", schema.Field{Type: schema.Date}, "24/12/2026", nil, "YYYY-MM-DD"},
		{"Time", schema.Field{Type: schema.Time}, "09:30", "09:30", ""},
		{"TimeBad", schema.Field{Type: schema.Time}, "25:00", nil, "HH:MM"},
		{"DateTimeLocal", schema.Field{Type: schema.DateTime}, "2026-12-24T15:00", "2026-12-24T15:00", ""},
		{"DateTimeZoned", schema.Field{Type: schema.DateTime}, "2026-12-24T15:00:00+01:00", "2026-12-24T15:00:00+01:00", ""},
		{"DateTimeBad", schema.Field{Type: schema.DateTime}, "tomorrow", nil, "date and time"},
		{"DurationText", schema.Field{Type: schema.Duration}, "1h30m", 90.0, ""},
		{"DurationMinutes", schema.Field{Type: schema.Duration, Max: ptr(60)}, 90.0, nil, "at most 60"},
		{"DurationBad", schema.Field{Type: schema.Duration}, "a while", nil, "minutes or a duration"},
		{"DurationNegative", schema.Field{Type: schema.Duration}, -3.0, nil, "negative"},
		{"SingleChoiceSynonym", schema.Field{Type: schema.SingleChoice, Options: choice}, "Apartment", "flat", ""},
		{"SingleChoiceLabel", schema.Field{Type: schema.SingleChoice, Options: choice}, "house", "house", ""},
		{"SingleChoiceBad", schema.Field{Type: schema.SingleChoice, Options: choice}, "castle", nil, `"castle" is not one of flat, house`},
		{"MultiChoice", schema.Field{Type: schema.MultiChoice, Options: choice}, []any{"flat", "HOUSE", "flat"}, []any{"flat", "house"}, ""},
		{"MultiChoiceTooMany", schema.Field{Type: schema.MultiChoice, Options: choice, Max: ptr(1)}, "flat, house", nil, "at most 1"},
		{"MultiChoiceBad", schema.Field{Type: schema.MultiChoice, Options: choice}, []any{"flat", 3.0}, nil, "list of text"},
		{"Tags", schema.Field{Type: schema.Tags}, "VIP, returning", []any{"vip", "returning"}, ""},
		{"TagsNotList", schema.Field{Type: schema.Tags}, 4.0, nil, "must be a list"},
		{"Email", schema.Field{Type: schema.Email}, "ann@example.com", "ann@example.com", ""},
		{"EmailWithName", schema.Field{Type: schema.Email}, "Ann <ann@example.com>", nil, "not an e-mail address"},
		{"EmailBad", schema.Field{Type: schema.Email}, "ann.example.com", nil, "not an e-mail address"},
		{"PhoneLocal", schema.Field{Type: schema.Phone}, "07700 900123", "+447700900123", ""},
		{"PhoneBad", schema.Field{Type: schema.Phone}, "12", nil, "not a phone number"},
		{"URL", schema.Field{Type: schema.URL}, "https://example.com/x", "https://example.com/x", ""},
		{"URLBad", schema.Field{Type: schema.URL}, "ftp://example.com", nil, "http(s) URL"},
		{"Rating", schema.Field{Type: schema.Rating}, 4.0, 4.0, ""},
		{"RatingAboveDefaultMax", schema.Field{Type: schema.Rating}, 6.0, nil, "at most 5"},
		{"RatingFraction", schema.Field{Type: schema.Rating}, 2.5, nil, "whole number"},
		{"NilClears", schema.Field{Type: schema.Number}, nil, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.field.Check(c.in, "GB")
			if c.err != "" {
				require.ErrorIs(t, err, schema.ErrValue)
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
}

func TestEveryTypeIsCovered(t *testing.T) {
	t.Parallel()
	require.Len(t, schema.Types(), 16)
}

func TestParseNamesPaths(t *testing.T) {
	t.Parallel()
	_, err := schema.Parse([]byte(`{"fields": [
		{"key": "a", "label": "A", "type": "text"},
		{"key": "a", "label": "", "type": "number", "options": [{"value": "x"}]},
		{"key": "c", "label": "C", "type": "single_choice", "options": []},
		{"key": "d", "label": "D", "type": "colour"},
		{"key": "e", "label": "E", "type": "text", "pattern": "(", "depends_on": {"field": "zzz"}},
		{"key": "f", "label": "F", "type": "number", "min": 5, "max": 1, "depends_on": {"field": "g"}},
		{"key": "g", "label": "G", "type": "single_choice", "options": [{"value": "x"}, {"value": "x"}]},
		{"key": "Bad Key", "label": "H", "type": "text", "depends_on": {"field": "g", "values": ["y"]}}],
		"priority": [{"field": "nope", "points": 5000}]}`))
	var verr validation.Error
	require.True(t, errors.As(err, &verr), "%v", err)
	for _, path := range []string{"fields[1].key", "fields[1].label", "fields[1].options", "fields[2].options", "fields[3].type",
		"fields[4].pattern", "fields[4].depends_on.field", "fields[5].min", "fields[5].depends_on.field",
		"fields[6].options[1].value", "fields[7].key", "fields[7].depends_on.values[0]", "priority[0].field", "priority[0].points"} {
		require.Contains(t, verr, path)
	}
	_, err = schema.Parse([]byte(`{"fields": [], "extra": 1}`))
	require.ErrorContains(t, err, "unknown field")
}

func TestCompletionHonoursDependencies(t *testing.T) {
	t.Parallel()
	s, err := schema.Parse([]byte(`{"fields": [
		{"key": "looking_to", "label": "L", "type": "single_choice", "required": true, "options": [{"value": "buy"}, {"value": "sell"}]},
		{"key": "budget", "label": "B", "type": "currency", "required": true, "depends_on": {"field": "looking_to", "values": ["buy"]}},
		{"key": "notes", "label": "N", "type": "text"}],
		"priority": [{"field": "looking_to", "values": ["sell"], "points": 20}, {"field": "budget", "points": 5}]}`))
	require.NoError(t, err)
	require.Equal(t, 0, s.Completion(map[string]any{}))
	// Selling: the budget does not apply, so one required field of one is filled.
	require.Equal(t, 100, s.Completion(map[string]any{"looking_to": "sell"}))
	require.Equal(t, 20, s.Score(map[string]any{"looking_to": "sell"}))
	// Buying: the budget applies and is missing.
	require.Equal(t, 50, s.Completion(map[string]any{"looking_to": "buy"}))
	require.Equal(t, []string{"budget"}, s.Missing(map[string]any{"looking_to": "buy"}))
	require.Equal(t, 100, s.Completion(map[string]any{"looking_to": "buy", "budget": 300000.0}))
	require.Equal(t, 5, s.Score(map[string]any{"looking_to": "buy", "budget": 300000.0}))
	budget, _ := s.Field("budget")
	require.False(t, s.Visible(budget, map[string]any{"looking_to": "sell"}))
}

func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	list, err := schema.Templates()
	require.NoError(t, err)
	var ids []string
	for _, tpl := range list {
		ids = append(ids, tpl.ID)
		require.NotEmpty(t, tpl.Schema.Fields, tpl.ID)
	}
	require.Equal(t, []string{"dental", "legal", "real_estate", "salon", "general"}, ids)
}

func TestMigrateTypeChange(t *testing.T) {
	t.Parallel()
	prev, err := schema.Parse([]byte(`{"fields": [{"key": "budget", "label": "B", "type": "text"}, {"key": "area", "label": "A", "type": "text"}]}`))
	require.NoError(t, err)
	next, err := schema.Parse([]byte(`{"fields": [{"key": "budget", "label": "B", "type": "currency"}, {"key": "area", "label": "A", "type": "text"}]}`))
	require.NoError(t, err)
	changes := schema.Changes(prev, next)
	require.Len(t, changes, 1)
	err = schema.RequireChoices(changes, nil)
	var verr validation.Error
	require.ErrorAs(t, err, &verr)
	require.Contains(t, verr["fields[0].type"], "convert or drop")

	choices := map[string]schema.Choice{"budget": schema.Convert}
	require.NoError(t, schema.RequireChoices(changes, choices))
	got, failed := schema.Migrate(next, changes, choices, map[string]any{"budget": "£300,000", "area": "Leith"}, "GB")
	require.Equal(t, map[string]any{"budget": 300000.0, "area": "Leith"}, got)
	require.Empty(t, failed)
	got, failed = schema.Migrate(next, changes, choices, map[string]any{"budget": "about half a million"}, "GB")
	require.Empty(t, got)
	require.Len(t, failed, 1)
	require.Equal(t, "budget", failed[0].Key)
	got, _ = schema.Migrate(next, changes, map[string]schema.Choice{"budget": schema.Drop}, map[string]any{"budget": "300000"}, "GB")
	require.Empty(t, got)
}
