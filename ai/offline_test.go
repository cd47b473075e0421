package ai

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOfflineDrafter(t *testing.T) {
	t.Parallel()
	saturday := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	base := DraftRequest{
		Persona: Persona{BusinessName: "Bright Smile", AssistantName: "Ava", Personality: "friendly"},
		Hours: map[time.Weekday][]string{
			time.Monday: {"09:00–17:00"}, time.Saturday: {"09:00–13:00"},
		},
		Now:     saturday,
		Sources: []Source{{Title: "Prices", Content: "A routine cleaning costs £65. Whitening starts at £250."}},
	}
	draft := func(msg, intent string) Draft {
		req := base
		req.Message, req.Intent = msg, Classification{Intent: intent, Confidence: 0.8}
		d, err := OfflineDrafter{}.Draft(context.Background(), req)
		require.NoError(t, err)
		require.Equal(t, OfflineProviderID, d.Provider)
		return d
	}

	t.Run("HoursOfTheDayAsked", func(t *testing.T) {
		t.Parallel()
		d := draft("Are you open on Saturday?", IntentHours)
		require.Contains(t, d.Text, "we're open on Saturday from 09:00–13:00")
		require.False(t, d.NeedsHuman)
	})
	t.Run("ClosedDay", func(t *testing.T) {
		t.Parallel()
		require.Contains(t, draft("open on sunday?", IntentHours).Text, "We're closed on Sunday.")
	})
	t.Run("TomorrowInTheBusinessTimezone", func(t *testing.T) {
		t.Parallel()
		require.Contains(t, draft("are you open tomorrow?", IntentHours).Text, "closed tomorrow")
	})
	t.Run("WholeWeek", func(t *testing.T) {
		t.Parallel()
		require.Contains(t, draft("what are your hours?", IntentHours).Text, "Monday 09:00–17:00; Saturday 09:00–13:00")
	})
	t.Run("AnswersFromSources", func(t *testing.T) {
		t.Parallel()
		d := draft("How much is a cleaning?", IntentPricing)
		require.Contains(t, d.Text, "A routine cleaning costs £65.")
		require.NotContains(t, d.Text, "Whitening", "only the sentence that answers")
		require.Equal(t, []int{1}, d.Cited)
	})
	t.Run("NeverInvents", func(t *testing.T) {
		t.Parallel()
		d := draft("Do you treat horses?", IntentQuestion)
		require.True(t, d.NeedsHuman)
		require.Contains(t, d.Text, "check with the team")
		require.NotContains(t, d.Text, "£")
		require.Empty(t, d.Cited)
	})
	t.Run("AvailabilityIsHandedOverLikeBooking", func(t *testing.T) {
		t.Parallel()
		for _, intent := range []string{IntentAvailability, IntentBook, IntentReschedule, IntentCancel} {
			d := draft("any free slots on Friday?", intent)
			require.True(t, d.NeedsHuman, intent)
			require.Contains(t, d.Text, "checking with the team", intent)
		}
	})
	t.Run("OutOfScopeAnswersFromSourcesOrHandsOver", func(t *testing.T) {
		t.Parallel()
		d := draft("is a routine cleaning expensive", IntentUnknown)
		require.False(t, d.NeedsHuman)
		require.Contains(t, d.Text, "£65")
		d = draft("what's the weather like", IntentUnknown)
		require.True(t, d.NeedsHuman)
		require.NotContains(t, d.Text, "£")
	})
	t.Run("GreetingAsksOnce", func(t *testing.T) {
		t.Parallel()
		d := draft("hi there", IntentGreeting)
		require.True(t, strings.HasSuffix(d.Text, "How can I help you today?"), d.Text)
		require.Equal(t, 1, strings.Count(d.Text, "?"), d.Text)
	})
	t.Run("ComplaintGoesToAPerson", func(t *testing.T) {
		t.Parallel()
		d := draft("awful service", IntentComplaint)
		require.True(t, d.NeedsHuman)
	})
	t.Run("Personality", func(t *testing.T) {
		t.Parallel()
		req := base
		req.Persona.Personality = "formal"
		req.Message, req.Intent = "what are your hours", Classification{Intent: IntentHours}
		d, err := OfflineDrafter{}.Draft(context.Background(), req)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(d.Text, "Good day!"), d.Text)
	})
}

