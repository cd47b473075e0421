package ai

import (
	"regexp"
	"strconv"
	"strings"
)

// Voice notes arrive as words: "tuesday at ten thirty", "half past two", "four pm".
// spokenTimes rewrites clock times said in words as digits ("at 10:30", "2:30",
// "4 pm") so the date patterns read them as they read typed times. A number word
// becomes a time only where it plainly is one: after "at", "by", "from" and the like,
// or before "am", "pm" or "o'clock"; "two people" stays two people.

const hourWords = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve`

const minuteWords = `o'?clock|fifteen|twenty[\s-]five|twenty|thirty[\s-]five|thirty|forty[\s-]five|forty|fifty[\s-]five|fifty`

var (
	spokenRange     = regexp.MustCompile(`\b(between|from)\s+(` + hourWords + `)(?:\s+(` + minuteWords + `))?\s+(and|to|till|until)\s+(` + hourWords + `)(?:\s+(` + minuteWords + `))?\b`) //nolint:gochecknoglobals // compiled once
	spokenAfterWord = regexp.MustCompile(`\b(at|by|around|after|before|from|until|till)\s+(` + hourWords + `)(?:\s+(` + minuteWords + `))?\b`)                                             //nolint:gochecknoglobals // compiled once
	spokenBeforeDay = regexp.MustCompile(`\b(` + hourWords + `)(?:\s+(` + minuteWords + `))?\s+(a\.?\s?m\b\.?|p\.?\s?m\b\.?|o'?clock\b)`)                                                  //nolint:gochecknoglobals // compiled once
	spokenHalfPast  = regexp.MustCompile(`\b(half|quarter)\s+(past|to)\s+(` + hourWords + `)\b`)                                                                                           //nolint:gochecknoglobals // compiled once
)

func hourNumber(w string) int {
	for i, h := range strings.Split(hourWords, "|") {
		if h == w {
			return i + 1
		}
	}
	return 0
}

func minuteNumber(w string) int {
	w = strings.NewReplacer("-", " ", "  ", " ").Replace(w)
	switch {
	case w == "" || strings.HasPrefix(w, "o"):
		return 0
	case w == "fifteen":
		return 15
	}
	n := 0
	for _, part := range strings.Fields(w) {
		switch part {
		case "twenty":
			n += 20
		case "thirty":
			n += 30
		case "forty":
			n += 40
		case "fifty":
			n += 50
		case "five":
			n += 5
		}
	}
	return n
}

func spokenClock(h, m int) string {
	if m == 0 {
		return strconv.Itoa(h)
	}
	return strconv.Itoa(h) + ":" + strconv.Itoa(100 + m)[1:]
}

func spokenTimes(text string) string {
	text = spokenHalfPast.ReplaceAllStringFunc(text, func(s string) string {
		m := spokenHalfPast.FindStringSubmatch(s)
		h, mins := hourNumber(m[3]), 30
		if m[1] == "quarter" {
			mins = 15
		}
		if m[2] == "to" {
			h, mins = (h+10)%12+1, 60-mins
		}
		return spokenClock(h, mins)
	})
	text = spokenRange.ReplaceAllStringFunc(text, func(s string) string {
		m := spokenRange.FindStringSubmatch(s)
		return m[1] + " " + spokenClock(hourNumber(m[2]), minuteNumber(m[3])) + " " + m[4] + " " + spokenClock(hourNumber(m[5]), minuteNumber(m[6]))
	})
	text = spokenBeforeDay.ReplaceAllStringFunc(text, func(s string) string {
		m := spokenBeforeDay.FindStringSubmatch(s)
		suffix := strings.ReplaceAll(strings.ReplaceAll(m[3], ".", ""), " ", "")
		if strings.HasPrefix(suffix, "o") {
			suffix = ""
		}
		return strings.TrimSpace(spokenClock(hourNumber(m[1]), minuteNumber(m[2])) + " " + suffix)
	})
	return spokenAfterWord.ReplaceAllStringFunc(text, func(s string) string {
		m := spokenAfterWord.FindStringSubmatch(s)
		return m[1] + " " + spokenClock(hourNumber(m[2]), minuteNumber(m[3]))
	})
}
