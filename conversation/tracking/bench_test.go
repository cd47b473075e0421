package tracking_test

import (
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/conversation/tracking"
)

// BenchmarkOffline reads the estate agent template's fields from one message, as the
// pipeline does for every inbound message when no model is configured.
func BenchmarkOffline(b *testing.B) {
	tpl, ok := schema.TemplateByID("real_estate")
	if !ok {
		b.Fatal("no real_estate template")
	}
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	text := "Hello, we are looking to buy a 3 bedroom house in Leith with a garden and parking, budget £450k, " +
		"mortgage agreed. We'd like to move in by 1 March. Email ann@example.com or call 07700 900123."
	var p tracking.Proposal
	for b.Loop() {
		p = tracking.Offline(tpl.Schema.Fields, text, now, "GB")
	}
	if len(p) < 8 {
		b.Fatalf("read %d fields: %v", len(p), p)
	}
}
