package ai

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// keywordCues is the v0 cue-phrase classifier the trained one replaced, kept only as
// the latency baseline below.
var keywordCues = map[string][]string{
	IntentHours:      {" open", " close", "hours", "opening", "what time do you", "until when"},
	IntentLocation:   {"where are you", "address", "located", "location", "directions", "parking", "how do i get"},
	IntentPricing:    {"price", "cost", "how much", "fee", "charge", "insurance", "pay"},
	IntentBook:       {"book", "appointment", "schedule", "slot", "available", "come in", "reserve"},
	IntentReschedule: {"reschedule", "move my", "change my appointment", "another time", "postpone"},
	IntentCancel:     {"cancel", "can't make it", "cannot make it", "won't make it"},
	IntentComplaint:  {"complain", "terrible", "awful", "unhappy", "disappointed", "rude", "refund", "worst"},
	IntentHuman:      {"human", "real person", "speak to someone", "talk to someone", "manager", "call me"},
	IntentThanks:     {"thank", "thanks", "cheers", "appreciate"},
	IntentGreeting:   {" hi ", " hello", " hey", "good morning", "good afternoon", "good evening"},
}

func keywordClassify(text string) string {
	norm := " " + normalise(text) + " "
	best, bestScore := IntentUnknown, 0
	for _, intent := range Intents() {
		score := 0
		for _, cue := range keywordCues[intent] {
			if strings.Contains(norm, cue) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = intent, score
		}
	}
	return best
}

// BenchmarkClassify times each classification of the held-out messages, with the v0
// keyword classifier on the same message right after as the baseline, and reports the
// 50th and 99th percentiles of both and their ratios.
func BenchmarkClassify(b *testing.B) {
	msgs := readHeldOutB(b)
	if _, err := TrainOfflineClassifier(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var model, keyword []time.Duration
	sink := 0
	for b.Loop() {
		for _, u := range msgs {
			start := time.Now()
			c, err := OfflineClassifier{}.Classify(ctx, u.Text)
			mid := time.Now()
			k := keywordClassify(u.Text)
			end := time.Now()
			if err != nil {
				b.Fatal(err)
			}
			sink += len(c.Intent) + len(k)
			model, keyword = append(model, mid.Sub(start)), append(keyword, end.Sub(mid))
		}
	}
	if sink == 0 {
		b.Fatal("nothing classified")
	}
	p := func(d []time.Duration, q float64) float64 {
		slices.Sort(d)
		return float64(d[int(q*float64(len(d)-1))].Nanoseconds())
	}
	b.ReportMetric(p(model, 0.5), "p50-ns")
	b.ReportMetric(p(model, 0.99), "p99-ns")
	b.ReportMetric(p(keyword, 0.5), "baseline-p50-ns")
	b.ReportMetric(p(keyword, 0.99), "baseline-p99-ns")
	b.ReportMetric(p(model, 0.5)/p(keyword, 0.5), "p50-ratio")
	b.ReportMetric(p(model, 0.99)/p(keyword, 0.99), "p99-ratio")
}

// BenchmarkTrain measures what the first classification pays: training with calibration.
func BenchmarkTrain(b *testing.B) {
	data, err := parseUtterances(trainingText)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := trainCalibrated(data, Intents(), defaultTrainOptions(), calibrationFolds); err != nil {
			b.Fatal(err)
		}
	}
}
