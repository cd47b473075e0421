package ai

import (
	"fmt"
	"sync"
)

// trainCalibrated trains on all of data and sets the temperature from out-of-fold
// predictions: each of folds models, trained without one fold (every folds-th
// utterance), scores that fold. The folds train concurrently; each is deterministic.
func trainCalibrated(data []Utterance, classes []string, opt trainOptions, folds int) (*intentModel, error) {
	fx, err := featurizeAll(data, classes)
	if err != nil {
		return nil, err
	}
	type result struct {
		logits [][]float64
		truth  []int
		err    error
	}
	results := make([]result, folds)
	var wg sync.WaitGroup
	for f := range folds {
		wg.Go(func() {
			var train, test []labelled
			for i, l := range fx {
				if i%folds == f {
					test = append(test, l)
				} else {
					train = append(train, l)
				}
			}
			m, err := trainFeaturized(train, classes, opt)
			if err != nil {
				results[f].err = err
				return
			}
			for _, l := range test {
				out := make([]float64, len(classes))
				m.logits(l.features, out)
				results[f].logits = append(results[f].logits, out)
				results[f].truth = append(results[f].truth, l.class)
			}
		})
	}
	m, err := trainFeaturized(fx, classes, opt)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	var logits [][]float64
	var truth []int
	for f, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("ai: calibrate fold %d: %w", f, r.err)
		}
		logits, truth = append(logits, r.logits...), append(truth, r.truth...)
	}
	m.temperature = fitTemperature(logits, truth)
	return m, nil
}
