package tracking_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// TestEveryTypeThroughTheDatabase: a value of each of the 16 field types is checked,
// stored and read back as stored; a wrong one is refused with its path, storing nothing.
func TestEveryTypeThroughTheDatabase(t *testing.T) {
	t.Parallel()
	p := pipelinetest.New(t, nil)
	ctx := context.Background()
	opts := []schema.Option{{Value: "flat", Synonyms: []string{"apartment"}}, {Value: "house"}}
	cases := []struct {
		typ       schema.Type
		good      any
		stored    any
		bad       any
		badReason string
	}{
		{schema.Text, " Leith ", "Leith", 3.0, "must be text"},
		{schema.LongText, "A long story", "A long story", true, "must be text"},
		{schema.Number, "1,200", 1200.0, "lots", "is not a number"},
		{schema.Currency, "£450,000", 450000.0, "a fortune", "not"},
		{schema.Boolean, "yes", true, "maybe", "true or false"},
		{schema.Date, "2026-12-24", "2026-12-24", "24/12/2026", "YYYY-MM-DD"},
		{schema.Time, "09:30", "09:30", "25:00", "HH:MM"},
		{schema.DateTime, "2026-12-24T15:00", "2026-12-24T15:00", "tomorrow", "date and time"},
		{schema.Duration, "1h30m", 90.0, "a while", "minutes or a duration"},
		{schema.SingleChoice, "Apartment", "flat", "castle", "is not one of flat, house"},
		{schema.MultiChoice, "flat, HOUSE", []any{"flat", "house"}, []any{"castle"}, "is not one of"},
		{schema.Tags, "VIP, returning", []any{"vip", "returning"}, 4.0, "must be a list"},
		{schema.Email, "ann@example.com", "ann@example.com", "ann.example.com", "not an e-mail address"},
		{schema.Phone, "07700 900123", "+447700900123", "12", "not a phone number"},
		{schema.URL, "https://example.com/x", "https://example.com/x", "ftp://example.com", "http(s) URL"},
		{schema.Rating, 4.0, 4.0, 2.5, "whole number"},
	}
	require.Len(t, cases, len(schema.Types()), "every type")
	sc := schema.Schema{}
	for _, c := range cases {
		f := schema.Field{Key: string(c.typ), Label: string(c.typ), Type: c.typ}
		if c.typ == schema.SingleChoice || c.typ == schema.MultiChoice {
			f.Options = opts
		}
		if c.typ == schema.Currency {
			f.Currency = "GBP"
		}
		sc.Fields = append(sc.Fields, f)
	}
	_, err := p.Context.Save(ctx, p.Pool, p.Workspace.ID, 0, sc, nil, "GB")
	require.NoError(t, err)
	conv := say(t, p, "+447700900613", "hello")

	apply := func(values map[string]tracking.Proposed) error {
		tx, err := p.Pool.Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := p.Context.Apply(ctx, tx, p.Workspace.ID, conv, tracking.Setter{By: "user"}, values, "GB"); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	for _, c := range cases {
		t.Run(string(c.typ), func(t *testing.T) {
			err := apply(map[string]tracking.Proposed{string(c.typ): {Value: c.bad, Confidence: 1}})
			var verr validation.Error
			require.ErrorAs(t, err, &verr)
			require.Contains(t, verr["values."+string(c.typ)], c.badReason)
			require.NoError(t, apply(map[string]tracking.Proposed{string(c.typ): {Value: c.good, Confidence: 1}}))
		})
	}
	got, hist := read(t, p, conv)
	for _, c := range cases {
		require.Equal(t, c.stored, got.Values[string(c.typ)], string(c.typ))
	}
	require.Len(t, hist, len(cases), "one change each; the refused values wrote nothing")
}
