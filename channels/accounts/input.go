package accounts

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/secret"
	"github.com/frontdesk/frontdesk/internal/validation"
)

// Input is what an owner types to add an account (the admin form and the API body).
type Input struct {
	Kind        Kind   `json:"kind" form:"kind"`
	Name        string `json:"name" form:"name"`
	AccountSID  string `json:"account_sid" form:"account_sid"`
	AuthToken   string `json:"auth_token" form:"auth_token"`
	PhoneNumber string `json:"phone_number" form:"phone_number"`
	BotToken    string `json:"bot_token" form:"bot_token"`
	APIBaseURL  string `json:"api_base_url" form:"api_base_url"`
}

var (
	accountSIDRe = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	authTokenRe  = regexp.MustCompile(`^[0-9A-Za-z]{32}$`)
	botTokenRe   = regexp.MustCompile(`^[0-9]{3,}:[A-Za-z0-9_-]{30,}$`)
)

// Check validates in and splits it into what may be shown and what is sealed. region
// reads a phone number written without its country code.
func Check(in Input, region string) (Account, Credentials, error) {
	errs := validation.Error{}
	a := Account{Kind: in.Kind, Name: strings.TrimSpace(in.Name)}
	var c Credentials
	if len(a.Name) > 100 {
		errs["name"] = "must be at most 100 characters"
	}
	if u := strings.TrimSpace(in.APIBaseURL); u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs["api_base_url"] = "must be an http(s) URL such as https://api.example.com"
		}
		a.Settings.APIBaseURL = strings.TrimRight(u, "/")
	}
	switch in.Kind {
	case Twilio:
		sid, tok := strings.TrimSpace(in.AccountSID), strings.TrimSpace(in.AuthToken)
		if !accountSIDRe.MatchString(sid) {
			errs["account_sid"] = "must be your Twilio Account SID: AC followed by 32 hexadecimal characters"
		}
		if !authTokenRe.MatchString(tok) {
			errs["auth_token"] = "must be your Twilio Auth Token: 32 letters and digits"
		}
		phone, err := channels.NormalizePhone(in.PhoneNumber, region)
		if err != nil {
			errs["phone_number"] = "must be the Twilio number or WhatsApp sender, such as +14155550100"
		}
		a.Settings.AccountSID, a.Settings.PhoneNumber = sid, phone
		c.AuthToken = tok
		a.Settings.TokenHint = hint(tok)
		if a.Name == "" {
			a.Name = "Twilio " + phone
		}
	case Telegram:
		tok := strings.TrimSpace(in.BotToken)
		if !botTokenRe.MatchString(tok) {
			errs["bot_token"] = "must be the token @BotFather gave you, such as 123456789:AAE…"
		}
		c.BotToken = tok
		// Telegram echoes this in every webhook call; a caller without it is not Telegram.
		c.WebhookSecret = secret.New("")
		a.Settings.TokenHint = hint(tok)
		if a.Name == "" {
			a.Name = "Telegram bot"
		}
	case WhatsApp:
		a.Status = "pairing"
		if a.Name == "" {
			a.Name = "WhatsApp"
		}
		if in.APIBaseURL != "" {
			errs["api_base_url"] = "is not used by WhatsApp accounts"
		}
	default:
		errs["kind"] = "must be twilio, telegram or whatsapp"
	}
	if len(errs) > 0 {
		return a, c, errs
	}
	return a, c, nil
}

// hint is the last four characters of a token.
func hint(tok string) string {
	if len(tok) < 8 {
		return ""
	}
	return "…" + tok[len(tok)-4:]
}
