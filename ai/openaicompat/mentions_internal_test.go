package openaicompat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMentionsTime: an offered time counts in the forms models write it, and not as
// part of another time.
func TestMentionsTime(t *testing.T) {
	t.Parallel()
	half := time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC)
	for _, text := range []string{"1) Tue 14:30", "How about 2:30pm?", "2.30 PM works", "at 2:30 pm."} {
		require.True(t, mentionsTime(text, half), text)
	}
	for _, text := range []string{"at 12:30pm", "14:35", "2:30am", "2pm"} {
		require.False(t, mentionsTime(text, half), text)
	}
	two := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	require.True(t, mentionsTime("2pm or 3pm", two))
	require.True(t, mentionsTime("14:00", two))
	require.False(t, mentionsTime("12pm", two))
}
