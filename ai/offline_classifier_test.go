package ai

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOfflineClassifier(t *testing.T) {
	t.Parallel()
	// The v0 classifier's cases, which the pipeline's tests also send, and a few more.
	for _, tc := range []struct{ text, intent string }{
		{"Hi, are you open on Saturday?", IntentHours},
		{"What are your opening hours?", IntentHours},
		{"hello!", IntentGreeting},
		{"Where are you located?", IntentLocation},
		{"How much is a cleaning?", IntentPricing},
		{"I'd like to book an appointment next week", IntentBook},
		{"Can I reschedule my appointment?", IntentReschedule},
		{"Please cancel my appointment tomorrow", IntentCancel},
		{"do you have any free slots on thursday afternoon?", IntentAvailability},
		{"This is terrible service, I want a refund", IntentComplaint},
		{"Can I speak to a real person?", IntentHuman},
		{"thanks so much", IntentThanks},
		{"Do you treat horses?", IntentQuestion},
		{"ok", IntentUnknown},
		{"what's the weather in Leeds", IntentUnknown},
		{"   ", IntentUnknown},
	} {
		got, err := OfflineClassifier{}.Classify(context.Background(), tc.text)
		require.NoError(t, err)
		require.Equal(t, tc.intent, got.Intent, tc.text)
		require.True(t, got.Confidence >= 0 && got.Confidence <= 1, tc.text)
	}
}

func TestOfflineClassifierConfidenceFloor(t *testing.T) {
	t.Parallel()
	got, err := OfflineClassifier{}.Classify(context.Background(), "zxq vlorp kwee")
	require.NoError(t, err)
	require.Equal(t, IntentUnknown, got.Intent)
	sure, err := OfflineClassifier{}.Classify(context.Background(), "Please cancel my appointment")
	require.NoError(t, err)
	require.Greater(t, sure.Confidence, 0.8, "a plain request is classified with high confidence")
	require.Greater(t, sure.Confidence, got.Confidence)
}

// readHeldOut reads intents/heldout.jsonl, which training never sees.
func readHeldOut(t *testing.T) []Utterance { return readHeldOutB(t) }

func readHeldOutB(t testing.TB) []Utterance {
	t.Helper()
	f, err := os.Open("intents/heldout.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var out []Utterance
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var u Utterance
		require.NoError(t, json.Unmarshal(sc.Bytes(), &u), sc.Text())
		out = append(out, u)
	}
	require.NoError(t, sc.Err())
	return out
}

func TestHeldOutSplit(t *testing.T) {
	t.Parallel()
	train, err := parseUtterances(trainingText)
	require.NoError(t, err)
	held := readHeldOut(t)
	seen := map[string]bool{}
	perIntent := map[string]int{}
	for _, u := range train {
		seen[normalise(u.Text)] = true
		perIntent[u.Intent]++
	}
	for _, intent := range Intents() {
		require.GreaterOrEqual(t, perIntent[intent], 60, "training utterances of %s", intent)
	}
	for _, u := range held {
		require.False(t, seen[normalise(u.Text)], "held-out %q is also a training utterance", u.Text)
		require.Contains(t, Intents(), u.Intent)
	}

	var eval IntentEval
	confidence := 0.0
	for _, u := range held {
		got, err := OfflineClassifier{}.Classify(context.Background(), u.Text)
		require.NoError(t, err)
		eval.Add(u.Intent, got.Intent)
		confidence += got.Confidence
	}
	require.GreaterOrEqual(t, eval.Accuracy(), 0.88)
	for _, s := range eval.Scores() {
		require.GreaterOrEqual(t, s.Recall, 0.7, "recall of %s", s.Intent)
	}
	// Calibrated: on data it never saw, the mean confidence is near the accuracy.
	require.InDelta(t, eval.Accuracy(), confidence/float64(len(held)), 0.1)
}