// TestOfflineDrafterSaysWhenItReadsSources: the pipeline searches the documents only for
// the replies written from them, so what ReadsSources says must match what Draft does
// with the sources.
func TestOfflineDrafterSaysWhenItReadsSources(t *testing.T) {
	t.Parallel()
	withHours := map[time.Weekday][]string{time.Monday: {"09:00–17:00"}}
	offer := &SlotOffer{Service: "Check-up", Slots: []time.Time{time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}}
	cases := []struct {
		name, msg, intent string
		hours             map[time.Weekday][]string
		offer             *SlotOffer
		reads             bool
	}{
		{"Price", "How much is a cleaning?", IntentPricing, withHours, nil, true},
		{"Question", "Do you treat horses?", IntentQuestion, withHours, nil, true},
		{"Location", "where are you", IntentLocation, withHours, nil, true},
		{"OutOfScope", "is a routine cleaning expensive", IntentUnknown, withHours, nil, true},
		{"HoursWithoutHours", "when are you open", IntentHours, nil, nil, true},
		{"HoursFromTheWeek", "when are you open", IntentHours, withHours, nil, false},
		{"Greeting", "hi there", IntentGreeting, withHours, nil, false},
		{"Thanks", "thanks!", IntentThanks, withHours, nil, false},
		{"Complaint", "awful service", IntentComplaint, withHours, nil, false},
		{"Person", "a human please", IntentHuman, withHours, nil, false},
		{"BookingWithTimes", "book me in friday", IntentBook, withHours, offer, false},
		{"BookingWithoutTimes", "book me in friday", IntentBook, withHours, nil, false},
		{"Cancel", "cancel my appointment", IntentCancel, withHours, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			req := DraftRequest{
				Persona: Persona{BusinessName: "Bright Smile", AssistantName: "Ava"},
				Message: c.msg, Intent: Classification{Intent: c.intent, Confidence: 0.9},
				Hours: c.hours, Offer: c.offer, Now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC),
			}
			require.Equal(t, c.reads, OfflineDrafter{}.ReadsSources(req))
			without, err := OfflineDrafter{}.Draft(context.Background(), req)
			require.NoError(t, err)
			req.Sources = []Source{{Title: "Everything", Content: "A routine cleaning costs £65. We are at 12 Harley Row. We treat horses. We are open on Sundays."}}
			with, err := OfflineDrafter{}.Draft(context.Background(), req)
			require.NoError(t, err)
			if !c.reads {
				require.Equal(t, without, with, "a reply that reads no sources is the same with them")
			}
		})
	}
}

// TestAnswerCoversTheQuestion: a passage answers only when it is about what was asked,
// however the customer words it; a passage on the same topic that does not say it is
// no answer.
func TestAnswerCoversTheQuestion(t *testing.T) {
	t.Parallel()
	sources := []Source{
		{Title: "prices.md", Heading: "Prices › Teeth whitening", Content: "Home whitening with custom trays costs £295.\nIn-surgery laser\nwhitening is £450."},
		{Title: "faq.csv", Heading: "Can I park at the clinic?", Content: "We have no car park of our own, but there is street parking on Elm Road."},
		{Title: "faq.csv", Heading: "Are you taking on new patients?", Content: "Yes. Book a new patient examination online."},
		{Title: "team.md", Heading: "Team › Dr Tomasz Nowak", Content: "Tomasz joined us in 2019. He speaks English and Polish."},
	}
	for _, c := range []struct{ question, intent, want string }{
		{"how much is teeth whitening?", IntentPricing, "Home whitening with custom trays costs £295."},
		{"price for laser whitenning", IntentPricing, "In-surgery laser whitening is £450."},
		{"where do I leave my car", IntentLocation, "street parking"},
		{"are you accepting new patients", IntentQuestion, "Yes. Book a new patient examination online."},
		{"does any dentist speak polish", IntentQuestion, "Tomasz joined us in 2019. He speaks English and Polish."},
		{"How much are veneers?", IntentPricing, ""},
		{"how much is a laser whitening course for kids", IntentPricing, ""},
		{"Is whitening safe when pregnant?", IntentQuestion, ""},
		{"do you have a student discount", IntentQuestion, ""},
		{"how much is parking?", IntentPricing, ""},
	} {
		got, cited := answer(c.question, c.intent, sources)
		if c.want == "" {
			require.Empty(t, got, c.question)
			require.Zero(t, cited, c.question)
			continue
		}
		require.Contains(t, got, c.want, c.question)
		require.Contains(t, sources[cited-1].Content, strings.Fields(c.want)[0], "the cited source holds the answer: %s", c.question)
	}
}
