package voice

import (
	"fmt"
	"strings"
)

// bookingTemplates are things customers say when they book, move, cancel or ask, with
// slots for the days, times, dates and numbers a booking turns on. The intent training
// texts are written, not spoken, and mention few times, so without these the recogniser
// hears "two's day" where a caller said "tuesday".
func bookingTemplates() []string {
	return []string{
		"i would like to book {svc} on {day} at {time}",
		"can i book {svc} for {day} {part}",
		"could i get {svc} on {day} the {ord}",
		"i'd like {svc} {when} at {time}",
		"book me in for {time} on {day}",
		"can you fit me in {when} at {time}",
		"do you have {svc} available on {day}",
		"is there anything free on {day} {part}",
		"have you got a slot on the {ord} of {month}",
		"can i come in on {month} {ord} at {time}",
		"i need {svc} for {count} people on {day}",
		"is {time} on {day} okay",
		"yes {time} is fine",
		"{day} at {time} please",
		"what about {day} at {time}",
		"can i move my {bare} from {day} to {day}",
		"i need to change my appointment to {time} on {day}",
		"can we make it {time} instead",
		"i need to cancel my {bare} on {day}",
		"please cancel my appointment on the {ord}",
		"are you open on {day}",
		"what time do you open on {day}",
		"what time do you close on {day}",
		"are you open {when}",
		"when are you open on {day} {part}",
		"how much is {svc}",
		"how much does {bare} cost",
		"is it {price}",
		"how long does {bare} take",
		"does it take {mins} minutes",
		"my number is {phone}",
		"i'm running {mins} minutes late",
		"see you on {day} at {time}",
		"i'll be there at {time} on the {ord}",
	}
}

// bookingSentences fills every template several times, cycling each slot through its
// values so every day, hour and date appears, with services the caller adds.
func bookingSentences(services []string) []string {
	bare := []string{"appointment", "cleaning", "check up", "filling", "consultation", "whitening",
		"hygienist appointment", "emergency appointment", "haircut", "massage", "viewing"}
	for _, s := range services {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			bare = append(bare, s)
		}
	}
	svc := make([]string, len(bare))
	for i, s := range bare {
		svc[i] = article(s) + " " + s
	}
	slots := map[string][]string{
		"svc":   svc,
		"bare":  bare,
		"day":   []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"},
		"when":  []string{"today", "tomorrow", "this afternoon", "tomorrow morning", "next week", "this week", "the day after tomorrow", "this weekend", "next monday", "next friday"},
		"part":  []string{"morning", "afternoon", "evening", "at lunchtime"},
		"time":  spokenTimes(),
		"ord":   spokenOrdinals(31),
		"month": []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"},
		"count": []string{"one", "two", "three", "four", "five", "six"},
		"price": spokenPrices(),
		"mins":  []string{"five", "ten", "fifteen", "twenty", "thirty", "forty five", "sixty", "ninety"},
		"phone": spokenPhones(),
	}
	next := map[string]int{}
	fill := func(slot string) string {
		v := slots[slot]
		s := v[next[slot]%len(v)]
		next[slot]++
		return s
	}
	const rounds = 24
	var out []string
	for range rounds {
		for _, t := range bookingTemplates() {
			var b strings.Builder
			for {
				open := strings.IndexByte(t, '{')
				if open < 0 {
					b.WriteString(t)
					break
				}
				end := strings.IndexByte(t[open:], '}') + open
				b.WriteString(t[:open])
				b.WriteString(fill(t[open+1 : end]))
				t = t[end+1:]
			}
			out = append(out, b.String())
		}
	}
	return out
}

// article is "a" or "an" for the service that follows.
func article(s string) string {
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an"
	}
	return "a"
}

// spokenTimes are the ways a time of day is said, for every hour on a clock face.
func spokenTimes() []string {
	forms := []string{"%s", "%s o'clock", "%s thirty", "half past %s", "%s fifteen", "quarter past %s",
		"%s forty five", "quarter to %s", "%s am", "%s pm", "%s thirty pm", "%s in the morning"}
	var out []string
	for _, f := range forms {
		for h := 1; h <= 12; h++ {
			out = append(out, fmt.Sprintf(f, strings.Join(cardinal(h), " ")))
		}
	}
	return append(out, "noon", "midday", "lunchtime")
}

func spokenOrdinals(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Join(ordinal(i+1), " ")
	}
	return out
}

func spokenPrices() []string {
	var out []string
	for _, p := range []int{10, 15, 20, 25, 30, 40, 45, 50, 60, 65, 70, 75, 80, 90, 95, 100, 120, 150, 200, 250, 300, 500} {
		out = append(out, strings.Join(cardinal(p), " ")+" pounds")
	}
	return out
}

// spokenPhones are a few made-up UK mobile numbers read digit by digit.
func spokenPhones() []string {
	var out []string
	for _, n := range []string{"07700900123", "07700900456", "07700900789", "02079460000", "07911123456"} {
		out = append(out, strings.Join(digits(n), " "))
	}
	return out
}
