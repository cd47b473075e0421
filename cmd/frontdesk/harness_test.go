package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/reqid"
)

// testServer is a whole frontdesk (HTTP, River workers, live hub) on its own database
// and a free port, seeded with the demo clinic.
type testServer struct {
	app  *app
	url  string
	ws   conversation.Workspace
	stop func()
}

func startServer(t *testing.T) *testServer { t.Helper(); return startServerWith(t, serverOptions{}) }

// serverOptions change what startServerWith starts.
type serverOptions struct {
	// config adjusts the settings before the app is made.
	config func(*config.Config)
	// log receives the server's log (at debug level) as well as stderr.
	log io.Writer
}

func startServerWith(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	pool := dbtest.New(t)
	addr := freeAddr(t)
	cfg := config.Config{
		DatabaseURL: "unused", Addr: addr, BaseURL: "http://" + addr, LogFormat: "text", LogLevel: "warn",
		SecretKey: "test-secret-key-test-secret-key-0123", Workers: 4,
		SessionTTL: time.Hour, PortalLinkTTL: time.Hour, PortalTTL: time.Hour, MaxMessage: 4096,
		PortalEvery: time.Minute, PortalBurst: 5, // slow refill: the rate-limit test must not race the clock
		MediaURL: "file://" + t.TempDir(),
	}
	if opts.config != nil {
		opts.config(&cfg)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.log != nil {
		log = slog.New(reqid.LogHandler(slog.NewTextHandler(io.MultiWriter(os.Stderr, opts.log), &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
	a, err := newApp(cfg, log, pool, appOptions{workers: true})
	require.NoError(t, err)
	ctx := context.Background()
	ws, err := seedDemo(ctx, a)
	require.NoError(t, err)

	runCtx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.run(runCtx, true, ready) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start in time")
	}
	s := &testServer{app: a, url: "http://" + addr, ws: ws}
	s.stop = func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(45 * time.Second):
			t.Error("server did not shut down in time")
		}
	}
	t.Cleanup(s.stop)
	return s
}

// freeAddr finds a free loopback port for the server's links to name.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// browserClient returns an HTTP client that keeps cookies and does not follow redirects.
func browserClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}
