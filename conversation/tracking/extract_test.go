package tracking_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
)

func TestOfflineReadsEachType(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC) // a Friday
	choice := []schema.Option{{Value: "flat", Synonyms: []string{"apartment"}}, {Value: "house"}}
	cases := []struct {
		name  string
		field schema.Field
		text  string
		want  any // nil: nothing read
	}{
		{"Email", schema.Field{Type: schema.Email}, "write to ann@example.com please", "ann@example.com"},
		{"Phone", schema.Field{Type: schema.Phone}, "call me on 07700 900123", "+447700900123"},
		{"URL", schema.Field{Type: schema.URL}, "see https://example.com/listing/42.", "https://example.com/listing/42"},
		{"Date", schema.Field{Type: schema.Date}, "can we meet tomorrow?", "2026-12-05"},
		{"DateTime", schema.Field{Type: schema.DateTime}, "tomorrow at 3pm", "2026-12-05T15:00"},
		{"Time", schema.Field{Type: schema.Time}, "tomorrow at 3pm", "15:00"},
		{"CurrencyK", schema.Field{Type: schema.Currency}, "our budget is £450k", 450000.0},
		{"CurrencyWords", schema.Field{Type: schema.Currency}, "about 1,200 pounds", 1200.0},
		{"Duration", schema.Field{Type: schema.Duration}, "it takes 2 hours", 120.0},
		{"Rating", schema.Field{Type: schema.Rating, Max: ptr(10)}, "the pain is 7/10", 7.0},
		{"NumberBefore", schema.Field{Key: "bedrooms", Label: "Bedrooms", Type: schema.Number}, "a 3 bedroom flat", 3.0},
		{"NumberAfter", schema.Field{Key: "guests", Label: "Guests", Type: schema.Number}, "guests: 12", 12.0},
		{"SingleChoiceSynonym", schema.Field{Type: schema.SingleChoice, Options: choice}, "a nice Apartment", "flat"},
		{"SingleChoiceAmbiguous", schema.Field{Type: schema.SingleChoice, Options: choice}, "a flat or a house", nil},
		{"SingleChoiceWholeWords", schema.Field{Type: schema.SingleChoice, Options: choice}, "the flatmate", nil},
		{"MultiChoice", schema.Field{Type: schema.MultiChoice, Options: choice}, "a flat or a house", []any{"flat", "house"}},
		{"BooleanYes", schema.Field{Key: "insurance", Label: "Has insurance", Type: schema.Boolean}, "I have insurance with Bupa.", true},
		{"BooleanNo", schema.Field{Key: "insurance", Label: "Has insurance", Type: schema.Boolean}, "Hi. I don't have insurance.", false},
		{"TextNeedsAModel", schema.Field{Key: "area", Label: "Area", Type: schema.Text}, "in Leith", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := c.field
			if f.Key == "" {
				f.Key, f.Label = "x", "X"
			}
			got := tracking.Offline([]schema.Field{f}, c.text, now, "GB")
			if c.want == nil {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, f.Key)
			require.Equal(t, c.want, got[f.Key].Value)
			require.Greater(t, got[f.Key].Confidence, 0.5)
		})
	}
}

func ptr(f float64) *float64 { return &f }
