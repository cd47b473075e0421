package voice

import (
	"strconv"
	"strings"
	"unicode"
)

// sentences splits text into sentences of spoken, lower-case words: digits, times,
// prices and chat shorthand become the words a caller would say. Lines starting with
// "#" are comments, so a file in the format of ai/intents/train.txt can be passed whole.
func sentences(text string) [][]string {
	written := strings.NewReplacer("’", "'", "‘", "'", "&", " and ", "@", " at ", "a.m.", "am", "p.m.", "pm",
		"e.g.", "for example", "i.e.", "that is", "dr.", "dr ", "mr.", "mr ", "mrs.", "mrs ")
	var out [][]string
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, toks := range splitTokens(written.Replace(strings.ToLower(line))) {
			if foreign(toks) {
				continue
			}
			var words []string
			for _, t := range toks {
				words = append(words, speak(t)...)
			}
			if words = dropOClock(words); len(words) > 0 {
				out = append(out, words)
			}
		}
	}
	return out
}

// splitTokens cuts a lower-cased line into sentences of raw tokens. A token is a run of
// letters, digits and apostrophes; "." ":" and "," stay inside numbers (10:30, 2.50,
// 1,000), a currency sign may lead one and "%" may end one.
func splitTokens(line string) [][]string {
	rs := []rune(line)
	digitAt := func(i int) bool { return i >= 0 && i < len(rs) && unicode.IsDigit(rs[i]) }
	var out [][]string
	var sent []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			sent = append(sent, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			cur = append(cur, r)
		case (r == '.' || r == ':' || r == ',') && digitAt(i-1) && digitAt(i+1):
			cur = append(cur, r)
		case (r == '£' || r == '$' || r == '€') && digitAt(i+1):
			flush()
			cur = append(cur, r)
		case r == '%' && len(cur) > 0:
			cur = append(cur, r)
			flush()
		case r == '.' || r == '!' || r == '?' || r == ';':
			flush()
			if len(sent) > 0 {
				out = append(out, sent)
				sent = nil
			}
		default:
			flush()
		}
	}
	flush()
	if len(sent) > 0 {
		out = append(out, sent)
	}
	return out
}

// speak turns one raw token into the words said for it.
func speak(tok string) []string {
	tok = strings.Trim(tok, "'")
	switch {
	case tok == "":
		return nil
	case strings.HasPrefix(tok, "$"):
		return money(tok[1:], "dollars", "cents")
	case strings.HasPrefix(tok, "£"):
		return money(strings.TrimPrefix(tok, "£"), "pounds", "p")
	case strings.HasPrefix(tok, "€"):
		return money(strings.TrimPrefix(tok, "€"), "euros", "cents")
	case strings.HasSuffix(tok, "%"):
		return append(number(strings.TrimSuffix(tok, "%")), "percent")
	}
	// Runs of digits and of letters: "3pm", "21st", "m25".
	var out []string
	said := 0 // words the last run of digits became, when it was a whole number
	n := 0
	for _, run := range runs(tok) {
		if unicode.IsDigit(rune(run[0])) {
			w := number(run)
			out = append(out, w...)
			var err error
			if n, err = strconv.Atoi(run); err != nil {
				said = 0
			} else {
				said = len(w)
			}
			continue
		}
		if said > 0 && (run == "st" || run == "nd" || run == "rd" || run == "th") {
			out = append(out[:len(out)-said], ordinal(n)...)
		} else {
			out = append(out, shorthand(run)...)
		}
		said = 0
	}
	return out
}

// runs splits a token into runs of digits (with their separators) and runs of letters.
func runs(tok string) []string {
	var out []string
	start := 0
	isNum := func(b byte) bool { return (b >= '0' && b <= '9') || b == '.' || b == ':' || b == ',' }
	for i := 1; i <= len(tok); i++ {
		if i == len(tok) || isNum(tok[i]) != isNum(tok[start]) {
			out = append(out, tok[start:i])
			start = i
		}
	}
	return out
}

