package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/channels/voice"
)

// evalVoiceSentences are what the voice evaluation says. They were written for it, in
// the words of a clinic's callers (booking, moving, cancelling, hours, prices, parking,
// insurance, a person), and none is a sentence of the language model's corpus:
// evalVoice refuses to run if one is, so the score is not a test of memory.
func evalVoiceSentences() []string {
	return []string{
		"could i book a check up for next thursday morning",
		"do you have any appointments on friday afternoon",
		"i need to cancel my appointment on wednesday",
		"can i move my cleaning to monday at two thirty",
		"what time do you open on saturday morning",
		"how much would teeth whitening cost me",
		"is there parking near the clinic",
		"do you accept my insurance",
		"i have terrible tooth pain can i come in today",
		"are you open late on wednesday evening",
		"please book me in for half past nine on tuesday",
		"where exactly is your practice",
		"can my daughter have a check up as well",
		"i would like an emergency appointment this morning",
		"how long will the cleaning take",
		"is it alright to pay with my phone",
		"is the first appointment on monday free",
		"i'm going to be ten minutes late",
		"could you call me back this afternoon",
		"are you taking on new patients at the moment",
		"what is the price of a filling",
		"can i change my booking to the fourth of june",
		"thank you very much see you on friday",
		"i want to speak to a real person",
		"is the clinic open on sunday",
		"have you got anything at eleven fifteen tomorrow",
		"hello i'd like to make an appointment for my son",
		"how do i get to you from the station",
		"can i book two appointments back to back",
		"my appointment is at four pm on thursday can i come earlier",
	}
}

// voiceScore adds up word errors and costs over voice notes.
type voiceScore struct {
	errors, words int
	audio, cpu    time.Duration
}

func (s *voiceScore) add(reference string, r voice.Result) {
	n := len(strings.Fields(reference))
	s.errors += int(voice.WER(reference, r.Text)*float64(n) + 0.5)
	s.words += n
	s.audio += r.Audio
	s.cpu += r.CPU
}

func (s voiceScore) wer() float64 {
	if s.words == 0 {
		return 0
	}
	return float64(s.errors) / float64(s.words)
}

func (s voiceScore) cpuPerAudio() float64 {
	if s.audio == 0 {
		return 0
	}
	return s.cpu.Seconds() / s.audio.Seconds()
}

// voiceTake is one sentence said by one voice at one speed.
type voiceTake struct {
	voice string
	wpm   int
	text  string
}

// evalVoice has espeak-ng say evalVoiceSentences in several voices and speeds, transcribes
// each with the offline transcriber, once with the language model built from
// frontdesk's phrases and the demo clinic's services and documents and once with
// pocketsphinx's generic English model, and prints the word error rate of both per
// voice and speed, overall, and the CPU seconds spent per second of audio.
func evalVoice(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("eval voice", flag.ContinueOnError)
	corpusPath := fs.String("corpus", "", "a file of extra phrases for the language model (the intent training texts are always in it)")
	voicesFlag := fs.String("voices", "en-us+klatt2,en-us+klatt4,en-gb-x-rp+klatt2,en-us", "espeak-ng voices, comma-separated")
	speedsFlag := fs.String("speeds", "140,175,210", "speaking rates in words per minute, comma-separated")
	limit := fs.Int("limit", 0, "say only the first N sentences (0: all)")
	generic := fs.String("generic", "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin", "pocketsphinx's generic language model, the baseline")
	jobs := fs.Int("jobs", 2, "voice notes transcribed at once")
	cacheDir := fs.String("cache", "", "where built language models are kept (default: the user's cache directory)")
	worst := fs.Int("worst", 0, "also list the N voice notes our model got most wrong")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	voices := strings.Split(*voicesFlag, ",")
	var speeds []int
	for _, s := range strings.Split(*speedsFlag, ",") {
		wpm, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || wpm < 80 || wpm > 450 {
			return fmt.Errorf("eval voice: speed %q is not a rate of 80 to 450 words per minute: %w", s, errUsage)
		}
		speeds = append(speeds, wpm)
	}
	if fs.NArg() != 0 || *jobs < 1 || *limit < 0 || *worst < 0 {
		return fmt.Errorf("eval voice takes flags only: %w", errUsage)
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		return errors.New("eval voice: espeak-ng not found: install espeak-ng (apt-get install espeak-ng)")
	}
	opts, err := evalVoiceOptions(*corpusPath, *cacheDir, *jobs)
	if err != nil {
		return err
	}
	ours, err := voice.NewOffline(opts)
	if err != nil {
		return fmt.Errorf("eval voice: %w", err)
	}
	baseline, err := voice.NewOffline(voice.Options{LanguageModel: *generic, MaxConcurrent: *jobs})
	if err != nil {
		return fmt.Errorf("eval voice: %w", err)
	}
	sentences := evalVoiceSentences()
	if *limit > 0 && *limit < len(sentences) {
		sentences = sentences[:*limit]
	}
	learnt := ours.Corpus()
	for _, s := range sentences {
		if slices.Contains(learnt, s) {
			return fmt.Errorf("eval voice: %q is in the language model's corpus, so it would test memory", s)
		}
	}
	var takes []voiceTake
	for _, v := range voices {
		for _, wpm := range speeds {
			for _, s := range sentences {
				takes = append(takes, voiceTake{voice: strings.TrimSpace(v), wpm: wpm, text: s})
			}
		}
	}
	results, err := transcribeTakes(ctx, takes, *jobs, ours, baseline)
	if err != nil {
		return err
	}
	printVoiceTable(out, takes, results, len(sentences), len(voices), len(speeds))
	printWorstTakes(out, takes, results, *worst)
	return nil
}

