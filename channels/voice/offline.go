package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const (
	ffmpegBin = "ffmpeg"
	sphinxBin = "pocketsphinx_continuous"
	// Where Debian's pocketsphinx-en-us puts its model.
	defaultModelDir = "/usr/share/pocketsphinx/model/en-us/en-us"
	defaultDictPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
)

// Errors callers may tell apart.
var (
	ErrTooLong = errors.New("voice: voice note is too long")
	ErrNoAudio = errors.New("voice: voice note is empty")
)

// Options configure an Offline transcriber. The zero value uses Debian's pocketsphinx
// model and the built-in booking phrases.
type Options struct {
	// ModelDir is the acoustic model directory (mdef, means, variances...).
	ModelDir string
	// DictPath is the pronunciation dictionary the language model's words are taken from.
	DictPath string
	// CacheDir keeps built language models; the default is frontdesk/voice under the
	// user's cache directory.
	CacheDir string
	// Corpus is text the language model learns from besides the built-in booking
	// phrases: the intent training texts, service names, knowledge documents. Each entry
	// is split into sentences; lines starting with "#" are skipped.
	Corpus []string
	// Services are the names customers book ("teeth whitening"); they fill the built-in
	// booking phrases, so "can i book a teeth whitening on friday" is expected.
	Services []string
	// LanguageModel, when set, is used as it is (ARPA or pocketsphinx's binary format)
	// with the whole of DictPath instead of a model built from the corpus: for
	// comparing against pocketsphinx's generic model.
	LanguageModel string
	// MaxConcurrent bounds the transcriptions running at once, each using a CPU;
	// default 2.
	MaxConcurrent int
	// MaxDuration is the longest voice note transcribed; default 5 minutes.
	MaxDuration time.Duration
}

func (o Options) withDefaults() Options {
	if o.ModelDir == "" {
		o.ModelDir = defaultModelDir
	}
	if o.DictPath == "" {
		o.DictPath = defaultDictPath
	}
	if o.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir() // a server user with no home still gets a cache
		}
		o.CacheDir = filepath.Join(base, "frontdesk", "voice")
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 2
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = 5 * time.Minute
	}
	return o
}

// Available says what is missing for offline transcription, naming the Debian package
// to install, or returns nil. A server can log it once and run without transcripts.
func Available(opts Options) error {
	opts = opts.withDefaults()
	var errs []error
	if _, err := exec.LookPath(ffmpegBin); err != nil {
		errs = append(errs, errors.New("ffmpeg not found: install ffmpeg (apt-get install ffmpeg)"))
	}
	if _, err := exec.LookPath(sphinxBin); err != nil {
		errs = append(errs, errors.New("pocketsphinx_continuous not found: install pocketsphinx (apt-get install pocketsphinx)"))
	}
	var missing []string
	for _, f := range []string{"mdef", "means", "variances", "transition_matrices", "noisedict", "feat.params"} {
		if !exists(filepath.Join(opts.ModelDir, f)) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("acoustic model in %s lacks %s: install pocketsphinx-en-us (apt-get install pocketsphinx-en-us)",
			opts.ModelDir, strings.Join(missing, ", ")))
	}
	if !exists(opts.DictPath) {
		errs = append(errs, fmt.Errorf("pronunciation dictionary %s not found: install pocketsphinx-en-us (apt-get install pocketsphinx-en-us)", opts.DictPath))
	}
	if opts.LanguageModel != "" && !exists(opts.LanguageModel) {
		errs = append(errs, fmt.Errorf("language model %s not found", opts.LanguageModel))
	}
	if len(errs) > 0 {
		return fmt.Errorf("voice: offline transcription unavailable: %w", errors.Join(errs...))
	}
	return nil
}

// Offline transcribes voice notes on this machine with ffmpeg and pocketsphinx, using a
// language model built from the business's own phrases. It is safe for concurrent use.
type Offline struct {
	opts  Options
	model model
	sem   chan struct{} // shared with the transcribers WithCorpus derives
}

