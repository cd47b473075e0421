package ai

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestExtractDates(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// Thursday 26 March 2026, 11:00 in London; the clocks go forward on Sunday the 29th.
	ukNow := time.Date(2026, 3, 26, 11, 0, 0, 0, london)
	// Friday 30 October 2026, 16:00 in New York; the clocks go back on Sunday 1 November.
	usNow := time.Date(2026, 10, 30, 16, 0, 0, 0, newYork)

	type span struct{ start, end string } // wall clock in the workspace's zone
	for _, tc := range []struct {
		name, text string
		now        time.Time
		region     string
		want       []span
	}{
		{"NextWeekdayAfterHour", "can I come next Tuesday after 3?", ukNow, "GB", []span{{"2026-03-31 15:00", "2026-04-01 00:00"}}},
		// Voice notes are transcribed as words.
		{"SpokenTime", "can i book a cleaning on tuesday at ten thirty", ukNow, "GB", []span{{"2026-03-31 10:30", "2026-03-31 10:30"}}},
		{"SpokenPM", "friday four pm please", ukNow, "GB", []span{{"2026-03-27 16:00", "2026-03-27 16:00"}}},
		{"SpokenHalfPast", "monday at half past two", ukNow, "GB", []span{{"2026-03-30 14:30", "2026-03-30 14:30"}}},
		{"SpokenQuarterTo", "saturday quarter to eleven", ukNow, "GB", []span{{"2026-03-28 10:45", "2026-03-28 10:45"}}},
		{"SpokenCountIsNotATime", "saturday for two people", ukNow, "GB", []span{{"2026-03-28 00:00", "2026-03-29 00:00"}}},
		{"SpokenBetween", "friday between two and four pm", ukNow, "GB", []span{{"2026-03-27 14:00", "2026-03-27 16:00"}}},
		{"TomorrowMorning", "tomorrow morning", ukNow, "GB", []span{{"2026-03-27 08:00", "2026-03-27 12:00"}}},
		{"DayOfMonthAtTime", "the 14th at 10:30", ukNow, "GB", []span{{"2026-04-14 10:30", "2026-04-14 10:30"}}},
		{"ThisSaturday", "this Saturday", ukNow, "GB", []span{{"2026-03-28 00:00", "2026-03-29 00:00"}}},
		{"InTwoWeeks", "in 2 weeks", ukNow, "GB", []span{{"2026-04-09 00:00", "2026-04-10 00:00"}}},
		{"MonthDayTime", "Dec 3rd 2pm", ukNow, "GB", []span{{"2026-12-03 14:00", "2026-12-03 14:00"}}},
		{"DayMonthYear", "on 3 December 2027 please", ukNow, "GB", []span{{"2027-12-03 00:00", "2027-12-04 00:00"}}},
		{"PastMonthDayIsNextYear", "March 2nd", ukNow, "GB", []span{{"2027-03-02 00:00", "2027-03-03 00:00"}}},
		{"BareHourIsAfternoon", "could I come in at 4", ukNow, "GB", []span{{"2026-03-26 16:00", "2026-03-26 16:00"}}},
		{"PassedTimeIsTomorrow", "9am?", ukNow, "GB", []span{{"2026-03-27 09:00", "2026-03-27 09:00"}}},
		{"Between", "Friday between 2 and 4pm", ukNow, "GB", []span{{"2026-03-27 14:00", "2026-03-27 16:00"}}},
		{"DashRange", "monday 11-1pm", ukNow, "GB", []span{{"2026-03-30 11:00", "2026-03-30 13:00"}}},
		{"Before", "wed before 5:30", ukNow, "GB", []span{{"2026-04-01 00:00", "2026-04-01 17:30"}}},
		{"TwoDaysOneTime", "Monday or Tuesday after 3", ukNow, "GB", []span{
			{"2026-03-30 15:00", "2026-03-31 00:00"}, {"2026-03-31 15:00", "2026-04-01 00:00"},
		}},
		{"Tonight", "are you free tonight", ukNow, "GB", []span{{"2026-03-26 18:00", "2026-03-26 23:00"}}},
		{"DayAfterTomorrow", "the day after tomorrow at noon", ukNow, "GB", []span{{"2026-03-28 12:00", "2026-03-28 12:00"}}},
		{"NumericDateGB", "3/11 at 2", ukNow, "GB", []span{{"2026-11-03 14:00", "2026-11-03 14:00"}}},
		{"NextWeek", "any time next week", ukNow, "GB", []span{{"2026-03-30 00:00", "2026-04-06 00:00"}}},
		{"NextMonth", "sometime next month after 5", ukNow, "GB", []span{{"2026-04-01 00:00", "2026-05-01 00:00"}}},
		{"NoDates", "I'd like 2 and 3 fillings, I'm 45", ukNow, "GB", nil},
		{"SatIsAVerb", "I sat in the sun", ukNow, "GB", nil},

		{"MondayAcrossFallBack", "Monday at 9am", usNow, "US", []span{{"2026-11-02 09:00", "2026-11-02 09:00"}}},
		{"TomorrowEvening", "tmrw evening", usNow, "US", []span{{"2026-10-31 17:00", "2026-10-31 21:00"}}},
		{"ThisWeekend", "this weekend", usNow, "US", []span{{"2026-10-31 00:00", "2026-11-02 00:00"}}},
		{"NumericDateUS", "11/3 at 2", usNow, "US", []span{{"2026-11-03 14:00", "2026-11-03 14:00"}}},
		{"InThreeDays", "in three days", usNow, "US", []span{{"2026-11-02 00:00", "2026-11-03 00:00"}}},
		{"NextFriday", "next Friday 10:15", usNow, "US", []span{{"2026-11-06 10:15", "2026-11-06 10:15"}}},
		{"TheThirtyFirst", "the 31st", usNow, "US", []span{{"2026-10-31 00:00", "2026-11-01 00:00"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ExtractEntities(tc.text, tc.now, tc.region).Dates
			var spans []span
			for _, r := range got {
				require.Equal(t, tc.now.Location(), r.Start.Location())
				spans = append(spans, span{r.Start.Format("2006-01-02 15:04"), r.End.Format("2006-01-02 15:04")})
				require.NotEmpty(t, r.Text)
			}
			require.Equal(t, tc.want, spans, tc.text)
		})
	}
}

func TestExtractDatesAcrossDST(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	now := time.Date(2026, 3, 26, 11, 0, 0, 0, london)
	// Sunday the 29th is 23 hours long; next Tuesday at 10 is 09:00 UTC (BST), not 10:00.
	sunday := ExtractEntities("Sunday", now, "GB").Dates
	require.Len(t, sunday, 1)
	require.Equal(t, 23*time.Hour, sunday[0].End.Sub(sunday[0].Start))
	tuesday := ExtractEntities("next tuesday at 10am", now, "GB").Dates
	require.Len(t, tuesday, 1)
	require.Equal(t, time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC), tuesday[0].Start.UTC())
	// A week ahead is the same wall-clock hour, 167 hours away.
	inHours := ExtractEntities("in 2 hours", now, "GB").Dates
	require.Equal(t, now.Add(2*time.Hour), inHours[0].Start)

	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	fri := time.Date(2026, 10, 30, 16, 0, 0, 0, newYork)
	weekend := ExtractEntities("this weekend", fri, "US").Dates
	require.Equal(t, 49*time.Hour, weekend[0].End.Sub(weekend[0].Start), "the weekend the clocks go back")
	monday := ExtractEntities("Monday at 9am", fri, "US").Dates
	require.Equal(t, time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC), monday[0].Start.UTC(), "EST, not EDT")
}

