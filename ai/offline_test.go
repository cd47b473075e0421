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
	})
	t.Run("NeverInvents", func(t *testing.T) {
		t.Parallel()
		d := draft("Do you treat horses?", IntentQuestion)
		require.True(t, d.NeedsHuman)
		require.Contains(t, d.Text, "check with the team")
		require.NotContains(t, d.Text, "£")
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
