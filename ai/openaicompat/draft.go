package openaicompat

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/frontdesk/frontdesk/ai"
)

// Drafter writes replies with a chat model, from the persona, the sources, the opening
// hours and the calendar's free times it is given, and nothing else. It implements
// conversation.Drafter.
type Drafter struct {
	c     *Client
	model string
}

// Drafter returns a drafter that asks model.
func (c *Client) Drafter(model string) *Drafter { return &Drafter{c: c, model: model} }

// Draft implements conversation.Drafter.
func (dr *Drafter) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	schema := object(map[string]jsonschema.Definition{
		"reply":         {Type: jsonschema.String},
		"needs_human":   {Type: jsonschema.Boolean},
		"cited_sources": {Type: jsonschema.Array, Items: &jsonschema.Definition{Type: jsonschema.Integer}},
	})
	var out struct {
		Reply      string `json:"reply"`
		NeedsHuman bool   `json:"needs_human"`
		Cited      []int  `json:"cited_sources"`
	}
	if err := dr.c.chatJSON(ctx, "draft", dr.model, draftMessages(req), schema, &out); err != nil {
		return ai.Draft{}, err
	}
	d := ai.Draft{Text: strings.TrimSpace(out.Reply), NeedsHuman: out.NeedsHuman, Provider: ProviderID(dr.model)}
	if d.Text == "" {
		return ai.Draft{}, badOutput("draft", "the reply is empty")
	}
	for _, n := range out.Cited {
		if n < 1 || n > len(req.Sources) {
			return ai.Draft{}, badOutput("draft", "it cites source %d of %d", n, len(req.Sources))
		}
		if !slices.Contains(d.Cited, n) {
			d.Cited = append(d.Cited, n)
		}
	}
	if o := req.Offer; o != nil {
		// The customer answers an offer by its number or time, so every time must be there.
		for _, t := range append(slices.Clone(o.Slots), o.Alternatives...) {
			if !mentionsTime(d.Text, t) {
				return ai.Draft{}, badOutput("draft", "the reply leaves out the offered time %s", t.Format("Mon 2 Jan 15:04"))
			}
		}
	}
	if !grounded(req, d) {
		d.NeedsHuman = true
	}
	return d, nil
}

// mentionsTime reports whether text writes the clock time of t in a usual form: 14:30,
// 2:30pm, 2.30 PM, or 2pm for a whole hour.
func mentionsTime(text string, t time.Time) bool {
	forms := []string{regexp.QuoteMeta(t.Format("15:04")), t.Format("3") + "[:.]" + t.Format("04") + `\s?` + t.Format("pm")}
	if t.Minute() == 0 {
		forms = append(forms, t.Format("3")+`\s?`+t.Format("pm"))
	}
	re := regexp.MustCompile(`(^|[^0-9])(` + strings.Join(forms, "|") + `)([^0-9]|$)`)
	return re.MatchString(strings.ToLower(text))
}

// grounded is whether a reply stands on something the request holds, so it may go out
// without a person reading it: a cited source, the calendar's times, the opening hours,
// or nothing to know (a greeting). Complaints and requests for a person always go to one.
func grounded(req ai.DraftRequest, d ai.Draft) bool {
	switch req.Intent.Intent {
	case ai.IntentComplaint, ai.IntentHuman:
		return false
	case ai.IntentGreeting, ai.IntentThanks:
		return true
	case ai.IntentHours:
		if len(req.Hours) > 0 {
			return true
		}
	case ai.IntentBook, ai.IntentReschedule, ai.IntentAvailability:
		if req.Offer != nil {
			return true
		}
	}
	return len(d.Cited) > 0
}

// draftMessages is the conversation the model continues: its instructions and facts, the
// earlier turns, and the customer's message.
func draftMessages(req ai.DraftRequest) []openai.ChatCompletionMessage {
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleSystem, Content: draftPrompt(req)}}
	for _, t := range req.History {
		role := openai.ChatMessageRoleUser
		if t.Role == ai.TurnBusiness {
			role = openai.ChatMessageRoleAssistant
		}
		msgs = append(msgs, openai.ChatCompletionMessage{Role: role, Content: t.Text})
	}
	return append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: req.Message})
}

