package ai

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/frontdesk/frontdesk/channels"
)

// TimeRange is a span [Start, End) in the workspace's timezone; a point in time ("at
// 10:30") has End equal to Start. Text is the words it was read from.
type TimeRange struct {
	Start, End time.Time
	Text       string
}

// Entities are what a message says about when and who.
type Entities struct {
	Dates []TimeRange
	Email string
	Phone string // E.164
	Name  string
}

// ExtractEntities reads dates, times, an e-mail address, a phone number and the
// sender's name from text. now must be in the workspace's timezone: "tomorrow" and
// "at 3" mean the business's days and clock, across daylight-saving changes. region is
// the country of local phone numbers and decides whether 3/11 is the 3rd of November
// (US, CA) or the 3rd of March.
func ExtractEntities(text string, now time.Time, region string) Entities {
	return Entities{
		Dates: extractDates(text, now, region),
		Email: emailPattern.FindString(text),
		Phone: findPhone(text, region),
		Name:  findName(text),
	}
}

var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`) //nolint:gochecknoglobals // compiled once

var phonePattern = regexp.MustCompile(`\+?\(?\d[\d\s().-]{6,}\d`) //nolint:gochecknoglobals // compiled once

// findPhone returns the first run of 8 or more digits that is a possible phone number.
func findPhone(text, region string) string {
	for _, m := range phonePattern.FindAllString(text, -1) {
		digits := 0
		for _, r := range m {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if digits < 8 || digits > 15 {
			continue
		}
		if p, err := channels.NormalizePhone(m, region); err == nil {
			return p
		}
	}
	return ""
}

// namePattern finds an introduction: "I'm Jane", "this is Sam Lee", "my name is ...".
var namePattern = regexp.MustCompile(`(?i)\b(my name is|my name's|name's|i am|i'm|im|this is|it's|its)\s+([\p{L}'-]+(?:\s+[\p{L}'-]+){0,2})`) //nolint:gochecknoglobals // compiled once

// notNames are words that follow "I'm" or "this is" without being a name.
var notNames = map[string]bool{ //nolint:gochecknoglobals // read-only table
	"a": true, "an": true, "the": true, "not": true, "sorry": true, "running": true, "late": true, "looking": true,
	"just": true, "so": true, "very": true, "really": true, "still": true, "going": true, "trying": true, "here": true,
	"interested": true, "free": true, "available": true, "sick": true, "ill": true, "on": true, "in": true, "at": true,
	"urgent": true, "about": true, "for": true, "from": true, "calling": true, "writing": true, "texting": true,
	"new": true, "your": true, "my": true, "me": true, "ok": true, "okay": true, "fine": true, "good": true,
	"great": true, "happy": true, "unhappy": true, "afraid": true, "outside": true, "booked": true, "what": true,
	"ridiculous": true, "terrible": true, "unacceptable": true, "and": true, "i": true, "but": true,
	"please": true, "can": true, "would": true, "want": true, "need": true, "monday": true, "tuesday": true,
	"wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true, "today": true,
	"tomorrow": true,
}

// findName returns the name in an introduction. After "my name is" any words do; after
// "I'm" or "this is" they must be capitalised, since "I'm running late" is no introduction.
func findName(text string) string {
	for _, m := range namePattern.FindAllStringSubmatch(text, -1) {
		cue := strings.ToLower(m[1])
		anyCase := strings.HasPrefix(cue, "my name") || cue == "name's"
		var words []string
		for _, w := range strings.Fields(m[2]) {
			first := []rune(w)[0]
			if notNames[strings.ToLower(w)] || (!anyCase && !unicode.IsUpper(first)) {
				break
			}
			words = append(words, w)
		}
		if len(words) > 0 {
			return strings.Join(words, " ")
		}
	}
	return ""
}
