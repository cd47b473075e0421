package ai_test

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ai"
)

// FuzzExtractEntities feeds any text to the natural-date and contact reader: it must
// never panic, every range it reads starts no later than it ends, and a phone number is
// in E.164.
func FuzzExtractEntities(f *testing.F) {
	for _, s := range []string{"next Tuesday after 3", "tomorrow morning", "the 14th at 10:30", "between two and four on 3/11",
		"in 2 weeks", "call me on 07700 900123 or jane@example.com", "half past twelve tonight", "31/02 at 25:99"} {
		f.Add(s)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 28, 23, 30, 0, 0, london) // the night clocks go forward
	f.Fuzz(func(t *testing.T, text string) {
		done := make(chan ai.Entities, 1)
		go func() { done <- ai.ExtractEntities(text, now, "GB") }()
		var e ai.Entities
		select {
		case e = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: still reading after 5 s", text)
		}
		for _, d := range e.Dates {
			if d.End.Before(d.Start) {
				t.Fatalf("%q: a range ends before it starts: %v – %v", text, d.Start, d.End)
			}
		}
		if e.Phone != "" && e.Phone[0] != '+' {
			t.Fatalf("%q: phone %q is not E.164", text, e.Phone)
		}
	})
}

// TestExtractEntitiesBoundsAPastedPage: every day meets every time, so a message that
// is a page of dates reads only the first dozen of each, not days × times of them.
func TestExtractEntitiesBoundsAPastedPage(t *testing.T) {
	t.Parallel()
	page := strings.Repeat("next tuesday at 3 ", 900)
	e := ai.ExtractEntities(page, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), "GB")
	if len(e.Dates) == 0 || len(e.Dates) > 12+12*12 {
		t.Fatalf("read %d ranges from a page of 900 days and times", len(e.Dates))
	}
}
