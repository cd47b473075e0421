package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/voice"
)

func requireVoiceTools(t *testing.T) {
	t.Helper()
	if err := voice.Available(voice.Options{LanguageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"}); err != nil {
		t.Skipf("eval voice needs ffmpeg, pocketsphinx and pocketsphinx-en-us (scripts/setup.sh installs them): %v", err)
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("eval voice synthesises speech with espeak-ng (scripts/setup.sh installs it): not found")
	}
}

func TestEvalVoiceSubset(t *testing.T) {
	t.Parallel()
	requireVoiceTools(t)
	var out bytes.Buffer
	err := evalVoice(context.Background(), []string{"--cache", t.TempDir(),
		"--voices", "en-us+klatt2,en-gb-x-rp+klatt2", "--speeds", "175", "--limit", "5"}, &out)
	require.NoError(t, err)
	t.Log("\n" + out.String())

	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	require.Regexp(t, `^5 sentences x 2 voices x 1 speeds = 10 voice notes, \d+ s of audio$`, lines[0])
	require.Empty(t, lines[1])
	require.Regexp(t, `^voice\s+wpm\s+WER ours\s+WER generic$`, lines[2])
	row := regexp.MustCompile(`^(\S+)\s+(\d+)\s+(\d\.\d{3})\s+(\d\.\d{3})$`)
	require.Regexp(t, row, lines[3])
	require.True(t, strings.HasPrefix(lines[3], "en-us+klatt2 "))
	require.Regexp(t, row, lines[4])
	require.True(t, strings.HasPrefix(lines[4], "en-gb-x-rp+klatt2 "))
	require.Len(t, lines, 7)

	figures := func(line, label string) (ours, generic float64) {
		m := regexp.MustCompile(`^` + label + `\s+(\d+\.\d{3})\s+(\d+\.\d{3})$`).FindStringSubmatch(line)
		require.NotNil(t, m, "%q is %s and two figures", line, label)
		ours, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		generic, err = strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		return ours, generic
	}
	ours, generic := figures(lines[5], "overall")
	require.Less(t, ours, generic, "our language model beats the generic one")
	cpuOurs, cpuGeneric := figures(lines[6], "cpu s per audio s")
	require.Positive(t, cpuOurs)
	require.Positive(t, cpuGeneric)
}

// TestEvalVoiceSentencesUnseen checks the whole sentence set, which the quick subset
// above does not reach.
func TestEvalVoiceSentencesUnseen(t *testing.T) {
	t.Parallel()
	requireVoiceTools(t)
	opts, err := evalVoiceOptions("", t.TempDir(), 1)
	require.NoError(t, err)
	v, err := voice.NewOffline(opts)
	require.NoError(t, err)
	corpus := map[string]bool{}
	for _, s := range v.Corpus() {
		corpus[s] = true
	}
	require.Greater(t, len(corpus), 1000)
	sentences := evalVoiceSentences()
	require.Len(t, sentences, 30)
	var seen []string
	for _, s := range sentences {
		if corpus[s] {
			seen = append(seen, s)
		}
		require.Equal(t, strings.ToLower(s), s, "references are written as they are transcribed")
	}
	require.Empty(t, seen, "sentences the language model learnt")
}

func TestEvalVoiceInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var out bytes.Buffer
	require.ErrorIs(t, evalVoice(ctx, []string{"--speeds", "fast"}, &out), errUsage)
	require.ErrorIs(t, evalVoice(ctx, []string{"extra"}, &out), errUsage)
	requireVoiceTools(t)
	err := evalVoice(ctx, []string{"--corpus", "no/such/file.txt"}, &out)
	require.ErrorContains(t, err, "--corpus")
}
