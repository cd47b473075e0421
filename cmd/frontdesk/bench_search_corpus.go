package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The synthetic knowledge base of bench search: FAQ answers and policy paragraphs of
// small businesses, made from the phrases below by a seeded generator, so every run
// loads the same corpus and no text comes from outside the project.
//
//nolint:gochecknoglobals // read-only phrase tables
var (
	corpusServices = strings.Fields(`check-up cleaning whitening filling crown implant extraction braces aligners
		veneers root-canal x-ray hygiene sedation dentures haircut colouring highlights blow-dry manicure pedicure
		facial massage waxing lashes brows consultation valuation survey viewing lease-renewal will probate
		conveyancing mortgage-advice physiotherapy osteopathy acupuncture reflexology yoga pilates spin-class
		personal-training nutrition-plan eye-test contact-lenses hearing-test vaccination microchipping grooming
		dog-walking boarding tutoring driving-lesson bike-repair tyre-change mot-test oil-change car-wash
		catering cake-order flower-delivery tailoring alterations shoe-repair key-cutting photo-printing`)
	corpusTopics = strings.Fields(`price cost deposit refund cancellation reschedule parking access wheelchair
		children pets insurance finance payment card cash invoice receipt warranty guarantee aftercare preparation
		duration waiting-list emergency weekend evening holiday gift-voucher loyalty discount student pensioner
		group booking online phone email address directions bus train bicycle privacy records consent complaint`)
	corpusDays   = strings.Fields(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday`)
	corpusPlaces = strings.Fields(`reception front-desk waiting-room car-park side-entrance first-floor ground-floor
		back-office treatment-room studio garden-room annex`)
	corpusPeople = strings.Fields(`Priya Tom Aisha Marek Sofia Daniel Chloe Oluwaseun Hannah Mateo Yuki Liam Zara
		Ravi Ingrid Kwame Elena Omar Grace Niamh`)
	corpusSentences = []string{
		"A {s} costs {p} pounds and takes about {m} minutes.",
		"We ask for a deposit of {p} pounds when you book a {s}; it comes off the final bill.",
		"You can cancel or move a {s} up to {h} hours before it without any charge.",
		"{n} looks after {s} appointments on {d} and {d2}.",
		"Parking is free in the {pl} for the first {h} hours; ask at the {pl2} for a ticket.",
		"On {d} we open at {t} and close at {t2}; the last {s} starts an hour before closing.",
		"Children under {a} must come with a parent or guardian for a {s}.",
		"We take card, cash and bank transfer; a {s} can be paid in {k} monthly instalments.",
		"Wheelchair users can enter by the {pl}; the {pl2} has step-free access.",
		"If you feel unwell before your {s}, call us and we will find another day.",
		"Gift vouchers for a {s} are sold at the {pl} and online, and last {k} months.",
		"Students and pensioners get {k}0 percent off every {s} from {d} to {d2}.",
		"Please arrive {k} minutes early for your first {s} so we can fill in the forms.",
		"Aftercare for a {s}: avoid hot drinks for {h} hours and call {n} with any worry.",
		"Emergency {s} slots are kept free every {d} morning for people in pain.",
		"The bus stops outside the {pl}; from the train station it is a {m} minute walk.",
		"Your records are kept private and never shared without your written consent.",
		"A complaint goes to {n}, who answers within {k} working days.",
	}
)

// corpusFiller replaces the placeholders of the phrase tables.
func corpusFiller(rng *rand.Rand) *strings.Replacer {
	pick := func(list []string) string { return strings.ReplaceAll(list[rng.IntN(len(list))], "-", " ") }
	clock := func() string { return fmt.Sprintf("%d:%02d", 7+rng.IntN(12), 15*rng.IntN(4)) }
	return strings.NewReplacer(
		"{s}", pick(corpusServices), "{p}", fmt.Sprint(10+5*rng.IntN(60)), "{m}", fmt.Sprint(10+5*rng.IntN(18)),
		"{h}", fmt.Sprint(2+rng.IntN(46)), "{n}", pick(corpusPeople), "{d}", pick(corpusDays), "{d2}", pick(corpusDays),
		"{pl}", pick(corpusPlaces), "{pl2}", pick(corpusPlaces), "{t}", clock(), "{t2}", clock(),
		"{a}", fmt.Sprint(12+rng.IntN(6)), "{k}", fmt.Sprint(2+rng.IntN(9)),
	)
}

// corpusChunk is one FAQ answer: a question about a service and topic as its heading,
// and two to five sentences.
func corpusChunk(rng *rand.Rand) (heading, content string) {
	service := strings.ReplaceAll(corpusServices[rng.IntN(len(corpusServices))], "-", " ")
	topic := strings.ReplaceAll(corpusTopics[rng.IntN(len(corpusTopics))], "-", " ")
	heading = fmt.Sprintf("What about %s for a %s?", topic, service)
	n := 2 + rng.IntN(4)
	sentences := make([]string, n)
	for i := range sentences {
		s := corpusSentences[rng.IntN(len(corpusSentences))]
		if i == 0 {
			s = strings.ReplaceAll(s, "{s}", service)
		}
		sentences[i] = corpusFiller(rng).Replace(s)
	}
	return heading, strings.Join(sentences, " ")
}

// corpusQuestion is what a customer might ask of such a knowledge base.
func corpusQuestion(rng *rand.Rand) string {
	forms := []string{
		"how much is a %s and what about %s?", "can I get %s for my %s", "%s %s?",
		"do you do %s, and is there %s", "what is your %s policy for a %s",
	}
	a := strings.ReplaceAll(corpusServices[rng.IntN(len(corpusServices))], "-", " ")
	b := strings.ReplaceAll(corpusTopics[rng.IntN(len(corpusTopics))], "-", " ")
	if rng.IntN(2) == 0 {
		a, b = b, a
	}
	return fmt.Sprintf(forms[rng.IntN(len(forms))], a, b)
}
