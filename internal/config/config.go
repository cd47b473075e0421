// Package config reads frontdesk's settings from the environment into a typed struct.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/frontdesk/frontdesk/internal/mail"
)

// Config is every setting frontdesk reads. It is passed explicitly; there is no global.
type Config struct {
	DatabaseURL   string        `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/frontdesk?sslmode=disable"`
	Addr          string        `env:"FRONTDESK_ADDR" envDefault:"127.0.0.1:8080"`
	BaseURL       string        `env:"FRONTDESK_BASE_URL"`
	SecretKey     string        `env:"FRONTDESK_SECRET_KEY"`
	LogFormat     string        `env:"FRONTDESK_LOG_FORMAT" envDefault:"text"`
	LogLevel      string        `env:"FRONTDESK_LOG_LEVEL" envDefault:"info"`
	Workers       int           `env:"FRONTDESK_WORKERS" envDefault:"20"`
	SessionTTL    time.Duration `env:"FRONTDESK_SESSION_TTL" envDefault:"336h"`
	PortalLinkTTL time.Duration `env:"FRONTDESK_PORTAL_LINK_TTL" envDefault:"168h"`
	PortalTTL     time.Duration `env:"FRONTDESK_PORTAL_SESSION_TTL" envDefault:"24h"`
	MaxMessage    int           `env:"FRONTDESK_MAX_MESSAGE_BYTES" envDefault:"16384"`
	// KnowledgeEfSearch is the HNSW candidate list of a knowledge search: a larger one
	// finds more of the true nearest chunks in a large index, and takes longer.
	KnowledgeEfSearch int `env:"FRONTDESK_KNOWLEDGE_EF_SEARCH" envDefault:"100"`
	// A customer may post PortalBurst messages at once, then one every PortalEvery.
	PortalEvery time.Duration `env:"FRONTDESK_PORTAL_POST_EVERY" envDefault:"2s"`
	PortalBurst int           `env:"FRONTDESK_PORTAL_POST_BURST" envDefault:"10"`
	// Webhooks of one channel account may arrive WebhookBurst at once, then one every
	// WebhookEvery; one client address twice that. Generous: a provider whose webhook is
	// refused may not retry, so only a flood should meet the limit.
	WebhookEvery time.Duration `env:"FRONTDESK_WEBHOOK_EVERY" envDefault:"10ms"`
	WebhookBurst int           `env:"FRONTDESK_WEBHOOK_BURST" envDefault:"1000"`
	// RuleRunRetention is how long rule runs are kept; 0 keeps them for ever.
	RuleRunRetention time.Duration `env:"FRONTDESK_RULE_RUN_RETENTION" envDefault:"720h"`
	// MediaURL is where customers' files are kept: file:///path or s3://bucket?region=….
	// Empty: the directory data/media under the working directory.
	MediaURL string `env:"FRONTDESK_MEDIA_URL"`
	// Google Calendar's OAuth client; the redirect URL is FRONTDESK_BASE_URL +
	// /admin/calendar/google/callback. The endpoints are Google's unless overridden.
	GoogleClientID         string `env:"GOOGLE_CLIENT_ID"`
	GoogleClientSecret     string `env:"GOOGLE_CLIENT_SECRET"`
	GoogleAuthURL          string `env:"GOOGLE_OAUTH_AUTH_URL"`
	GoogleTokenURL         string `env:"GOOGLE_OAUTH_TOKEN_URL"`
	GoogleCalendarEndpoint string `env:"GOOGLE_CALENDAR_ENDPOINT"`
	// Metrics: /metrics on the main listener answers only with this bearer token (a
	// reverse proxy makes every request look local, so being local proves nothing).
	MetricsToken string `env:"FRONTDESK_METRICS_TOKEN"`
	// MetricsAddr serves /metrics on a listener of its own (a private address), without
	// a token unless FRONTDESK_METRICS_TOKEN is set too.
	MetricsAddr string `env:"FRONTDESK_METRICS_ADDR"`
	// SMTPURL is the server notification e-mails go through (internal/mail.New reads it):
	// smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465, or
	// smtp://relay:25?plain=1 for a local relay. Empty: no e-mails.
	SMTPURL  string `env:"FRONTDESK_SMTP_URL"`
	MailFrom string `env:"FRONTDESK_MAIL_FROM"`
	// RescueJobsAfter is how long a job may stay running before it is taken for the work
	// of a killed node and run again. Longer than the longest job's timeout (5 minutes);
	// River's default, an hour, would leave a killed node's replies waiting that long.
	RescueJobsAfter time.Duration `env:"FRONTDESK_RESCUE_JOBS_AFTER" envDefault:"6m"`
	// NodeID names this process among the nodes (River's client id, seen in a job's
	// attempted_by). When set, a node restarted under it takes back at once the jobs it
	// was running when it died; it must name one running process at a time.
	NodeID string `env:"FRONTDESK_NODE_ID"`
	// Traces go over OTLP/HTTP when either standard OpenTelemetry endpoint is set: the
	// base URL (/v1/traces is added) or the traces URL as it is. The exporter reads the
	// other OTEL_EXPORTER_OTLP_* settings (headers, timeout, compression) itself.
	OTLPEndpoint       string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	OTLPTracesEndpoint string `env:"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"`
	OpenAI             OpenAI
}

