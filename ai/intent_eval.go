package ai

import (
	"cmp"
	"slices"
)

// IntentEval tallies a classifier's predictions against labels.
type IntentEval struct {
	counts map[[2]string]int // {want, got} -> count
	total  int
}

// IntentScore is one intent's precision and recall over an evaluation.
type IntentScore struct {
	Intent    string
	Precision float64 // of the messages classified as Intent, the share that were
	Recall    float64 // of the messages labelled Intent, the share classified so
	Support   int     // messages labelled Intent
	Predicted int     // messages classified as Intent
}

// Confusion is how often messages labelled Want were classified as Got.
type Confusion struct {
	Want, Got string
	Count     int
}

// Add records one prediction.
func (e *IntentEval) Add(want, got string) {
	if e.counts == nil {
		e.counts = map[[2]string]int{}
	}
	e.counts[[2]string{want, got}]++
	e.total++
}

// Total is the number of predictions recorded.
func (e *IntentEval) Total() int { return e.total }

// Accuracy is the share of predictions that matched their label.
func (e *IntentEval) Accuracy() float64 {
	if e.total == 0 {
		return 0
	}
	right := 0
	for k, n := range e.counts {
		if k[0] == k[1] {
			right += n
		}
	}
	return float64(right) / float64(e.total)
}

// Scores returns precision and recall of every intent that was a label or a prediction,
// sorted by intent. An intent never predicted has precision 0.
func (e *IntentEval) Scores() []IntentScore {
	by := map[string]*IntentScore{}
	get := func(intent string) *IntentScore {
		if by[intent] == nil {
			by[intent] = &IntentScore{Intent: intent}
		}
		return by[intent]
	}
	right := map[string]int{}
	for k, n := range e.counts {
		get(k[0]).Support += n
		get(k[1]).Predicted += n
		if k[0] == k[1] {
			right[k[0]] += n
		}
	}
	out := make([]IntentScore, 0, len(by))
	for intent, s := range by {
		if s.Predicted > 0 {
			s.Precision = float64(right[intent]) / float64(s.Predicted)
		}
		if s.Support > 0 {
			s.Recall = float64(right[intent]) / float64(s.Support)
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b IntentScore) int { return cmp.Compare(a.Intent, b.Intent) })
	return out
}

// TopConfusions returns the n most frequent mistakes, most frequent first.
func (e *IntentEval) TopConfusions(n int) []Confusion {
	var out []Confusion
	for k, c := range e.counts {
		if k[0] != k[1] {
			out = append(out, Confusion{Want: k[0], Got: k[1], Count: c})
		}
	}
	slices.SortFunc(out, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Want, b.Want), cmp.Compare(a.Got, b.Got))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