func TestTrainingIsDeterministic(t *testing.T) {
	t.Parallel()
	data, err := parseUtterances(trainingText)
	require.NoError(t, err)
	a, err := trainCalibrated(data, Intents(), defaultTrainOptions(), 3)
	require.NoError(t, err)
	b, err := trainCalibrated(data, Intents(), defaultTrainOptions(), 3)
	require.NoError(t, err)
	require.Equal(t, a.weights, b.weights)
	require.Equal(t, a.bias, b.bias)
	require.Equal(t, a.temperature, b.temperature) //nolint:testifylint // bit-for-bit is the point
	require.NotEqual(t, 1.0, a.temperature, "calibration moved the temperature")
}

func TestFitTemperature(t *testing.T) {
	t.Parallel()
	// Labels drawn from softmax(z); a model reporting 3z is overconfident by 3.
	rng := rand.New(rand.NewPCG(7, 7))
	var logits [][]float64
	var truth []int
	for range 4000 {
		z := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		p := append([]float64(nil), z...)
		softmax(p, 1)
		u, class := rng.Float64(), 0
		for class < len(p)-1 && u > p[class] {
			u -= p[class]
			class++
		}
		for i := range z {
			z[i] *= 3
		}
		logits, truth = append(logits, z), append(truth, class)
	}
	require.InDelta(t, 3, fitTemperature(logits, truth), 0.3)
}

func TestParseUtterances(t *testing.T) {
	t.Parallel()
	got, err := parseUtterances("# comment\n## greeting\nhi\n\n  hello  \n## thanks_goodbye\nta\n")
	require.NoError(t, err)
	require.Equal(t, []Utterance{{"hi", IntentGreeting}, {"hello", IntentGreeting}, {"ta", IntentThanks}}, got)
	_, err = parseUtterances("## opening_hours\nwhen do you open\n")
	require.ErrorContains(t, err, `line 1: unknown intent "opening_hours"`)
	_, err = parseUtterances("hi\n")
	require.ErrorContains(t, err, "line 1: message before any intent")
	_, err = trainIntentModel([]Utterance{{"hi", "nope"}}, Intents(), defaultTrainOptions())
	require.ErrorContains(t, err, `unknown intent "nope"`)
}

func TestIntentEval(t *testing.T) {
	t.Parallel()
	var e IntentEval
	require.Zero(t, e.Accuracy())
	for _, p := range [][2]string{
		{"a", "a"}, {"a", "a"}, {"a", "b"}, {"b", "b"}, {"c", "b"}, {"c", "b"}, {"c", "a"},
	} {
		e.Add(p[0], p[1])
	}
	require.Equal(t, 7, e.Total())
	require.InDelta(t, 3.0/7, e.Accuracy(), 1e-9)
	require.Equal(t, []IntentScore{
		{Intent: "a", Precision: 2.0 / 3, Recall: 2.0 / 3, Support: 3, Predicted: 3},
		{Intent: "b", Precision: 1.0 / 4, Recall: 1, Support: 1, Predicted: 4},
		{Intent: "c", Precision: 0, Recall: 0, Support: 3, Predicted: 0},
	}, e.Scores())
	require.Equal(t, []Confusion{{"c", "b", 2}, {"a", "b", 1}}, e.TopConfusions(2))
}

func TestFeaturize(t *testing.T) {
	t.Parallel()
	a, b := featurize("Book me at 3pm!"), featurize("book me at 11pm")
	norm := 0.0
	for _, f := range a {
		norm += float64(f.value) * float64(f.value)
	}
	require.InDelta(t, 1, math.Sqrt(norm), 1e-5, "unit length")
	shared := 0
	hashes := map[uint64]bool{}
	for _, f := range a {
		hashes[f.hash] = true
	}
	for _, f := range b {
		if hashes[f.hash] {
			shared++
		}
	}
	require.Greater(t, shared, len(a)/2, "case, punctuation and digits are folded")
	require.Empty(t, featurize(" ?! "))
}
