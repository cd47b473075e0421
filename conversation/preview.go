package conversation

import (
	"context"
)

// Preview is a reply drafted for settings not yet saved.
type Preview struct {
	Reply      string  `json:"reply"`
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
	NeedsHuman bool    `json:"needs_human"`
}

// Preview drafts the reply a sample customer question would get with ws's persona, from
// the workspace's real documents, hours and calendar. Nothing is stored.
func (s *Service) Preview(ctx context.Context, ws Workspace, question string) (Preview, error) {
	if err := ws.Validate(); err != nil {
		return Preview{}, err
	}
	text, err := s.CheckText(question)
	if err != nil {
		return Preview{}, err
	}
	d, err := s.draft(ctx, inbound{ws: ws, text: text, contactName: "Alex"})
	if err != nil {
		return Preview{}, err
	}
	return Preview{Reply: d.Text, Intent: d.Intent, Confidence: d.Confidence, NeedsHuman: d.NeedsHuman}, nil
}
