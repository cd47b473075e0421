package voice_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/voice"
)

func TestWER(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ref, hyp string
		want           float64
	}{
		{"Same", "book a cleaning", "book a cleaning", 0},
		{"CaseAndPunctuation", "Book a cleaning, please!", "book a cleaning please", 0},
		{"Substitution", "book a cleaning on tuesday", "book a cleaning on thursday", 1.0 / 5},
		{"Deletion", "are you open on saturday", "are you open saturday", 1.0 / 5},
		{"Insertion", "how much is whitening", "how much is the whitening", 1.0 / 4},
		{"Mixed", "i would like to book", "i'd like a book", 3.0 / 5},
		{"MoreErrorsThanWords", "hi", "oh hi there", 2},
		{"NothingHeard", "are you open", "", 1},
		{"Apostrophes", "'I'd' like that", "i'd like that", 0},
		{"EmptyBoth", "", "", 0},
		{"EmptyReference", "...", "hello", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.InDelta(t, tc.want, voice.WER(tc.ref, tc.hyp), 1e-9)
		})
	}
}
