package voice

import (
	"strings"
	"unicode"
)

// foreign tells a sentence in another language, so its words stay out of an English
// language model: the intent training texts hold French, German and Spanish messages
// (to teach the classifier they are still bookings), and many of their words, such as
// "hasta" and "vous", are in the English dictionary as names. A letter outside ASCII or
// one of these common function words, none of them English, marks the sentence.
func foreign(tokens []string) bool {
	for _, w := range tokens {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) && r > unicode.MaxASCII }) >= 0 {
			return true
		}
		switch w {
		case "je", "vous", "est", "les", "une", "mon", "votre", "pour", "merci", "bonjour", "quel", "quelle",
			"le", "la", "de", "il", "que", "ich", "sie", "ist", "und", "nicht", "einen", "meinen", "der", "das",
			"kann", "bitte", "danke", "hallo", "wann", "wie", "el", "los", "una", "por", "para", "con", "es",
			"hasta", "gracias", "hola":
			return true
		}
	}
	return false
}
