package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// auditFinding is one line of the security audit.
type auditFinding struct {
	level string // OK, WARN or FAIL
	text  string
}

// weakPasswords are checked against every user's hash: the demo's and common ones.
var weakPasswords = []string{demoPassword, "password", "password1", "12345678", "123456789", "frontdesk", "changeme", "qwertyui", "letmein1"} //nolint:gochecknoglobals // read-only table

// auditConfig judges the settings alone.
func auditConfig(cfg config.Config) []auditFinding {
	var out []auditFinding
	add := func(level, format string, args ...any) {
		out = append(out, auditFinding{level, fmt.Sprintf(format, args...)})
	}
	switch key := cfg.SecretKey; {
	case key == "":
		add("FAIL", "FRONTDESK_SECRET_KEY is not set: channel credentials cannot be sealed for keeps and sessions' CSRF tokens change on every restart")
	case len(key) < 32:
		add("FAIL", "FRONTDESK_SECRET_KEY is shorter than 32 characters")
	case strings.Count(key, key[:1]) == len(key) || strings.Contains(strings.ToLower(key), "changeme") || strings.Contains(strings.ToLower(key), "secret-key"):
		add("FAIL", "FRONTDESK_SECRET_KEY looks like a placeholder; make one with `head -c 32 /dev/urandom | base64`")
	default:
		add("OK", "FRONTDESK_SECRET_KEY is set")
	}
	if strings.HasPrefix(cfg.BaseURL, "https://") {
		add("OK", "FRONTDESK_BASE_URL is https: cookies are Secure and HSTS is sent")
	} else {
		add("FAIL", "FRONTDESK_BASE_URL %s is not https: passwords and sessions would cross the network in clear; serve behind a TLS proxy and set the https URL", cfg.BaseURL)
	}
	if strings.EqualFold(cfg.LogLevel, "debug") {
		add("WARN", "FRONTDESK_LOG_LEVEL is debug: every request is logged; use info in production")
	} else {
		add("OK", "log level is %s", cfg.LogLevel)
	}
	switch {
	case cfg.MetricsAddr != "" && cfg.MetricsToken == "" && !loopback(cfg.MetricsAddr):
		add("WARN", "metrics are served on %s without FRONTDESK_METRICS_TOKEN: keep that address private or set a token", cfg.MetricsAddr)
	case cfg.MetricsToken != "" || cfg.MetricsAddr != "":
		add("OK", "metrics are protected (a token, or their own address)")
	default:
		add("OK", "metrics are off (set FRONTDESK_METRICS_TOKEN or FRONTDESK_METRICS_ADDR to scrape them)")
	}
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && !loopback(u.Host) && u.Query().Get("sslmode") == "disable" {
		add("WARN", "DATABASE_URL reaches %s with sslmode=disable: the database traffic is not encrypted", u.Hostname())
	}
	switch u, err := url.Parse(cfg.SMTPURL); {
	case cfg.SMTPURL == "":
		add("WARN", "FRONTDESK_SMTP_URL is not set: no notification e-mails are sent (the bell in the admin UI still shows them)")
	case err == nil && u.Scheme == "smtp" && u.Query().Get("plain") == "1" && !loopback(u.Host):
		add("WARN", "FRONTDESK_SMTP_URL allows plain SMTP to %s: mail and any password cross the network in clear; use STARTTLS or smtps://", u.Hostname())
	default:
		add("OK", "notification e-mails go through %s (encrypted unless a local relay)", redactedURL(cfg.SMTPURL))
	}
	add("OK", "there is no self sign-up: users are added with `frontdesk users create`")
	return out
}

// redactedURL hides a URL's password.
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparseable)"
}

// loopback reports whether a host or host:port is this machine.
func loopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// auditDatabase judges what is stored: users with weak passwords, the demo business.
func auditDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) []auditFinding {
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return []auditFinding{{"WARN", "could not reach the database to check users: " + err.Error()}}
	}
	defer pool.Close()
	a, err := newApp(cfg, log, pool, appOptions{})
	if err != nil {
		return []auditFinding{{"WARN", "could not check users: " + err.Error()}}
	}
	var out []auditFinding
	weak, err := a.accounts.UsersWithPassword(ctx, pool, weakPasswords)
	switch {
	case err != nil:
		out = append(out, auditFinding{"WARN", "could not check passwords: " + err.Error()})
	case len(weak) > 0:
		out = append(out, auditFinding{"FAIL", "users with the demo's or a common password: " + strings.Join(weak, ", ")})
	default:
		out = append(out, auditFinding{"OK", "no user has the demo's or a common password"})
	}
	if role, walled, err := tenant.Check(ctx, pool); err != nil {
		out = append(out, auditFinding{"FAIL", "row-level security between workspaces does not hold: " + err.Error()})
	} else {
		out = append(out, auditFinding{"OK", fmt.Sprintf("row-level security holds: connections run as %s, %d tables walled", role, walled)})
	}
	if _, err := a.conv.WorkspaceBySlug(ctx, pool, demoSlug); err == nil {
		out = append(out, auditFinding{"WARN", "the demo business " + demoSlug + " exists on this database"})
	}
	return out
}

// securityAudit prints the findings and fails when any is a FAIL.
func securityAudit(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	findings := append(auditConfig(cfg), auditDatabase(ctx, cfg, log)...)
	fails := 0
	for _, f := range findings {
		fmt.Fprintf(out, "%-4s %s\n", f.level, f.text)
		if f.level == "FAIL" {
			fails++
		}
	}
	if fails > 0 {
		return fmt.Errorf("security audit: %d setting(s) must be fixed", fails)
	}
	return nil
}