func TestExtractContacts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 26, 11, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text   string
		region string
		want   Entities
	}{
		{"Hi, I'm Jane, can I book?", "GB", Entities{Name: "Jane"}},
		{"this is Sam Lee from Acme, call me on 07700 900123", "GB", Entities{Name: "Sam Lee", Phone: "+447700900123"}},
		{"my name is maria garcia and I need a cleaning", "GB", Entities{Name: "maria garcia"}},
		{"I'm running late, sorry", "GB", Entities{}},
		{"I'm Sorry, I am not sure", "GB", Entities{}},
		{"email me at jane.doe+dentist@example.co.uk please", "GB", Entities{Email: "jane.doe+dentist@example.co.uk"}},
		{"my number is (212) 555-0142", "US", Entities{Phone: "+12125550142"}},
		{"call +44 20 7946 0958", "US", Entities{Phone: "+442079460958"}},
		{"order 12345 was wrong", "GB", Entities{}},
	} {
		got := ExtractEntities(tc.text, now, tc.region)
		got.Dates = nil
		require.Equal(t, tc.want, got, tc.text)
	}
}

func TestExtractEntitiesTogether(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	now := time.Date(2026, 3, 26, 11, 0, 0, 0, london)
	got := ExtractEntities("Hi, this is Sam Lee. Can I come in next Tuesday after 3? My number is 07700 900123, "+
		"or sam@example.com", now, "GB")
	require.Equal(t, "Sam Lee", got.Name)
	require.Equal(t, "+447700900123", got.Phone)
	require.Equal(t, "sam@example.com", got.Email)
	require.Len(t, got.Dates, 1, "the phone number is not read as a date or a time")
	require.Equal(t, "next tuesday after 3", got.Dates[0].Text)
	require.Equal(t, time.Date(2026, 3, 31, 15, 0, 0, 0, london), got.Dates[0].Start)
}
