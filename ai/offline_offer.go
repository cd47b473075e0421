package ai

import (
	"fmt"
	"strings"
	"time"
)

// offerAnswer turns the calendar's free times into a reply. Every time in it comes from
// the calendar; the team confirms the booking the customer picks.
func offerAnswer(o SlotOffer) string {
	switch {
	case o.Service == "" && len(o.Choices) > 0:
		return "I'd be glad to book you in. Which would you like: " + joinOr(o.Choices) + "?"
	case len(o.Slots) > 0 && !o.Current.IsZero():
		return fmt.Sprintf("I can move your %s from %s at %s to one of these times: %s. Reply with the one that suits you.",
			strings.ToLower(o.Service), o.Current.Format("Monday 2 January"), o.Current.Format("15:04"), listTimes(o.Slots))
	case len(o.Slots) > 0:
		when := ""
		if o.Asked != "" {
			when = " " + o.Asked
		}
		return fmt.Sprintf("I can offer these times for %s%s: %s. Reply with the one that suits you and we'll confirm it.",
			strings.ToLower(o.Service), when, listTimes(o.Slots))
	case len(o.Alternatives) > 0:
		return fmt.Sprintf("I'm sorry, we have nothing free for %s %s. The next free times are: %s. Would one of those suit you?",
			strings.ToLower(o.Service), o.Asked, listTimes(o.Alternatives))
	default:
		return fmt.Sprintf("I'm sorry, I can't see a free time for %s soon. I've asked the team to find one for you.", strings.ToLower(o.Service))
	}
}

// listTimes numbers the times, naming each day once: "1) Tue 2 Dec 14:00, 2) 14:30".
func listTimes(ts []time.Time) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		label := t.Format("15:04")
		if i == 0 || !sameDay(t, ts[i-1]) {
			label = t.Format("Mon 2 Jan") + " " + label
		}
		parts[i] = fmt.Sprintf("%d) %s", i+1, label)
	}
	return strings.Join(parts, ", ")
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func joinOr(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// BookedReply confirms an appointment in the persona's voice.
func BookedReply(p Persona, contactName, service string, start time.Time) string {
	greeting := greet(voiceOf(p.Personality), contactName)
	return fmt.Sprintf("%s! You're booked for %s on %s at %s. Reply here if you need to change it.",
		greeting, strings.ToLower(service), start.Format("Monday 2 January"), start.Format("15:04"))
}

// TakenReply says the picked time went in the meantime, with the next free times.
func TakenReply(p Persona, contactName, service string, next []time.Time) string {
	greeting := greet(voiceOf(p.Personality), contactName)
	if len(next) == 0 {
		return greeting + "! Sorry, that time is no longer free, and I've asked the team to find you another."
	}
	return fmt.Sprintf("%s! Sorry, that time was just taken. I can offer these times for %s instead: %s. Reply with the one that suits you.",
		greeting, strings.ToLower(service), listTimes(next))
}

// CancelQuestion asks the customer to confirm which appointment to cancel.
func CancelQuestion(p Persona, contactName, service string, start time.Time) string {
	return fmt.Sprintf("%s! Would you like me to cancel your %s on %s at %s? Reply yes to cancel it.",
		greet(voiceOf(p.Personality), contactName), strings.ToLower(service), start.Format("Monday 2 January"), start.Format("15:04"))
}

// CancelledReply confirms a cancellation.
func CancelledReply(p Persona, contactName, service string, start time.Time) string {
	return fmt.Sprintf("%s! Done: your %s on %s at %s is cancelled. Write any time to book again.",
		greet(voiceOf(p.Personality), contactName), strings.ToLower(service), start.Format("Monday 2 January"), start.Format("15:04"))
}

// NoAppointmentReply says no upcoming appointment was found to cancel.
func NoAppointmentReply(p Persona, contactName string) string {
	return greet(voiceOf(p.Personality), contactName) + "! I can't find an upcoming appointment for you, so I've asked the team to help."
}

// MovedReply confirms a rescheduled appointment.
func MovedReply(p Persona, contactName, service string, start time.Time) string {
	return fmt.Sprintf("%s! Done: your %s is moved to %s at %s. Reply here if you need to change it again.",
		greet(voiceOf(p.Personality), contactName), strings.ToLower(service), start.Format("Monday 2 January"), start.Format("15:04"))
}

// ListTimes numbers offered times the way the offline drafter does, so any drafter's
// reply can be answered with "1" or "the 14:30".
func ListTimes(ts []time.Time) string { return listTimes(ts) }
