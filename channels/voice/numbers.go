package voice

import "strconv"

// Numbers are written the way a customer says them, because the language model and the
// recogniser only know words: "3pm" is "three pm", "10:30" is "ten thirty".

// cardinal spells 0 <= n < 1,000,000 in British English ("three hundred and five").
func cardinal(n int) []string {
	ones := [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens := [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	switch {
	case n < 0 || n >= 1_000_000:
		return digits(strconv.Itoa(n))
	case n < 20:
		return []string{ones[n]}
	case n < 100:
		if n%10 == 0 {
			return []string{tens[n/10]}
		}
		return []string{tens[n/10], ones[n%10]}
	case n < 1000:
		out := []string{ones[n/100], "hundred"}
		if n%100 != 0 {
			out = append(append(out, "and"), cardinal(n%100)...)
		}
		return out
	default:
		out := append(cardinal(n/1000), "thousand")
		switch r := n % 1000; {
		case r == 0:
		case r < 100:
			out = append(append(out, "and"), cardinal(r)...)
		default:
			out = append(out, cardinal(r)...)
		}
		return out
	}
}

// ordinal spells the nth ("twenty first").
func ordinal(n int) []string {
	w := cardinal(n)
	last := w[len(w)-1]
	switch last {
	case "one":
		last = "first"
	case "two":
		last = "second"
	case "three":
		last = "third"
	case "five":
		last = "fifth"
	case "eight":
		last = "eighth"
	case "nine":
		last = "ninth"
	case "twelve":
		last = "twelfth"
	default:
		if last[len(last)-1] == 'y' {
			last = last[:len(last)-1] + "ieth"
		} else {
			last += "th"
		}
	}
	w[len(w)-1] = last
	return w
}

// year spells 1900-2099 the way years are said ("nineteen ninety", "twenty twenty five").
func year(n int) []string {
	if n >= 2000 && n < 2010 {
		return cardinal(n)
	}
	w := cardinal(n / 100)
	switch r := n % 100; {
	case r == 0:
		return append(w, "hundred")
	case r < 10:
		return append(append(w, "oh"), cardinal(r)...)
	default:
		return append(w, cardinal(r)...)
	}
}

// clock spells the minutes of a time after its hour: "30" is "thirty", "05" is "oh
// five" and "00" is "o'clock" (dropped later when "am" or "pm" follows).
func clock(hour, minute int) []string {
	w := cardinal(hour)
	switch {
	case minute == 0:
		return append(w, "o'clock")
	case minute < 10:
		return append(append(w, "oh"), cardinal(minute)...)
	default:
		return append(w, cardinal(minute)...)
	}
}

// digits spells a string of digits one by one, as phone numbers are read.
func digits(s string) []string {
	var out []string
	for _, r := range s {
		if r >= '0' && r <= '9' {
			out = append(out, cardinal(int(r-'0'))...)
		}
	}
	return out
}