// Off is the model name that keeps a capability on the offline provider.
const Off = "off"

// OpenAI configures an OpenAI-compatible model provider (OpenAI, DeepSeek, Ollama, vLLM,
// llama.cpp's server). It is used when APIKey or BaseURL is set; each capability whose
// model is "off" (or, after Load, empty) stays offline.
type OpenAI struct {
	APIKey  string `env:"OPENAI_API_KEY"`
	BaseURL string `env:"OPENAI_BASE_URL"`
	// ChatModel drafts replies; ClassifyModel and ExtractModel default to it.
	ChatModel     string `env:"OPENAI_CHAT_MODEL" envDefault:"gpt-4o-mini"`
	ClassifyModel string `env:"OPENAI_CLASSIFY_MODEL"`
	ExtractModel  string `env:"OPENAI_EXTRACT_MODEL"`
	// EmbeddingModel is off unless set: changing it re-embeds the whole knowledge base.
	EmbeddingModel  string `env:"OPENAI_EMBEDDING_MODEL" envDefault:"off"`
	EmbeddingDim    int    `env:"OPENAI_EMBEDDING_DIM" envDefault:"1536"`
	TranscribeModel string `env:"OPENAI_TRANSCRIBE_MODEL" envDefault:"whisper-1"`
	// Timeout bounds one attempt of one call; Retries more attempts follow a 429 or 5xx.
	Timeout   time.Duration `env:"OPENAI_TIMEOUT" envDefault:"20s"`
	Retries   int           `env:"OPENAI_MAX_RETRIES" envDefault:"2"`
	MaxTokens int           `env:"OPENAI_MAX_TOKENS" envDefault:"1000"`
}

// Enabled reports whether the provider is configured at all.
func (o OpenAI) Enabled() bool { return o.APIKey != "" || o.BaseURL != "" }

// resolve fills the models that default to the chat model and turns "off" into "".
func (o *OpenAI) resolve() {
	if o.ClassifyModel == "" {
		o.ClassifyModel = o.ChatModel
	}
	if o.ExtractModel == "" {
		o.ExtractModel = o.ChatModel
	}
	for _, m := range []*string{&o.ChatModel, &o.ClassifyModel, &o.ExtractModel, &o.EmbeddingModel, &o.TranscribeModel} {
		if strings.EqualFold(strings.TrimSpace(*m), Off) {
			*m = ""
		}
	}
}

// embeddingModelName is what knowledge accepts as a model name (it is written into SQL).
var embeddingModelName = regexp.MustCompile(`^[A-Za-z0-9._:/-]+$`) //nolint:gochecknoglobals // read-only pattern

func (o OpenAI) validate() []error {
	if !o.Enabled() {
		return nil
	}
	var errs []error
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("OPENAI_BASE_URL %q must be an http(s) URL", redactURL(o.BaseURL)))
		}
	}
	if o.EmbeddingModel != "" && o.EmbeddingModel != Off {
		if !embeddingModelName.MatchString(o.EmbeddingModel) {
			errs = append(errs, fmt.Errorf("OPENAI_EMBEDDING_MODEL %q may only hold letters, digits and . _ : / -", o.EmbeddingModel))
		}
		if o.EmbeddingDim < 1 || o.EmbeddingDim > 16000 {
			errs = append(errs, errors.New("OPENAI_EMBEDDING_DIM must be between 1 and 16000 (pgvector's limit)"))
		}
	}
	if o.Timeout <= 0 {
		errs = append(errs, errors.New("OPENAI_TIMEOUT must be positive"))
	}
	if o.Retries < 0 || o.Retries > 10 {
		errs = append(errs, errors.New("OPENAI_MAX_RETRIES must be between 0 and 10"))
	}
	if o.MaxTokens < 16 {
		errs = append(errs, errors.New("OPENAI_MAX_TOKENS must be at least 16"))
	}
	return errs
}

// String prints the provider's settings with the key redacted.
func (o OpenAI) String() string {
	if !o.Enabled() {
		return "OPENAI=(off: offline models)"
	}
	key := "(unset)"
	if o.APIKey != "" {
		key = "(set)"
	}
	base := "(OpenAI)"
	if o.BaseURL != "" {
		base = redactURL(o.BaseURL)
	}
	show := func(m string) string {
		if m == "" {
			return Off
		}
		return m
	}
	return fmt.Sprintf("OPENAI_API_KEY=%s OPENAI_BASE_URL=%s OPENAI_CHAT_MODEL=%s OPENAI_CLASSIFY_MODEL=%s OPENAI_EXTRACT_MODEL=%s OPENAI_EMBEDDING_MODEL=%s OPENAI_TRANSCRIBE_MODEL=%s",
		key, base, show(o.ChatModel), show(o.ClassifyModel), show(o.ExtractModel), show(o.EmbeddingModel), show(o.TranscribeModel))
}

