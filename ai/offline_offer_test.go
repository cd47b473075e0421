package ai

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOfferAnswer(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }

	got := offerAnswer(SlotOffer{Service: "Cleaning", Asked: "tuesday", Slots: []time.Time{at(1, 16, 30), at(2, 9, 0), at(2, 9, 30)}})
	require.Equal(t, "I can offer these times for cleaning tuesday: 1) Tue 1 Dec 16:30, 2) Wed 2 Dec 09:00, 3) 09:30. "+
		"Reply with the one that suits you and we'll confirm it.", got)

	got = offerAnswer(SlotOffer{Choices: []string{"Cleaning", "Whitening", "Check-up"}})
	require.Equal(t, "I'd be glad to book you in. Which would you like: Cleaning, Whitening or Check-up?", got)

	got = offerAnswer(SlotOffer{Service: "Cleaning"})
	require.Contains(t, got, "asked the team", "no free time is never papered over")
}