// number spells a run of digits that may hold a time (10:30, 9.30), a decimal or a
// thousands separator.
func number(s string) []string {
	if h, m, ok := strings.Cut(s, ":"); ok {
		hour, err1 := strconv.Atoi(h)
		minute, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || len(m) != 2 {
			return digits(s)
		}
		return clock(hour, minute)
	}
	if a, b, ok := strings.Cut(s, "."); ok {
		whole, err := strconv.Atoi(a)
		if err != nil {
			return digits(s)
		}
		// "9.30" is said like a time and "2.50" like a price: the same words either way.
		if frac, err := strconv.Atoi(b); err == nil && len(b) == 2 && whole <= 24 {
			return clock(whole, frac)
		}
		return append(append(cardinal(whole), "point"), digits(b)...)
	}
	grouped := strings.Contains(s, ",")
	s = strings.ReplaceAll(s, ",", "")
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || (len(s) >= 5 && !grouped) || (len(s) > 1 && s[0] == '0'):
		return digits(s) // a phone number or a code
	case len(s) == 4 && n >= 1900 && n < 2100:
		return year(n)
	default:
		return cardinal(n)
	}
}

// money spells an amount: "2.50" pounds is "two pounds fifty", "0.50" is "fifty p".
func money(amount, unit, sub string) []string {
	whole, frac, _ := strings.Cut(strings.ReplaceAll(amount, ",", ""), ".")
	n, err := strconv.Atoi(whole)
	if err != nil {
		return digits(amount)
	}
	f, err := strconv.Atoi(frac)
	switch {
	case err != nil || f == 0:
		return append(cardinal(n), unit)
	case n == 0:
		return append(cardinal(f), sub)
	default:
		return append(append(cardinal(n), unit), cardinal(f)...)
	}
}

// dropOClock removes "o'clock" where "am" or "pm" follows: "9:00am" is "nine am".
func dropOClock(words []string) []string {
	out := words[:0]
	for i, w := range words {
		if w == "o'clock" && i+1 < len(words) && (words[i+1] == "am" || words[i+1] == "pm") {
			continue
		}
		out = append(out, w)
	}
	return out
}

// shorthand expands what customers type but nobody says.
func shorthand(w string) []string {
	switch w {
	case "checkup":
		return []string{"check", "up"} // as "check-up" is written apart, so both are one phrase
	case "appt":
		return []string{"appointment"}
	case "appts":
		return []string{"appointments"}
	case "pls", "plz", "pleas":
		return []string{"please"}
	case "thx", "thnx", "tnx":
		return []string{"thanks"}
	case "ty":
		return []string{"thank", "you"}
	case "u":
		return []string{"you"}
	case "ur":
		return []string{"your"}
	case "r":
		return []string{"are"}
	case "tmrw", "tmr", "tmrow", "tomoz":
		return []string{"tomorrow"}
	case "mon":
		return []string{"monday"}
	case "tue", "tues":
		return []string{"tuesday"}
	case "thu", "thur", "thurs":
		return []string{"thursday"}
	case "fri":
		return []string{"friday"}
	case "hrs":
		return []string{"hours"}
	case "mins":
		return []string{"minutes"}
	case "wk":
		return []string{"week"}
	case "dr":
		return []string{"doctor"}
	case "mr":
		return []string{"mister"}
	case "mrs":
		return []string{"missus"}
	case "im":
		return []string{"i'm"}
	case "id":
		return []string{"i'd"}
	case "ive":
		return []string{"i've"}
	case "dont", "cant", "wont", "isnt", "doesnt", "didnt", "whats", "wheres", "hows", "thats", "youre":
		// The apostrophe goes before the last letter, or before "re" in "youre".
		if w == "youre" {
			return []string{"you're"}
		}
		if strings.HasSuffix(w, "nt") {
			return []string{w[:len(w)-1] + "'t"}
		}
		return []string{w[:len(w)-1] + "'s"}
	}
	return []string{w}
}
