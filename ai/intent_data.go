package ai

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// trainingText is the classifier's training split. The held-out split,
// intents/heldout.jsonl, is never read here.
//
//go:embed intents/train.txt
var trainingText string //nolint:gochecknoglobals // embedded read-only data

// Utterance is a customer message labelled with its intent.
type Utterance struct {
	Text   string `json:"text"`
	Intent string `json:"intent"`
}

// parseUtterances reads the training format: "## intent" starts an intent, every other
// non-blank line not starting with "#" is one message of it.
func parseUtterances(text string) ([]Utterance, error) {
	var out []Utterance
	intent := ""
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "## "):
			intent = strings.TrimSpace(line[3:])
			if !slices.Contains(Intents(), intent) {
				return nil, fmt.Errorf("ai: training data line %d: unknown intent %q", i+1, intent)
			}
		case line == "" || strings.HasPrefix(line, "#"):
		case intent == "":
			return nil, fmt.Errorf("ai: training data line %d: message before any intent", i+1)
		default:
			out = append(out, Utterance{Text: line, Intent: intent})
		}
	}
	return out, nil
}

// TrainingText is the classifier's training split, for other models that learn the
// same phrases (the voice transcriber's language model).
func TrainingText() string { return trainingText }
