package voice

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// modelFormat changes whenever a change here would build a different model from the
// same corpus, so old cached models are not reused.
const modelFormat = "witten-bell-3gram-v1"

// model is a built language model and the dictionary of its words.
type model struct{ lm, dict string }

// buildModel returns the trigram model of the sentences in texts, building it under
// cacheDir unless a model of the same sentences and dictionary is already there.
func buildModel(cacheDir, dictPath string, texts []string) (model, error) {
	var sents [][]string
	for _, t := range texts {
		sents = append(sents, sentences(t)...)
	}
	key, err := modelKey(dictPath, sents)
	if err != nil {
		return model{}, err
	}
	dir := filepath.Join(cacheDir, key)
	m := model{lm: filepath.Join(dir, "lm.arpa"), dict: filepath.Join(dir, "words.dict")}
	if exists(m.lm) && exists(m.dict) {
		return m, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return model{}, fmt.Errorf("voice: model cache: %w", err)
	}
	// Built in a scratch directory and renamed into place, so a reader never sees half
	// a model and two processes building the same one do not collide.
	tmp, err := os.MkdirTemp(cacheDir, ".build-")
	if err != nil {
		return model{}, fmt.Errorf("voice: model cache: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }() // gone after the rename; left over after a failure
	if err := writeModel(tmp, dictPath, sents); err != nil {
		return model{}, err
	}
	// A rename that fails because another process put the same model there first is
	// no failure.
	if err := os.Rename(tmp, dir); err != nil && (!exists(m.lm) || !exists(m.dict)) {
		return model{}, fmt.Errorf("voice: model cache: %w", err)
	}
	return m, nil
}

func writeModel(dir, dictPath string, sents [][]string) error {
	d, err := readDict(dictPath)
	if err != nil {
		return err
	}
	sents = d.known(sents)
	if len(sents) == 0 {
		return errors.New("voice: no corpus sentence has words in the pronunciation dictionary")
	}
	counts := countTrigrams(sents)
	words := make([]string, 0, len(counts.counts[0]))
	for w := range counts.counts[0] {
		if w != sentenceEnd {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	write := func(name string, fill func(*os.File) error) error {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("voice: model cache: %w", err)
		}
		if err := fill(f); err != nil {
			_ = f.Close()
			return fmt.Errorf("voice: write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("voice: write %s: %w", name, err)
		}
		return nil
	}
	if err := write("words.dict", func(f *os.File) error { return d.write(f, words) }); err != nil {
		return err
	}
	return write("lm.arpa", func(f *os.File) error { return counts.model().writeARPA(f) })
}

// modelKey names a model by what it is built from: the format, the dictionary and
// every sentence.
func modelKey(dictPath string, sents [][]string) (string, error) {
	st, err := os.Stat(dictPath)
	if err != nil {
		return "", fmt.Errorf("voice: pronunciation dictionary: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n%d\n", modelFormat, dictPath, st.Size(), st.ModTime().UnixNano())
	for _, s := range sents {
		fmt.Fprintln(h, strings.Join(s, " "))
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