// NewOffline checks that the tools and model files are there and builds the language
// model, or finds it in the cache.
func NewOffline(opts Options) (*Offline, error) {
	opts = opts.withDefaults()
	if err := Available(opts); err != nil {
		return nil, err
	}
	o := &Offline{opts: opts, sem: make(chan struct{}, opts.MaxConcurrent)}
	if err := o.build(); err != nil {
		return nil, err
	}
	return o, nil
}

// WithCorpus returns a transcriber whose language model also learns services and
// corpus, for one workspace's vocabulary. It shares the receiver's concurrency limit
// and model cache.
func (o *Offline) WithCorpus(services, corpus []string) (*Offline, error) {
	if o.opts.LanguageModel != "" {
		return nil, errors.New("voice: a fixed language model cannot learn a corpus")
	}
	opts := o.opts
	opts.Services = append(append([]string{}, o.opts.Services...), services...)
	opts.Corpus = append(append([]string{}, o.opts.Corpus...), corpus...)
	d := &Offline{opts: opts, sem: o.sem}
	if err := d.build(); err != nil {
		return nil, err
	}
	return d, nil
}

func (o *Offline) build() error {
	if o.opts.LanguageModel != "" {
		o.model = model{lm: o.opts.LanguageModel, dict: o.opts.DictPath}
		return nil
	}
	m, err := buildModel(o.opts.CacheDir, o.opts.DictPath, o.texts())
	o.model = m
	return err
}

// texts are what the language model is built from.
func (o *Offline) texts() []string {
	return append([]string{strings.Join(bookingSentences(o.opts.Services), "\n")}, o.opts.Corpus...)
}

// Corpus lists the sentences the language model was built from, as spoken words
// ("3pm" is "three pm"), so an evaluation can avoid testing what it memorised. A fixed
// LanguageModel has none.
func (o *Offline) Corpus() []string {
	if o.opts.LanguageModel != "" {
		return nil
	}
	var out []string
	for _, t := range o.texts() {
		for _, s := range sentences(t) {
			out = append(out, strings.Join(s, " "))
		}
	}
	return out
}

// Result is a transcript with what it cost.
type Result struct {
	Text  string        // lower-case words, "" when nothing was said
	Audio time.Duration // length of the voice note
	CPU   time.Duration // user and system time of ffmpeg and pocketsphinx
}

// Transcribe returns the words spoken in audio, in lower case. contentType only
// explains errors: ffmpeg reads the format from the data.
func (o *Offline) Transcribe(ctx context.Context, audio io.Reader, contentType string) (string, error) {
	r, err := o.TranscribeResult(ctx, audio, contentType)
	return r.Text, err
}

// TranscribeResult is Transcribe with the audio's length and the CPU time spent.
func (o *Offline) TranscribeResult(ctx context.Context, audio io.Reader, contentType string) (Result, error) {
	scratch, err := os.MkdirTemp("", "frontdesk-voice-")
	if err != nil {
		return Result{}, fmt.Errorf("voice: scratch directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(scratch) }()
	in, wav := filepath.Join(scratch, "in"), filepath.Join(scratch, "16k.wav")
	if err := saveInput(in, audio); err != nil {
		return Result{}, err
	}
	// Both steps keep a CPU busy; the wait for a turn honours ctx.
	select {
	case o.sem <- struct{}{}:
		defer func() { <-o.sem }()
	case <-ctx.Done():
		return Result{}, fmt.Errorf("voice: waiting to transcribe: %w", ctx.Err())
	}
	var res Result
	if res.CPU, err = toWAV(ctx, in, wav, o.opts.MaxDuration, contentType); err != nil {
		return res, err
	}
	if res.Audio, err = wavDuration(wav); err != nil {
		return res, err
	}
	if res.Audio > o.opts.MaxDuration {
		return res, fmt.Errorf("%w: over %s", ErrTooLong, o.opts.MaxDuration)
	}
	text, cpu, err := o.decode(ctx, wav, scratch)
	res.Text, res.CPU = text, res.CPU+cpu
	return res, err
}
