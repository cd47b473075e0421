// Package mail sends e-mail through an SMTP server, configured by one URL
// (FRONTDESK_SMTP_URL). It knows nothing of what the mail is about.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one recipient.
type Message struct {
	To, Subject, Text, HTML string
	// Unsubscribe is where the recipient turns these mails off (List-Unsubscribe).
	Unsubscribe string
}

// Sender delivers a message. Its consumers (notification e-mails, the test button)
// depend on this, not on SMTP.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP is a Sender that opens one SMTP connection per message.
type SMTP struct {
	host, user, pass, from string
	port                   int
	implicitTLS, plain     bool
	Timeout                time.Duration
}

// ErrConfig is a FRONTDESK_SMTP_URL or FRONTDESK_MAIL_FROM that cannot work.
var ErrConfig = errors.New("mail: bad configuration")

// New reads an SMTP URL: smtp://user:pass@host:587 speaks STARTTLS and refuses a server
// that does not offer it, unless ?plain=1 (a relay on the same machine or network);
// smtps://user:pass@host:465 is TLS from the first byte.
func New(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: FRONTDESK_SMTP_URL is not a URL", ErrConfig)
	}
	s := &SMTP{host: u.Hostname(), from: from, Timeout: 20 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicitTLS = 465, true
	default:
		return nil, fmt.Errorf("%w: FRONTDESK_SMTP_URL must start with smtp:// or smtps://", ErrConfig)
	}
	if s.host == "" {
		return nil, fmt.Errorf("%w: FRONTDESK_SMTP_URL has no host", ErrConfig)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("%w: FRONTDESK_SMTP_URL has a bad port %q", ErrConfig, p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	switch v := u.Query().Get("plain"); v {
	case "", "0", "false":
	case "1", "true":
		if s.implicitTLS {
			return nil, fmt.Errorf("%w: plain=1 makes no sense with smtps://", ErrConfig)
		}
		s.plain = true
	default:
		return nil, fmt.Errorf("%w: FRONTDESK_SMTP_URL plain=%q must be 1 or 0", ErrConfig, v)
	}
	if from == "" {
		return nil, fmt.Errorf("%w: FRONTDESK_MAIL_FROM must be set with FRONTDESK_SMTP_URL", ErrConfig)
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("%w: FRONTDESK_MAIL_FROM %q is not an address", ErrConfig, from)
	}
	return s, nil
}

// String names the server without the password.
func (s *SMTP) String() string {
	scheme := "smtp (STARTTLS required)"
	switch {
	case s.implicitTLS:
		scheme = "smtps (TLS)"
	case s.plain:
		scheme = "smtp (STARTTLS when offered, else plain)"
	}
	return fmt.Sprintf("%s %s:%d", scheme, s.host, s.port)
}

// Send delivers m. Its error says whether to try again: see Temporary.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return &permanentError{fmt.Errorf("mail: recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
	}
	msg.SetGenHeader("Auto-Submitted", "auto-generated")

	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.Timeout)}
	switch {
	case s.implicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.plain:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return &permanentError{fmt.Errorf("mail: send to %s: %w", m.To, err)}
		}
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent reports whether err is a refusal that trying again will not change: the
// server answered 5xx, or the address is malformed. Anything else (4xx, timeouts, a
// server that is down, a TLS or login problem the owner may fix) is worth a retry.
func Permanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Describe is the error as an owner should read it, without the library's prefixes.
func Describe(err error) string {
	return strings.TrimPrefix(err.Error(), "mail: ")
}
