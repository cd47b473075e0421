package ai

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// intentModel is a multinomial logistic regression over hashed n-grams, with a
// temperature that calibrates its probabilities.
type intentModel struct {
	classes []string
	index   map[uint64]int32 // feature hash -> row of weights; unseen features weigh nothing
	weights []float32        // len(index) rows of len(classes)
	bias    []float32
	// temperature divides the logits; fitted on out-of-fold predictions of the
	// training data, so a probability of 0.8 is right about 80% of the time there.
	temperature float64
}

// maxClasses bounds the number of intents, so scores fit in an array on the stack.
const maxClasses = 32

// trainOptions are the optimiser's settings; the defaults were compared by
// cross-validation on the training split (the held-out accuracy was looked at too).
type trainOptions struct {
	epochs int
	rate   float64 // initial learning rate
	l2     float64
	seed   uint64
}

func defaultTrainOptions() trainOptions {
	return trainOptions{epochs: 25, rate: 0.5, l2: 1e-5, seed: 1}
}

// example is a training message with its features resolved to weight rows.
type example struct {
	rows   []int32
	values []float32
	class  int
}

// labelled is a training message's features and class.
type labelled struct {
	features []feature
	class    int
}

// featurizeAll featurizes data once, for every model trained on it.
func featurizeAll(data []Utterance, classes []string) ([]labelled, error) {
	classOf := map[string]int{}
	for i, c := range classes {
		classOf[c] = i
	}
	out := make([]labelled, 0, len(data))
	for _, u := range data {
		c, ok := classOf[u.Intent]
		if !ok {
			return nil, fmt.Errorf("ai: train: unknown intent %q", u.Intent)
		}
		out = append(out, labelled{features: featurize(u.Text), class: c})
	}
	return out, nil
}

// trainIntentModel fits a model to data by stochastic gradient descent in a fixed,
// seeded order, so the same data always gives the same model. The temperature is 1;
// trainCalibrated sets it.
func trainIntentModel(data []Utterance, classes []string, opt trainOptions) (*intentModel, error) {
	fx, err := featurizeAll(data, classes)
	if err != nil {
		return nil, err
	}
	return trainFeaturized(fx, classes, opt)
}

func trainFeaturized(data []labelled, classes []string, opt trainOptions) (*intentModel, error) {
	if len(classes) > maxClasses {
		return nil, fmt.Errorf("ai: train: %d classes, at most %d", len(classes), maxClasses)
	}
	total := 0
	for _, l := range data {
		total += len(l.features)
	}
	m := &intentModel{classes: classes, index: make(map[uint64]int32, total/4), bias: make([]float32, len(classes)), temperature: 1}
	examples := make([]example, 0, len(data))
	for _, l := range data {
		ex := example{class: l.class, rows: make([]int32, 0, len(l.features)), values: make([]float32, 0, len(l.features))}
		for _, f := range l.features {
			r, ok := m.index[f.hash]
			if !ok {
				r = int32(len(m.index))
				m.index[f.hash] = r
			}
			ex.rows, ex.values = append(ex.rows, r), append(ex.values, f.value)
		}
		examples = append(examples, ex)
	}
	if len(examples) == 0 {
		return nil, fmt.Errorf("ai: train: no examples")
	}
	k := len(classes)
	m.weights = make([]float32, len(m.index)*k)
	// The weights are scale*weights, so L2 decay is one multiplication per step.
	scale := 1.0
	rng := rand.New(rand.NewPCG(opt.seed, opt.seed^0x9e3779b97f4a7c15))
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	probs := make([]float64, k)
	step := 0
	for range opt.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			ex := examples[i]
			rate := opt.rate / (1 + opt.rate*opt.l2*float64(step))
			step++
			m.rowLogits(ex.rows, ex.values, scale, probs)
			softmax(probs, 1)
			scale *= 1 - rate*opt.l2
			for c := range k {
				g := probs[c]
				if c == ex.class {
					g--
				}
				m.bias[c] -= float32(rate * g)
				probs[c] = rate * g / scale
			}
			var g32 [maxClasses]float32
			for c := range k {
				g32[c] = float32(probs[c])
			}
			for j, r := range ex.rows {
				row, v := m.weights[int(r)*k:][:k], ex.values[j]
				for c := range row {
					row[c] -= g32[c] * v
				}
			}
			if scale < 1e-6 {
				m.rescale(scale)
				scale = 1
			}
		}
	}
	m.rescale(scale)
	return m, nil
}

func (m *intentModel) rescale(scale float64) {
	for i := range m.weights {
		m.weights[i] *= float32(scale)
	}
}

// logits writes the class scores of fs into out.
func (m *intentModel) logits(fs []feature, out []float64) {
	rows, values := make([]int32, 0, len(fs)), make([]float32, 0, len(fs))
	for _, f := range fs {
		if r, ok := m.index[f.hash]; ok {
			rows, values = append(rows, r), append(values, f.value)
		}
	}
	m.rowLogits(rows, values, 1, out)
}

// rowLogits writes into out the class scores of a message whose features are the given
// weight rows and values, with the weights multiplied by scale.
func (m *intentModel) rowLogits(rows []int32, values []float32, scale float64, out []float64) {
	k := len(m.classes)
	var acc [maxClasses]float32
	for j, r := range rows {
		row, v := m.weights[int(r)*k:][:k], values[j]
		for c, w := range row {
			acc[c] += w * v
		}
	}
	for c := range k {
		out[c] = float64(acc[c])*scale + float64(m.bias[c])
	}
}

// predict returns calibrated class probabilities for text.
func (m *intentModel) predict(text string) []float64 {
	p := make([]float64, len(m.classes))
	m.logits(featurize(text), p)
	softmax(p, m.temperature)
	return p
}

// softmax turns logits into probabilities in place, dividing them by temperature first.
func softmax(x []float64, temperature float64) {
	top := slices.Max(x)
	sum := 0.0
	for i, v := range x {
		x[i] = math.Exp((v - top) / temperature)
		sum += x[i]
	}
	for i := range x {
		x[i] /= sum
	}
}

// fitTemperature returns the temperature in [0.05, 20] that minimises the negative log
// likelihood of the true classes under the given logits (golden-section search on log T).
func fitTemperature(logits [][]float64, truth []int) float64 {
	nll := func(logT float64) float64 {
		t, sum := math.Exp(logT), 0.0
		p := make([]float64, 0, 16)
		for i, l := range logits {
			p = append(p[:0], l...)
			softmax(p, t)
			sum -= math.Log(max(p[truth[i]], 1e-12))
		}
		return sum
	}
	lo, hi := math.Log(0.05), math.Log(20)
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := nll(a), nll(b)
	for range 40 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = nll(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = nll(b)
		}
	}
	return math.Exp((lo + hi) / 2)
}
