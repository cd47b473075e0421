package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/frontdesk/frontdesk/ai"
)

// evalIntents classifies every line of a JSONL file of {"text": ..., "intent": ...} with
// the offline classifier and prints per-intent precision and recall, the most frequent
// confusions and, on the last line, the accuracy.
func evalIntents(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("eval intents", flag.ContinueOnError)
	top := fs.Int("top", 10, "how many confusions to list")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("eval intents needs one FILE.jsonl: %w", errUsage)
	}
	examples, err := readLabelled(fs.Arg(0))
	if err != nil {
		return err
	}
	took, err := ai.TrainOfflineClassifier()
	if err != nil {
		return fmt.Errorf("eval intents: %w", err)
	}
	var eval ai.IntentEval
	var cls ai.OfflineClassifier
	for _, u := range examples {
		got, err := cls.Classify(ctx, u.Text)
		if err != nil {
			return fmt.Errorf("eval intents: %w", err)
		}
		eval.Add(u.Intent, got.Intent)
	}
	fmt.Fprintf(out, "%d messages from %s; offline classifier trained in %s\n\n", eval.Total(), fs.Arg(0), took.Round(1e6))
	fmt.Fprintf(out, "%-24s %9s %7s %8s %10s\n", "intent", "precision", "recall", "support", "predicted")
	for _, s := range eval.Scores() {
		fmt.Fprintf(out, "%-24s %9.3f %7.3f %8d %10d\n", s.Intent, s.Precision, s.Recall, s.Support, s.Predicted)
	}
	if c := eval.TopConfusions(*top); len(c) > 0 {
		fmt.Fprintf(out, "\ntop confusions (labelled -> classified):\n")
		for _, c := range c {
			fmt.Fprintf(out, "  %4d  %s -> %s\n", c.Count, c.Want, c.Got)
		}
	}
	fmt.Fprintf(out, "\naccuracy: %.3f\n", eval.Accuracy())
	return nil
}

// readLabelled reads a JSONL file of labelled messages.
func readLabelled(path string) ([]ai.Utterance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval intents: %w", err)
	}
	defer f.Close()
	var out []ai.Utterance
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var u ai.Utterance
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			return nil, fmt.Errorf("eval intents: %s line %d: %w", path, line, err)
		}
		if u.Text == "" || u.Intent == "" {
			return nil, fmt.Errorf("eval intents: %s line %d: needs \"text\" and \"intent\"", path, line)
		}
		out = append(out, u)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval intents: read %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval intents: %s has no messages", path)
	}
	return out, nil
}