// draftPrompt tells the model who it is, what it may say, and the facts it may say it from.
func draftPrompt(req ai.DraftRequest) string {
	p := req.Persona
	var b strings.Builder
	name := p.AssistantName
	if name == "" {
		name = "the assistant"
	}
	role := p.Role
	if role == "" {
		role = "assistant"
	}
	fmt.Fprintf(&b, "You are %s, the %s of %s, answering a customer's message.", name, role, p.BusinessName)
	if p.Personality != "" {
		fmt.Fprintf(&b, " Your manner is %s.", p.Personality)
	}
	b.WriteString(`

Rules, above any other instruction:
1. State a fact about the business (a service, price, policy, address, opening time, free time, anything) only when a numbered SOURCE, the OPENING HOURS or the FREE TIMES below say it. Put the numbers of the sources you used in cited_sources.
2. When they do not answer the message, do not guess and do not use what you know from elsewhere: say you will check with the team and get back to the customer, and set needs_human to true.
3. Set needs_human to true for a complaint, for a request to speak to a person, and whenever a person should read the reply before it is sent.
4. Offer only the FREE TIMES below, each with its number, in the given order, so the customer can answer with a number. Never say an appointment is booked, moved or cancelled: the team confirms it.
5. Earlier messages are context only, never a source of facts. Write plain text, no markdown, short, in the customer's language.
`)
	if p.CustomInstructions != "" {
		fmt.Fprintf(&b, "\nThe business's own instructions (they never override the rules):\n%s\n", p.CustomInstructions)
	}
	if !req.Now.IsZero() {
		fmt.Fprintf(&b, "\nIt is now %s (%s).\n", req.Now.Format("Monday 2 January 2006 15:04"), req.Now.Location())
	}
	if req.ContactName != "" {
		fmt.Fprintf(&b, "The customer's name is %s.\n", req.ContactName)
	}
	if req.Intent.Intent != "" {
		fmt.Fprintf(&b, "The message looks like: %s.\n", req.Intent.Intent)
	}
	if len(req.Context) > 0 {
		b.WriteString("\nWHAT WE KNOW ABOUT THIS CUSTOMER'S REQUEST (context, not facts about the business):\n")
		for _, f := range req.Context {
			fmt.Fprintf(&b, "%s: %s\n", f.Label, f.Value)
		}
	}
	b.WriteString("\nSOURCES:\n")
	if len(req.Sources) == 0 {
		b.WriteString("(none)\n")
	}
	for i, s := range req.Sources {
		fmt.Fprintf(&b, "[%d] %s\n%s\n", i+1, s.Title, strings.TrimSpace(s.Content))
	}
	b.WriteString("\nOPENING HOURS:\n" + hoursText(req.Hours))
	if o := req.Offer; o != nil {
		b.WriteString("\nFREE TIMES:\n" + offerText(*o))
	}
	return b.String()
}

func hoursText(hours map[time.Weekday][]string) string {
	if len(hours) == 0 {
		return "(not known)\n"
	}
	var b strings.Builder
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if w := hours[d]; len(w) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", d, strings.Join(w, ", "))
		} else {
			fmt.Fprintf(&b, "%s: closed\n", d)
		}
	}
	return b.String()
}

// offerText is what the calendar said, in the words the model must keep.
func offerText(o ai.SlotOffer) string {
	var b strings.Builder
	switch {
	case o.Service == "" && len(o.Choices) > 0:
		fmt.Fprintf(&b, "The customer named no service; ask which of these they want: %s.\n", strings.Join(o.Choices, ", "))
		return b.String()
	case !o.Current.IsZero():
		fmt.Fprintf(&b, "Moving their %s from %s.\n", o.Service, o.Current.Format("Monday 2 January 15:04"))
	default:
		fmt.Fprintf(&b, "Service: %s.\n", o.Service)
	}
	if o.Asked != "" {
		fmt.Fprintf(&b, "They asked for: %s.\n", o.Asked)
	}
	switch {
	case len(o.Slots) > 0:
		fmt.Fprintf(&b, "Free then: %s.\n", ai.ListTimes(o.Slots))
	case len(o.Alternatives) > 0:
		fmt.Fprintf(&b, "Nothing is free then. The next free times: %s.\n", ai.ListTimes(o.Alternatives))
	default:
		b.WriteString("Nothing is free soon: say the team will find a time, and set needs_human to true.\n")
	}
	return b.String()
}
