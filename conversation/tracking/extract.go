package tracking

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/internal/database"
)

// FieldExtractor fills fields with a model (openaicompat.FieldExtractor).
type FieldExtractor interface {
	ExtractFields(ctx context.Context, text string, fields []ai.FieldSpec, now time.Time) (map[string]ai.FieldValue, error)
}

// Proposal is what extraction read from one message, keyed by field.
type Proposal map[string]Proposed

// Propose reads the workspace's AI-extracted fields from text: through the model when
// one is configured, else (or when it fails) offline from entities and patterns. now
// is in the workspace's timezone; region is the country of local phone numbers. Values
// that do not pass their field's check are left out.
func (s *Store) Propose(ctx context.Context, db database.DBTX, ws int64, text string, now time.Time, region string) (Proposal, error) {
	cur, err := s.Current(ctx, db, ws)
	if err != nil {
		return nil, err
	}
	var fields []schema.Field
	for _, f := range cur.Schema.Fields {
		if f.AIExtract {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 || strings.TrimSpace(text) == "" {
		return Proposal{}, nil
	}
	if s.AI != nil {
		p, err := s.proposeAI(ctx, fields, text, now, region)
		if err == nil {
			return p, nil
		}
		s.Log.Warn("field extraction by model failed; reading fields offline", "workspace_id", ws, "error", err)
	}
	return Offline(fields, text, now, region), nil
}

func (s *Store) proposeAI(ctx context.Context, fields []schema.Field, text string, now time.Time, region string) (Proposal, error) {
	specs := make([]ai.FieldSpec, len(fields))
	for i, f := range fields {
		specs[i] = spec(f)
	}
	got, err := s.AI.ExtractFields(ctx, text, specs, now)
	if err != nil {
		return nil, err
	}
	p := Proposal{}
	for _, f := range fields {
		v, ok := got[f.Key]
		if !ok {
			continue
		}
		if checked, err := f.Check(v.Value, region); err == nil && checked != nil {
			p[f.Key] = Proposed{Value: checked, Confidence: v.Confidence}
		}
	}
	return p, nil
}

// spec is how a model sees a field.
func spec(f schema.Field) ai.FieldSpec {
	kind := "text"
	switch f.Type {
	case schema.Number, schema.Currency, schema.Rating:
		kind = "number"
	case schema.Boolean:
		kind = "boolean"
	case schema.Date, schema.Time, schema.Duration:
		kind = string(f.Type)
	case schema.DateTime:
		kind = "datetime"
	case schema.SingleChoice:
		kind = "choice"
	case schema.MultiChoice, schema.Tags:
		kind = "list"
	}
	s := ai.FieldSpec{Key: f.Key, Label: f.Label, Kind: kind, Hint: f.Hint}
	for _, o := range f.Options {
		s.Options = append(s.Options, o.Value)
	}
	return s
}

//nolint:gochecknoglobals // compiled once
var (
	urlPattern      = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)
	moneyPattern    = regexp.MustCompile(`(?i)([£$€]\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m|million)?\b)|(\b(\d[\d,]*(?:\.\d+)?)\s?(k|m|million)?\s?(pounds|dollars|euros|gbp|usd|eur)\b)`)
	durationPattern = regexp.MustCompile(`(?i)\b(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?)\b`)
	ratingPattern   = regexp.MustCompile(`\b(\d{1,2})\s*(?:/|out of)\s*(\d{1,2})\b`)
	negation        = regexp.MustCompile(`(?i)\b(no|not|don'?t|doesn'?t|haven'?t|hasn'?t|without|never|isn'?t|aren'?t)\b|n't\b`)
)

// Offline reads fields from text without a model: e-mail, phone and dates from the
// entity extractor, amounts, durations, ratings and URLs by pattern, numbers next to
// the field's name, options (or their synonyms) named in the text, and yes or no near
// the field's name. Confidence says how sure each pattern is.
func Offline(fields []schema.Field, text string, now time.Time, region string) Proposal {
	ents := ai.ExtractEntities(text, now, region)
	lower := strings.ToLower(text)
	p := Proposal{}
	put := func(f schema.Field, v any, conf float64) {
		if checked, err := f.Check(v, region); err == nil && checked != nil {
			p[f.Key] = Proposed{Value: checked, Confidence: conf}
		}
	}
	for _, f := range fields {
		switch f.Type {
		case schema.Email:
			if ents.Email != "" {
				put(f, ents.Email, 0.95)
			}
		case schema.Phone:
			if ents.Phone != "" {
				put(f, ents.Phone, 0.9)
			}
		case schema.URL:
			if m := urlPattern.FindString(text); m != "" {
				put(f, m, 0.9)
			}
		case schema.Date:
			if len(ents.Dates) > 0 {
				put(f, ents.Dates[0].Start.Format("2006-01-02"), 0.75)
			}
		case schema.DateTime:
			if len(ents.Dates) > 0 {
				put(f, ents.Dates[0].Start.Format("2006-01-02T15:04"), 0.7)
			}
		case schema.Time:
			for _, d := range ents.Dates {
				if d.Start.Equal(d.End) || d.End.Sub(d.Start) < 24*time.Hour && d.Start.Hour() != 0 {
					put(f, d.Start.Format("15:04"), 0.7)
					break
				}
			}
		case schema.Currency:
			if v, ok := money(text); ok {
				put(f, v, 0.8)
			}
		case schema.Duration:
			if m := durationPattern.FindStringSubmatch(text); m != nil {
				n, _ := strconv.ParseFloat(m[1], 64)
				if strings.HasPrefix(strings.ToLower(m[2]), "h") {
					n *= 60
				}
				put(f, n, 0.7)
			}
		case schema.Rating:
			if m := ratingPattern.FindStringSubmatch(text); m != nil {
				n, _ := strconv.ParseFloat(m[1], 64)
				put(f, n, 0.7)
			}
		case schema.Number:
			if n, ok := numberNear(lower, names(f)); ok {
				put(f, n, 0.7)
			}
		case schema.SingleChoice:
			if found := options(f, lower); len(found) == 1 {
				put(f, found[0], 0.8)
			}
		case schema.MultiChoice:
			if found := options(f, lower); len(found) > 0 {
				put(f, found, 0.75)
			}
		case schema.Boolean:
			if v, ok := yesNo(lower, names(f)); ok {
				put(f, v, 0.6)
			}
		}
	}
	return p
}

// money reads the first amount: "£450k", "$1,200", "300000 pounds".
func money(text string) (float64, bool) {
	m := moneyPattern.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	num, mult := m[2], m[3]
	if num == "" {
		num, mult = m[5], m[6]
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
	if err != nil {
		return 0, false
	}
	switch strings.ToLower(mult) {
	case "k":
		n *= 1000
	case "m", "million":
		n *= 1_000_000
	}
	return n, true
}

// names are the words that name a field in a message: its key's and label's words,
// singular, of four letters or more.
func names(f schema.Field) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(f.Key+" "+f.Label), func(r rune) bool {
		return r < 'a' || r > 'z'
	}) {
		w = strings.TrimSuffix(w, "s")
		if len(w) >= 4 {
			out = append(out, w)
		}
	}
	return out
}

