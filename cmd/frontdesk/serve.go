package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/noderestart"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// defaultMemoryLimit is serve's soft memory limit when GOMEMLIMIT is not set: near it the
// collector runs more often instead of letting the heap grow to twice what is live, which
// keeps a node under load within about 150 MB. Only a soft limit: a heap that needs more
// gets it.
const defaultMemoryLimit = 100 << 20

type serveFlags struct {
	migrate     bool
	noWorkers   bool
	workersOnly bool
}

func parseServeFlags(name string, args []string) (serveFlags, error) {
	var f serveFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.BoolVar(&f.migrate, "migrate", true, "apply pending migrations on start (false: refuse to start on an old schema)")
	fs.BoolVar(&f.noWorkers, "no-workers", false, "serve HTTP only; other nodes work the jobs")
	fs.BoolVar(&f.workersOnly, "workers-only", false, "work jobs only; serve no HTTP")
	if err := fs.Parse(args); err != nil {
		return f, errUsage
	}
	if f.noWorkers && f.workersOnly {
		return f, errors.New("--no-workers and --workers-only exclude each other")
	}
	return f, nil
}

// prepareDatabase opens the pool and brings the schema up to date (or checks it is).
func prepareDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, migrate bool) (*pgxpool.Pool, error) {
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if migrate {
		err = database.Migrate(ctx, pool, log)
	} else {
		err = database.CheckSchema(ctx, pool)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	// Said at every start, as security-audit would: a process whose connections are not
	// held to the workspace wall keeps only the queries' own filters.
	if _, _, err := tenant.Check(ctx, pool); err != nil {
		log.Warn("row-level security between workspaces does not hold", "error", err)
	}
	return pool, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	f, err := parseServeFlags("serve", args)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	pool, err := prepareDatabase(ctx, cfg, log, f.migrate)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := newApp(cfg, log, pool, appOptions{workers: !f.noWorkers})
	if err != nil {
		return err
	}
	return a.run(ctx, !f.workersOnly, nil)
}

// run serves until ctx ends, then shuts down gracefully: stop taking requests, end live
// streams, and let running jobs finish. ready, if set, receives the listening address.
func (a *app) run(ctx context.Context, serveHTTP bool, ready chan<- string) error {
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHub()
	go a.hub.Run(hubCtx)
	published := make(chan struct{})
	go func() { a.events.Run(hubCtx); close(published) }()
	defer func() { stopHub(); <-published }()

	if a.workers {
		// Train the offline intent model now, not on the first customer's message.
		go func() {
			took, err := ai.TrainOfflineClassifier()
			if err != nil {
				a.log.Error("offline intent classifier did not train", "error", err)
				return
			}
			a.log.Info("offline intent classifier trained", "duration_ms", took.Milliseconds())
			// Start-up's garbage (migrations parsed, the classifier's training data) is
			// freed but the runtime hands it back to the OS only slowly: hand it back now.
			debug.FreeOSMemory()
		}()
		if a.cfg.NodeID != "" {
			n, err := noderestart.RequeueCutOff(ctx, a.pool, a.cfg.NodeID)
			if err != nil {
				return err
			}
			if n > 0 {
				a.log.Warn("took back the jobs this node was running when it stopped", "node_id", a.cfg.NodeID, "jobs", n)
			}
		}
		if err := a.jobs.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("start jobs: %w", err)
		}
		// Telegram bots: set their webhooks, or long-poll them without a public URL.
		pollCtx, stopPoll := context.WithCancel(context.WithoutCancel(ctx))
		polled := make(chan struct{})
		go func() { a.telegram.Poll(pollCtx); close(polled) }()
		defer func() { stopPoll(); <-polled }()
		// WhatsApp devices: each runs on one node at a time, held by an advisory lock.
		waCtx, stopWA := context.WithCancel(context.WithoutCancel(ctx))
		waDone := make(chan struct{})
		go func() { a.whatsapp.Run(waCtx); close(waDone) }()
		defer func() { stopWA(); <-waDone }()
	}
	errc := make(chan error, 2)
	if a.cfg.MetricsAddr != "" {
		// Workers-only nodes serve their metrics here too: job latency is measured where jobs run.
		stopMetrics, err := a.serveMetrics(errc)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	if serveHTTP {
		ln, err := net.Listen("tcp", a.cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
		}
		a.log.Info("frontdesk is serving", "addr", ln.Addr().String(), "admin", a.cfg.BaseURL+"/admin")
		if ready != nil {
			ready <- ln.Addr().String()
		}
		go func() { errc <- a.http.Listener(ln) }()
	} else {
		a.log.Info("frontdesk is working jobs only")
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.log.Info("shutting down")
	close(a.done)
	if serveHTTP {
		if err := a.http.ShutdownWithTimeout(10 * time.Second); err != nil {
			a.log.Warn("http shutdown", "error", err)
		}
	}
	if a.workers {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.jobs.Stop(stopCtx); err != nil {
			a.log.Warn("jobs did not finish in time", "error", err)
		}
	}
	if err := a.tracing.Shutdown(context.Background()); err != nil {
		a.log.Warn("traces not all sent", "error", err)
	}
	return serveErr
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	pool, err := prepareDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	pool.Close()
	log.Info("database is up to date")
	return nil
}

// serveMetrics serves /metrics alone on FRONTDESK_METRICS_ADDR.
func (a *app) serveMetrics(errc chan<- error) (stop func(), err error) {
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", a.cfg.MetricsAddr, err)
	}
	srv := fiber.New(fiber.Config{DisableStartupMessage: true, ReadTimeout: 10 * time.Second})
	srv.Get("/metrics", a.metrics.Handler(a.cfg.MetricsToken))
	a.log.Info("metrics are served", "addr", ln.Addr().String())
	go func() { errc <- srv.Listener(ln) }()
	return func() { _ = srv.ShutdownWithTimeout(5 * time.Second) }, nil
}
