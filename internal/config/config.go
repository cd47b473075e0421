// Package config reads frontdesk's settings from the environment into a typed struct.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
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
	// A customer may post PortalBurst messages at once, then one every PortalEvery.
	PortalEvery time.Duration `env:"FRONTDESK_PORTAL_POST_EVERY" envDefault:"2s"`
	PortalBurst int           `env:"FRONTDESK_PORTAL_POST_BURST" envDefault:"10"`
	// Webhooks of one channel account may arrive WebhookBurst at once, then one every
	// WebhookEvery; one client address twice that. Generous: a provider whose webhook is
	// refused may not retry, so only a flood should meet the limit.
	WebhookEvery time.Duration `env:"FRONTDESK_WEBHOOK_EVERY" envDefault:"10ms"`
	WebhookBurst int           `env:"FRONTDESK_WEBHOOK_BURST" envDefault:"1000"`
	// MediaURL is where customers' files are kept: file:///path or s3://bucket?region=….
	// Empty: the directory data/media under the working directory.
	MediaURL string `env:"FRONTDESK_MEDIA_URL"`
	// Metrics: /metrics on the main listener answers only with this bearer token (a
	// reverse proxy makes every request look local, so being local proves nothing).
	MetricsToken string `env:"FRONTDESK_METRICS_TOKEN"`
	// MetricsAddr serves /metrics on a listener of its own (a private address), without
	// a token unless FRONTDESK_METRICS_TOKEN is set too.
	MetricsAddr string `env:"FRONTDESK_METRICS_ADDR"`
}

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
			if f, ok := reflect.TypeFor[Config]().FieldByName(pe.Name); ok {
				e = fmt.Errorf("%s must be a valid %s: %w", f.Tag.Get("env"), pe.Type, pe.Err)
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
	if c.PortalEvery <= 0 || c.PortalBurst < 1 {
		errs = append(errs, errors.New("FRONTDESK_PORTAL_POST_EVERY and FRONTDESK_PORTAL_POST_BURST must be positive"))
	}
	if c.WebhookEvery <= 0 || c.WebhookBurst < 1 {
		errs = append(errs, errors.New("FRONTDESK_WEBHOOK_EVERY and FRONTDESK_WEBHOOK_BURST must be positive"))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("FRONTDESK_METRICS_TOKEN must be at least 16 characters"))
	}
	if c.MaxMessage < 1 {
		errs = append(errs, errors.New("FRONTDESK_MAX_MESSAGE_BYTES must be positive"))
	}
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
	return fmt.Sprintf("DATABASE_URL=%s FRONTDESK_ADDR=%s FRONTDESK_BASE_URL=%s FRONTDESK_SECRET_KEY=%s FRONTDESK_WORKERS=%d FRONTDESK_MEDIA_URL=%s FRONTDESK_METRICS_ADDR=%s FRONTDESK_METRICS_TOKEN=%s",
		db, c.Addr, c.BaseURL, secret, c.Workers, redactURL(c.MediaURL), c.MetricsAddr, metricsToken)
}

// redactURL hides a URL's password (an S3-compatible store's credentials).
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparseable)"
}
