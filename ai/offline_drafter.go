package ai

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// OfflineDrafter writes replies from templates and the sources it is given. It never
// states a fact that is not in the request: without one it says it will check with the team.
type OfflineDrafter struct{}

// voice is how a personality opens, closes and defers.
type voice struct {
	hello, close, later, sorry string
}

var voices = map[string]voice{ //nolint:gochecknoglobals // read-only table
	"professional": {"Hello", "Is there anything else I can help you with?", "Thank you for your message. I will check with the team and get back to you shortly.", "I am sorry to hear that."},
	"friendly":     {"Hi there", "Anything else I can help with? 😊", "Thanks for your message! I'll check with the team and get back to you shortly.", "I'm so sorry to hear that."},
	"casual":       {"Hey", "Anything else?", "Good question! Let me check with the team and get back to you.", "Oh no, sorry about that."},
	"formal":       {"Good day", "Please let us know if we may assist you further.", "Thank you for your enquiry. I shall consult the team and reply to you shortly.", "Please accept our apologies."},
	"empathetic":   {"Hello", "I'm here if there's anything else you need.", "Thank you for reaching out. I want to get this right for you, so I'll check with the team and come back to you shortly.", "I'm really sorry you've had this experience."},
	"concise":      {"Hi", "", "I'll check with the team and reply shortly.", "Sorry about that."},
}

func voiceOf(personality string) voice {
	if v, ok := voices[personality]; ok {
		return v
	}
	return voices["friendly"]
}

// ProviderID names the model in metrics.
func (OfflineDrafter) ProviderID() string { return OfflineProviderID }

// Draft writes a reply for req.
func (OfflineDrafter) Draft(_ context.Context, req DraftRequest) (Draft, error) {
	v := voiceOf(req.Persona.Personality)
	d := Draft{Provider: OfflineProviderID}
	body, needsHuman := templateReply(req, v)
	d.NeedsHuman = needsHuman
	if body == "" {
		if a, n := answer(req.Message, req.Intent.Intent, req.Sources); a != "" {
			body, d.Cited = a, []int{n}
		} else {
			body = v.later
			d.NeedsHuman = true
		}
	}
	parts := []string{greet(v, req.ContactName) + "!", body}
	// A reply that asks the customer something ends with that question ("How can I help
	// you today?" needs no "Anything else?" after it).
	if !d.NeedsHuman && v.close != "" && req.Intent.Intent != IntentThanks && req.Intent.Intent != IntentGreeting && req.Offer == nil {
		parts = append(parts, v.close)
	}
	d.Text = strings.Join(parts, " ")
	return d, nil
}

// ReadsSources says whether the reply to req would be written from its sources: the
// pipeline searches the documents only then (a greeting or an offer of times reads none).
func (OfflineDrafter) ReadsSources(req DraftRequest) bool {
	body, _ := templateReply(req, voiceOf(req.Persona.Personality))
	return body == ""
}

// templateReply is the reply's body when the intent has a set answer ("" when the
// answer has to come from the sources), and whether it hands the customer to a person.
func templateReply(req DraftRequest, v voice) (body string, needsHuman bool) {
	switch req.Intent.Intent {
	case IntentGreeting:
		return fmt.Sprintf("I'm %s, the assistant at %s. How can I help you today?", req.Persona.AssistantName, req.Persona.BusinessName), false
	case IntentThanks:
		return "You're welcome!", false
	case IntentHours:
		return hoursAnswer(req), false
	case IntentComplaint:
		return v.sorry + " I have passed your message to the team, and a person will get back to you as soon as possible.", true
	case IntentHuman:
		return "Of course. I have asked a member of the team to reply to you personally.", true
	case IntentBook, IntentReschedule, IntentAvailability, IntentCancel:
		if req.Offer != nil && req.Intent.Intent != IntentCancel {
			return offerAnswer(*req.Offer), false
		}
		return "I'd be glad to help with your appointment. I'm checking with the team and will confirm the details with you shortly.", true
	}
	return "", false
}

// intentTerms are the words a passage answering an intent tends to use: "where are
// you?" shares no word with "we are at 12 Harley Row", but the address does.
var intentTerms = map[string]string{ //nolint:gochecknoglobals // read-only table
	IntentLocation: "address located location street road row avenue lane square station parking directions",
	IntentPricing:  "cost costs price prices fee",
	IntentHours:    "open opening hours",
}

// SearchHint is words to add to a knowledge search for a message of this intent, so
// "where are you?" finds the passage with the address.
func SearchHint(intent string) string { return intentTerms[intent] }

// greet is the persona's hello, with the customer's first name when it is known.
func greet(v voice, contactName string) string {
	if contactName == "" {
		return v.hello
	}
	return v.hello + " " + firstName(contactName)
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

var weekdays = map[string]time.Weekday{ //nolint:gochecknoglobals // read-only table
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// hoursAnswer answers from the opening hours: the day asked about, or the whole week.
func hoursAnswer(req DraftRequest) string {
	if len(req.Hours) == 0 {
		return ""
	}
	words := " " + normalise(req.Message) + " "
	var days []time.Weekday
	label := map[time.Weekday]string{}
	for name, d := range weekdays {
		if strings.Contains(words, " "+name) {
			days = append(days, d)
			label[d] = "on " + strings.ToUpper(name[:1]) + name[1:]
		}
	}
	if !req.Now.IsZero() {
		if strings.Contains(words, " today ") {
			d := req.Now.Weekday()
			days, label[d] = append(days, d), "today"
		}
		if strings.Contains(words, " tomorrow ") {
			d := req.Now.AddDate(0, 0, 1).Weekday()
			days, label[d] = append(days, d), "tomorrow"
		}
	}
	if strings.Contains(words, " weekend ") {
		days = append(days, time.Saturday, time.Sunday)
		label[time.Saturday], label[time.Sunday] = "on Saturday", "on Sunday"
	}
	if len(days) == 0 {
		return "Our opening hours are: " + weekSummary(req.Hours) + "."
	}
	sort.Slice(days, func(i, j int) bool { return (days[i]+6)%7 < (days[j]+6)%7 })
	var out []string
	for i, d := range days {
		if i > 0 && d == days[i-1] {
			continue
		}
		if w := req.Hours[d]; len(w) > 0 {
			yes := "Yes, "
			if i > 0 {
				yes = "And "
			}
			out = append(out, fmt.Sprintf("%swe're open %s from %s.", yes, label[d], strings.Join(w, " and ")))
		} else {
			out = append(out, fmt.Sprintf("We're closed %s.", label[d]))
		}
	}
	return strings.Join(out, " ")
}

func weekSummary(hours map[time.Weekday][]string) string {
	var parts []string
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		if w := hours[d]; len(w) > 0 {
			parts = append(parts, d.String()+" "+strings.Join(w, ", "))
		}
	}
	return strings.Join(parts, "; ")
}
