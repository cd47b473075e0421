package ai

import (
	"context"
	"time"
)

// OfflineExtractor reads entities with ExtractEntities; it needs no network and never
// fails. The zero value is ready to use.
type OfflineExtractor struct{}

// Extract implements the consumers' Extractor with ExtractEntities.
func (OfflineExtractor) Extract(_ context.Context, text string, now time.Time, region string) (Entities, error) {
	return ExtractEntities(text, now, region), nil
}