// evalVoiceOptions builds the language model the way a server would for the demo
// clinic: the intent training texts, its documents and its services.
func evalVoiceOptions(corpusPath, cacheDir string, jobs int) (voice.Options, error) {
	corpus := []string{ai.TrainingText()}
	if corpusPath != "" {
		extra, err := os.ReadFile(corpusPath)
		if err != nil {
			return voice.Options{}, fmt.Errorf("eval voice: --corpus: %w", err)
		}
		corpus = append(corpus, string(extra))
	}
	for _, d := range demoDocuments {
		corpus = append(corpus, d.text)
	}
	var services []string
	for _, s := range demoServices() {
		services = append(services, s.Name)
	}
	return voice.Options{CacheDir: cacheDir, Corpus: corpus, Services: services, MaxConcurrent: jobs}, nil
}

// transcribeTakes synthesises every take and transcribes it with both models, jobs at
// a time; results[i] holds take i's transcripts by ours and by the baseline.
func transcribeTakes(ctx context.Context, takes []voiceTake, jobs int, ours, baseline *voice.Offline) ([][2]voice.Result, error) {
	scratch, err := os.MkdirTemp("", "frontdesk-eval-voice-")
	if err != nil {
		return nil, fmt.Errorf("eval voice: %w", err)
	}
	defer func() { _ = os.RemoveAll(scratch) }()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make([][2]voice.Result, len(takes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for i := range next {
				if err := transcribeTake(ctx, scratch, i, takes[i], ours, baseline, &results[i]); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range takes {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return results, nil
}

func transcribeTake(ctx context.Context, scratch string, i int, t voiceTake, ours, baseline *voice.Offline, r *[2]voice.Result) error {
	wav := filepath.Join(scratch, strconv.Itoa(i)+".wav")
	cmd := exec.CommandContext(ctx, "espeak-ng", "-v", t.voice, "-s", strconv.Itoa(t.wpm), "-w", wav, t.text)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("eval voice: espeak-ng -v %s: %w: %s", t.voice, err, strings.TrimSpace(string(msg)))
	}
	defer func() { _ = os.Remove(wav) }()
	for k, v := range []*voice.Offline{ours, baseline} {
		f, err := os.Open(wav)
		if err != nil {
			return fmt.Errorf("eval voice: %w", err)
		}
		r[k], err = v.TranscribeResult(ctx, f, "audio/wav")
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("eval voice: %s at %d wpm, %q: %w", t.voice, t.wpm, t.text, err)
		}
	}
	return nil
}

// printVoiceTable prints WER per voice and speed for both models, then the overall
// WER and the CPU cost of each.
func printVoiceTable(out io.Writer, takes []voiceTake, results [][2]voice.Result, nSentences, nVoices, nSpeeds int) {
	type key struct {
		voice string
		wpm   int
	}
	var order []key
	rows := map[key]*[2]voiceScore{}
	var total [2]voiceScore
	for i, t := range takes {
		k := key{t.voice, t.wpm}
		if rows[k] == nil {
			rows[k] = &[2]voiceScore{}
			order = append(order, k)
		}
		for m := range 2 {
			rows[k][m].add(t.text, results[i][m])
			total[m].add(t.text, results[i][m])
		}
	}
	fmt.Fprintf(out, "%d sentences x %d voices x %d speeds = %d voice notes, %.0f s of audio\n\n",
		nSentences, nVoices, nSpeeds, len(takes), total[0].audio.Seconds())
	fmt.Fprintf(out, "%-22s %5s %12s %12s\n", "voice", "wpm", "WER ours", "WER generic")
	for _, k := range order {
		fmt.Fprintf(out, "%-22s %5d %12.3f %12.3f\n", k.voice, k.wpm, rows[k][0].wer(), rows[k][1].wer())
	}
	fmt.Fprintf(out, "%-28s %12.3f %12.3f\n", "overall", total[0].wer(), total[1].wer())
	fmt.Fprintf(out, "%-28s %12.3f %12.3f\n", "cpu s per audio s", total[0].cpuPerAudio(), total[1].cpuPerAudio())
}

// printWorstTakes lists the n takes with the highest WER under our model, with what
// each model heard.
func printWorstTakes(out io.Writer, takes []voiceTake, results [][2]voice.Result, n int) {
	if n == 0 {
		return
	}
	idx := make([]int, len(takes))
	for i := range idx {
		idx[i] = i
	}
	wer := func(i int) float64 { return voice.WER(takes[i].text, results[i][0].Text) }
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(wer(b), wer(a)) })
	fmt.Fprintf(out, "\nworst %d:\n", min(n, len(idx)))
	for _, i := range idx[:min(n, len(idx))] {
		t := takes[i]
		fmt.Fprintf(out, "  %.2f  %s %d: %q\n        ours:    %q\n        generic: %q\n",
			wer(i), t.voice, t.wpm, t.text, results[i][0].Text, results[i][1].Text)
	}
}