// numberNear finds a number just before (or just after) one of the field's names:
// "3 bedrooms", "bedrooms: 3".
func numberNear(lower string, words []string) (float64, bool) {
	for _, w := range words {
		re := regexp.MustCompile(`\b(\d+(?:\.\d+)?)\s+(?:\w+\s+)?` + regexp.QuoteMeta(w) + `|` + regexp.QuoteMeta(w) + `s?\s*(?::|of|is|=)?\s*(\d+(?:\.\d+)?)\b`)
		if m := re.FindStringSubmatch(lower); m != nil {
			num := m[1]
			if num == "" {
				num = m[2]
			}
			if n, err := strconv.ParseFloat(num, 64); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

// options lists the options the text names, by value, label or synonym as whole words.
func options(f schema.Field, lower string) []string {
	var found []string
	for _, o := range f.Options {
		for _, w := range append([]string{o.Value, strings.ReplaceAll(o.Value, "_", " "), o.Label}, o.Synonyms...) {
			if w != "" && wordIn(lower, strings.ToLower(w)) {
				found = append(found, o.Value)
				break
			}
		}
	}
	return found
}

// wordIn reports whether w occurs in lower as whole words (no letter or digit on
// either side); it runs for every option and synonym, so it does without a regexp.
func wordIn(lower, w string) bool {
	for from := 0; ; {
		i := strings.Index(lower[from:], w)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(w)
		if !wordRune(lower, start-1) && !wordRune(lower, end) {
			return true
		}
		from = start + 1
	}
}

func wordRune(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && i > 0 {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// yesNo reads a boolean from the sentence that names the field: negated or not.
func yesNo(lower string, words []string) (bool, bool) {
	for sentence := range strings.FieldsFuncSeq(lower, func(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '\n' }) {
		for _, w := range words {
			if strings.Contains(sentence, w) {
				return !negation.MatchString(sentence), true
			}
		}
	}
	return false, false
}

// Extract runs extraction again over the customer's last messages in a conversation,
// as the AI (a person's values stay), and returns the fields that changed.
func (s *Store) Extract(ctx context.Context, pool *pgxpool.Pool, ws, conv int64, now time.Time, region string) ([]string, error) {
	var text string
	if err := pool.QueryRow(ctx, s.q.InboundText, ws, conv).Scan(&text); err != nil {
		return nil, fmt.Errorf("tracking: read messages of conversation %d: %w", conv, err)
	}
	p, err := s.Propose(ctx, pool, ws, text, now, region)
	if err != nil || len(p) == 0 {
		return nil, err
	}
	var changed []string
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		changed, err = s.Apply(ctx, tx, ws, conv, Setter{By: "ai"}, p, region)
		return err
	})
	return changed, err
}
