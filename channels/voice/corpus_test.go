package voice

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSentences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Can I book a check-up at 3pm on Tues?", "can i book a check up at three pm on tuesday"},
		{"10:30 or 9:00am, £65.", "ten thirty or nine am sixty five pounds"},
		{"It's £2.50 and 20% off on the 21st of May 2025", "it's two pounds fifty and twenty percent off on the twenty first of may twenty twenty five"},
		{"call 07700 900123 pls", "call zero seven seven zero zero nine zero zero one two three please"},
		{"Id like an appt w/ Dr Patel & 2 kids", "i'd like an appointment w doctor patel and two kids"},
		{"open 9.30-5.00?", "open nine thirty five o'clock"},
		{"we have 1,250 patients since 2005 and 105 reviews", "we have one thousand two hundred and fifty patients since two thousand and five and one hundred and five reviews"},
		{"£0.50", "fifty p"},
		{"the 3rd, 12th, 2nd or 100th", "the third twelfth second or one hundredth"},
	} {
		var got []string
		for _, s := range sentences(tc.in) {
			got = append(got, strings.Join(s, " "))
		}
		require.Equal(t, tc.want, strings.Join(got, " "), tc.in)
	}
	require.Equal(t, [][]string{{"hello"}, {"book", "now"}}, sentences("# a comment\n## book_appointment\nHello. Book now!\n\n"))
	// Other languages stay out of the English model, however many of their words the
	// dictionary knows as names.
	require.Empty(t, sentences("gracias, hasta luego\nJe voudrais prendre rendez-vous\n¿están abiertos?\nKann ich für Montag buchen?"))
	require.Equal(t, [][]string{{"thanks"}}, sentences("Café au lait. Thanks!"))
}
