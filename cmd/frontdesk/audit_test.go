package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
)

func TestAuditConfig(t *testing.T) {
	t.Parallel()
	good := config.Config{
		DatabaseURL: "postgres://app@127.0.0.1/frontdesk?sslmode=disable", BaseURL: "https://desk.example.com",
		SecretKey: "k3Jq9xV2mW7pL4tR8nB1cZ6yH0sD5fGa", LogLevel: "info", MetricsToken: "a-long-metrics-token",
		SMTPURL: "smtps://desk:mailpass@mail.example.com", MailFrom: "desk@example.com",
	}
	levels := func(c config.Config) map[string]string {
		out := map[string]string{}
		for _, f := range auditConfig(c) {
			out[f.text] = f.level
		}
		return out
	}
	for text, level := range levels(good) {
		require.Equal(t, "OK", level, text)
	}
	for name, tc := range map[string]struct {
		change func(*config.Config)
		level  string
		says   string
	}{
		"NoSecretKey":       {func(c *config.Config) { c.SecretKey = "" }, "FAIL", "FRONTDESK_SECRET_KEY is not set"},
		"PlaceholderKey":    {func(c *config.Config) { c.SecretKey = strings.Repeat("x", 40) }, "FAIL", "placeholder"},
		"PlainHTTP":         {func(c *config.Config) { c.BaseURL = "http://desk.example.com" }, "FAIL", "not https"},
		"DebugLogs":         {func(c *config.Config) { c.LogLevel = "debug" }, "WARN", "debug"},
		"OpenMetrics":       {func(c *config.Config) { c.MetricsToken, c.MetricsAddr = "", "0.0.0.0:9090" }, "WARN", "without FRONTDESK_METRICS_TOKEN"},
		"NoSMTP":            {func(c *config.Config) { c.SMTPURL = "" }, "WARN", "no notification e-mails"},
		"PlainRemoteSMTP":   {func(c *config.Config) { c.SMTPURL = "smtp://mail.example.com:25?plain=1" }, "WARN", "in clear"},
		"UnencryptedRemote": {func(c *config.Config) { c.DatabaseURL = "postgres://app@db.example.com/fd?sslmode=disable" }, "WARN", "sslmode=disable"},
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.change(&c)
			found := false
			for text, level := range levels(c) {
				if strings.Contains(text, tc.says) {
					require.Equal(t, tc.level, level, text)
					found = true
				}
			}
			require.True(t, found, "a finding says %q", tc.says)
		})
	}
	// A loopback metrics listener without a token is fine.
	c := good
	c.MetricsToken, c.MetricsAddr = "", "127.0.0.1:9090"
	for text, level := range levels(c) {
		require.Equal(t, "OK", level, text)
	}
}

func TestSecurityAuditFindsTheDemoPassword(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	cfg := s.app.cfg
	cfg.DatabaseURL = s.app.pool.Config().ConnString()
	cfg.BaseURL = "https://desk.example.com"
	cfg.SecretKey = "k3Jq9xV2mW7pL4tR8nB1cZ6yH0sD5fGa"
	var out bytes.Buffer
	err := securityAudit(context.Background(), cfg, slog.New(slog.DiscardHandler), &out)
	require.ErrorContains(t, err, "1 setting(s) must be fixed", out.String())
	require.Contains(t, out.String(), "FAIL users with the demo's or a common password: "+demoEmail)
	require.Contains(t, out.String(), "WARN the demo business bright-smile exists")
	require.Contains(t, out.String(), "OK   FRONTDESK_BASE_URL is https")
	require.Contains(t, out.String(), "OK   row-level security holds: connections run as frontdesk_app")

	// Once the owner picks a real password, the audit passes.
	_, err = s.app.pool.Exec(context.Background(), `DELETE FROM users WHERE email = $1`, demoEmail)
	require.NoError(t, err)
	out.Reset()
	require.NoError(t, securityAudit(context.Background(), cfg, slog.New(slog.DiscardHandler), &out))
	require.Contains(t, out.String(), "OK   no user has the demo's or a common password")
}