// GoogleRedirectURL is where Google sends the owner back after granting access.
func (c Config) GoogleRedirectURL() string { return c.BaseURL + "/admin/calendar/google/callback" }

// Load reads the environment and fills in the defaults that depend on other fields.
func Load() (Config, error) {
	var c Config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("config: %w", nameVariables(err))
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.MediaURL == "" {
		dir, err := filepath.Abs(filepath.Join("data", "media"))
		if err != nil {
			return c, fmt.Errorf("config: media directory: %w", err)
		}
		c.MediaURL = "file://" + filepath.ToSlash(dir) + "?create_dir=1"
	}
	c.OpenAI.resolve()
	return c, c.Validate()
}

// nameVariables rewrites parse errors to name the environment variable, not the field.
func nameVariables(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	var out []error
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			for _, t := range []reflect.Type{reflect.TypeFor[Config](), reflect.TypeFor[OpenAI]()} {
				if f, ok := t.FieldByName(pe.Name); ok && f.Tag.Get("env") != "" {
					e = fmt.Errorf("%s must be a valid %s: %w", f.Tag.Get("env"), pe.Type, pe.Err)
					break
				}
			}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// Validate checks the fields together.
func (c Config) Validate() error {
	var errs []error
	if _, err := url.Parse(c.DatabaseURL); err != nil || c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL must be a PostgreSQL URL"))
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("FRONTDESK_BASE_URL %q must be an http(s) URL", c.BaseURL))
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("FRONTDESK_SECRET_KEY must be at least 32 characters"))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("FRONTDESK_LOG_FORMAT %q must be text or json", c.LogFormat))
	}
	if c.Workers < 1 {
		errs = append(errs, errors.New("FRONTDESK_WORKERS must be at least 1"))
	}
	if c.KnowledgeEfSearch < 0 || c.KnowledgeEfSearch > 1000 {
		errs = append(errs, errors.New("FRONTDESK_KNOWLEDGE_EF_SEARCH must be between 1 and 1000 (pgvector's range)"))
	}
	if c.PortalEvery <= 0 || c.PortalBurst < 1 {
		errs = append(errs, errors.New("FRONTDESK_PORTAL_POST_EVERY and FRONTDESK_PORTAL_POST_BURST must be positive"))
	}
	if (c.GoogleClientID == "") != (c.GoogleClientSecret == "") {
		errs = append(errs, errors.New("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together"))
	}
	if c.WebhookEvery <= 0 || c.WebhookBurst < 1 {
		errs = append(errs, errors.New("FRONTDESK_WEBHOOK_EVERY and FRONTDESK_WEBHOOK_BURST must be positive"))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("FRONTDESK_METRICS_TOKEN must be at least 16 characters"))
	}
	if c.RuleRunRetention < 0 {
		errs = append(errs, errors.New("FRONTDESK_RULE_RUN_RETENTION must be 0 (keep for ever) or a positive duration such as 720h"))
	}
	if c.MaxMessage < 1 {
		errs = append(errs, errors.New("FRONTDESK_MAX_MESSAGE_BYTES must be positive"))
	}
	if c.SMTPURL != "" {
		if _, err := mail.New(c.SMTPURL, c.MailFrom); err != nil {
			errs = append(errs, err)
		}
	} else if c.MailFrom != "" {
		errs = append(errs, errors.New("FRONTDESK_MAIL_FROM is set but FRONTDESK_SMTP_URL is not: no e-mail would be sent"))
	}
	if c.RescueJobsAfter < time.Second {
		errs = append(errs, errors.New("FRONTDESK_RESCUE_JOBS_AFTER must be at least 1s"))
	}
	errs = append(errs, c.OpenAI.validate()...)
	return errors.Join(errs...)
}

// SecureCookies reports whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// String prints the settings with secrets redacted.
func (c Config) String() string {
	db := c.DatabaseURL
	if u, err := url.Parse(db); err == nil {
		db = u.Redacted()
	}
	secret := "(unset: a random key per start)"
	if c.SecretKey != "" {
		secret = "(set)"
	}
	metricsToken := "(unset)"
	if c.MetricsToken != "" {
		metricsToken = "(set)"
	}
	smtp := "(unset: no e-mails)"
	if c.SMTPURL != "" {
		smtp = redactURL(c.SMTPURL)
	}
	return fmt.Sprintf("DATABASE_URL=%s FRONTDESK_ADDR=%s FRONTDESK_BASE_URL=%s FRONTDESK_SECRET_KEY=%s FRONTDESK_WORKERS=%d FRONTDESK_MEDIA_URL=%s FRONTDESK_METRICS_ADDR=%s FRONTDESK_METRICS_TOKEN=%s FRONTDESK_SMTP_URL=%s FRONTDESK_MAIL_FROM=%s %s",
		db, c.Addr, c.BaseURL, secret, c.Workers, redactURL(c.MediaURL), c.MetricsAddr, metricsToken, smtp, c.MailFrom, c.OpenAI)
}

// redactURL hides a URL's password (an S3-compatible store's credentials).
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparseable)"
}
