package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/secret"
)

// The ingest target of the issue: acknowledged portal messages per second, and the share
// of the direct-pgx baseline's throughput the HTTP path must keep.
const (
	benchTargetRate  = 1500.0
	benchTargetRatio = 0.6
)

// benchText is what every benchmark message says: a typical short customer message.
const benchText = "Hi! Could I book a check-up and clean next Tuesday morning? Any time before 11 works for me."

type benchFlags struct {
	concurrency, messages, contacts, warmup int
	cpuProfile                              string
	// via is the route measured: the portal API, or Twilio's signed webhook.
	via string
}

func parseBenchFlags(args []string) (benchFlags, error) {
	var f benchFlags
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	fs.IntVar(&f.concurrency, "concurrency", 32, "concurrent senders (HTTP clients, and pgx goroutines for the baseline)")
	fs.IntVar(&f.messages, "messages", 5000, "measured messages per side")
	fs.IntVar(&f.contacts, "contacts", 200, "customers the messages are spread over, each with a portal session")
	fs.IntVar(&f.warmup, "warmup", 200, "unmeasured messages sent per side first (0: none)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured frontdesk (HTTP) run to this file")
	fs.StringVar(&f.via, "via", "portal", "what carries the messages: portal (the portal API) or twilio (signed Twilio webhooks)")
	if err := fs.Parse(args); err != nil {
		return f, errUsage
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("bench ingest takes no arguments, got %q: %w", strings.Join(fs.Args(), " "), errUsage)
	}
	var bad []string
	for _, p := range []struct {
		name string
		v    int
	}{{"concurrency", f.concurrency}, {"messages", f.messages}, {"contacts", f.contacts}} {
		if p.v < 1 {
			bad = append(bad, fmt.Sprintf("--%s must be a positive number, got %d", p.name, p.v))
		}
	}
	if f.warmup < 0 {
		bad = append(bad, fmt.Sprintf("--warmup must be zero or more, got %d", f.warmup))
	}
	if f.via != "portal" && f.via != "twilio" {
		bad = append(bad, fmt.Sprintf("--via must be portal or twilio, got %q", f.via))
	}
	if len(bad) > 0 {
		return f, fmt.Errorf("bench ingest: %s", strings.Join(bad, "; "))
	}
	return f, nil
}

// benchResult is one measured run.
type benchResult struct {
	n, errors int
	elapsed   time.Duration
	latencies []time.Duration // sorted; successful requests only
	firstErrs []string        // a few distinct failures, to report
}

func (r benchResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n-r.errors) / r.elapsed.Seconds()
}

// percentile is the nearest-rank percentile of the successful requests' latencies.
func (r benchResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(r.latencies)))) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

// drive calls send for messages 0..n-1 from concurrency goroutines and times each call.
func drive(ctx context.Context, concurrency, n int, send func(ctx context.Context, i int) error) (benchResult, error) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		wg   sync.WaitGroup
		res  = benchResult{n: n}
	)
	start := time.Now()
	for range min(concurrency, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, n/concurrency+1)
			var fails []string
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				t0 := time.Now()
				err := send(ctx, i)
				d := time.Since(t0)
				if err != nil {
					fails = append(fails, err.Error())
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += len(fails)
			for _, f := range fails {
				if len(res.firstErrs) < 5 && !slices.Contains(res.firstErrs, f) {
					res.firstErrs = append(res.firstErrs, f)
				}
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	slices.Sort(res.latencies)
	return res, nil
}

// benchContact is a customer messages are sent as.
type benchContact struct {
	id    int64
	token string // portal session token
}

// benchWorkspace creates a fresh workspace with n contacts, each with a portal session.
func benchWorkspace(ctx context.Context, a *app, slug, name string, n int) (conversation.Workspace, []benchContact, error) {
	var w conversation.Workspace
	contacts := make([]benchContact, n)
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		var err error
		if w, err = a.conv.CreateWorkspace(ctx, tx, slug, name, "UTC", "US"); err != nil {
			return err
		}
		for i := range contacts {
			phone := fmt.Sprintf("+1555%07d", i)
			c := &contacts[i]
			if c.id, err = a.conv.UpsertContact(ctx, tx, w.ID, phone, fmt.Sprintf("Bench Customer %d", i), channels.Portal); err != nil {
				return err
			}
			if c.token, err = a.portal.CreateSession(ctx, tx, w.ID, c.id, time.Hour); err != nil {
				return err
			}
		}
		return nil
	})
	return w, contacts, err
}

// benchServe serves the app's HTTP on a free loopback port until ctx ends, and returns
// its address and a function that waits for the shutdown.
func benchServe(ctx context.Context, a *app) (string, func() error, error) {
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, true, ready) }()
	select {
	case addr := <-ready:
		return addr, func() error { return <-done }, nil
	case err := <-done:
		return "", nil, fmt.Errorf("serve: %w", err)
	case <-time.After(30 * time.Second):
		return "", nil, errors.New("serve: the server did not start in 30s")
	}
}

func benchIngest(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) (err error) {
	f, err := parseBenchFlags(args)
	if err != nil {
		return err
	}
	pool, err := prepareDatabase(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer pool.Close()
	cfg.Addr = "127.0.0.1:0"
	// The benchmark posts far faster than one customer may: lift the per-customer limit.
	cfg.PortalEvery, cfg.PortalBurst = time.Microsecond, 1<<30
	cfg.WebhookEvery, cfg.WebhookBurst = time.Microsecond, 1<<30
	if cfg.SecretKey == "" {
		// The Twilio account's token is sealed for the run only.
		cfg.SecretKey = secret.New("bench-")
	}
	a, err := newApp(cfg, log, pool, appOptions{workers: false})
	if err != nil {
		return err
	}

	otherWorkers := benchOtherWorkers(ctx, a)
	if otherWorkers {
		log.Warn("another frontdesk process is working jobs on this database: it will process the benchmark's " +
			"messages while they are measured, which skews the figures; point DATABASE_URL at a database of its own")
	}

	// Whatever happens from here, remove what the benchmark wrote.
	var wsIDs []int64
	defer func() {
		if cerr := benchCleanup(context.WithoutCancel(ctx), a, wsIDs); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()

	stamp := strconv.FormatInt(time.Now().UnixNano(), 10)
	fdWS, fdContacts, err := benchWorkspace(ctx, a, "bench-"+stamp, "Bench ingest (frontdesk)", f.contacts)
	if err != nil {
		return fmt.Errorf("bench: set up: %w", err)
	}
	wsIDs = append(wsIDs, fdWS.ID)
	baseWS, baseContacts, err := benchWorkspace(ctx, a, "bench-"+stamp+"-baseline", "Bench ingest (baseline)", f.contacts)
	if err != nil {
		return fmt.Errorf("bench: set up: %w", err)
	}
	wsIDs = append(wsIDs, baseWS.ID)

	runCtx, stopServer := context.WithCancel(ctx)
	defer stopServer()
	addr, waitServer, err := benchServe(runCtx, a)
	if err != nil {
		return err
	}
	defer func() {
		stopServer()
		if serr := waitServer(); serr != nil {
			err = errors.Join(err, fmt.Errorf("bench: server: %w", serr))
		}
	}()

	// The frontdesk side: the real HTTP app over keep-alive connections.
	client := &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        2 * f.concurrency,
			MaxIdleConnsPerHost: 2 * f.concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
	defer client.CloseIdleConnections()
	request := benchPortalRequest("http://"+addr, fdContacts)
	if f.via == "twilio" {
		if request, err = benchTwilioRequest(ctx, a, "http://"+addr, fdWS.ID); err != nil {
			return fmt.Errorf("bench: set up: %w", err)
		}
	}
	post := func(prefix string) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			req, want, err := request(ctx, prefix, i)
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != want {
				msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
				return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
			}
			_, err = io.Copy(io.Discard, resp.Body) // read to the end so the connection is reused
			return err
		}
	}

	// The baseline: the same writes as conversation.Ingest, straight over pgx, with the
	// very statement the pipeline runs.
	insertInbound, err := conversation.SQL("InsertInbound")
	if err != nil {
		return err
	}
	direct := func(prefix string) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			c := baseContacts[i%len(baseContacts)]
			ext := "client:" + strconv.FormatInt(c.id, 10) + ":" + prefix + strconv.Itoa(i)
			now := time.Now()
			var convID int64
			err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
				var msgID int64
				if err := tx.QueryRow(ctx, insertInbound, baseWS.ID, c.id, channels.Portal, benchText, &ext, now, nil).Scan(&msgID, &convID); err != nil {
					return fmt.Errorf("insert message: %w", err)
				}
				if _, err := a.jobs.InsertTx(ctx, tx, conversation.ProcessMessageArgs{WorkspaceID: baseWS.ID, MessageID: msgID}, nil); err != nil {
					return fmt.Errorf("queue processing: %w", err)
				}
				return nil
			})
			if err == nil {
				a.events.Publish(live.Event{WorkspaceID: baseWS.ID, Kind: "message", ConversationID: convID, ContactID: c.id})
			}
			return err
		}
	}

	if f.warmup > 0 {
		for _, send := range []func(context.Context, int) error{post("w"), direct("w")} {
			r, err := drive(ctx, f.concurrency, f.warmup, send)
			if err != nil {
				return err
			}
			if r.errors > 0 {
				return fmt.Errorf("bench: %d of %d warm-up messages failed: %s", r.errors, r.n, strings.Join(r.firstErrs, "; "))
			}
		}
	}

	var stopProfile func()
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: cpu profile: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fmt.Errorf("bench: cpu profile: %w", err)
		}
		stopProfile = pprof.StopCPUProfile
		defer func() {
			if stopProfile != nil {
				stopProfile()
			}
		}()
	}
	fd, err := drive(ctx, f.concurrency, f.messages, post("m"))
	if err != nil {
		return err
	}
	if stopProfile != nil {
		stopProfile()
		stopProfile = nil
	}
	base, err := drive(ctx, f.concurrency, f.messages, direct("m"))
	if err != nil {
		return err
	}

	benchReport(out, f, a, fd, base)
	if otherWorkers {
		fmt.Fprintln(out, "warning: another process was working jobs on this database during the run; the figures are skewed")
	}
	if fd.errors > 0 || base.errors > 0 {
		return fmt.Errorf("bench: %d frontdesk and %d baseline messages failed", fd.errors, base.errors)
	}
	return nil
}

func benchReport(out io.Writer, f benchFlags, a *app, fd, base benchResult) {
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
	fmt.Fprintf(out, "frontdesk bench ingest --via %s: %d messages per side, %d concurrent, %d contacts, %d warm-up; pool max %d conns, GOMAXPROCS %d\n\n",
		f.via, f.messages, f.concurrency, f.contacts, f.warmup, a.pool.Config().MaxConns, runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmsgs/s\tp50\tp99\terrors\t")
	for _, row := range []struct {
		name string
		r    benchResult
	}{{"frontdesk (HTTP)", fd}, {"baseline (pgx)", base}} {
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%d\t\n", row.name, row.r.rate(), ms(row.r.percentile(0.50)), ms(row.r.percentile(0.99)), row.r.errors)
	}
	_ = tw.Flush()
	ratio := 0.0
	if base.rate() > 0 {
		ratio = fd.rate() / base.rate()
	}
	verdict := "met"
	if fd.rate() < benchTargetRate || ratio < benchTargetRatio {
		verdict = "NOT met"
	}
	benchRecord(out,
		benchFigure{name: "ingest " + f.via + ": acknowledged", figure: fd.rate(), unit: "msgs/s", baseline: base.rate()},
		benchFigure{name: "ingest " + f.via + ": p99", figure: msOf(fd.percentile(0.99)), unit: "ms", baseline: msOf(base.percentile(0.99))})
	fmt.Fprintf(out, "\nratio frontdesk/baseline (throughput): %.2f\n", ratio)
	fmt.Fprintf(out, "target (>= %.0f msgs/s and >= %.1f of baseline): %s\n", benchTargetRate, benchTargetRatio, verdict)
	for _, row := range []struct {
		name string
		r    benchResult
	}{{"frontdesk", fd}, {"baseline", base}} {
		for _, e := range row.r.firstErrs {
			fmt.Fprintf(out, "%s error: %s\n", row.name, e)
		}
	}
}

// benchCleanup deletes the benchmark's workspaces (which cascades to everything in them)
// and the process_message jobs queued for them.
func benchCleanup(ctx context.Context, a *app, wsIDs []int64) error {
	if len(wsIDs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	ids := make([]string, len(wsIDs))
	for i, id := range wsIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	clean := func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM river_job
WHERE kind = 'process_message' AND args->>'workspace_id' = ANY($1)`, ids); err != nil {
			return fmt.Errorf("bench: clean up jobs: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM workspaces WHERE id = ANY($1)", wsIDs); err != nil {
			return fmt.Errorf("bench: clean up workspaces: %w", err)
		}
		return nil
	}
	// Job workers of another process on the same database may be working the benchmark's
	// jobs and deadlock with the cascade; try again.
	var err error
	for attempt := range 5 {
		if err = pgx.BeginFunc(ctx, a.pool, clean); err == nil {
			return nil
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || (pgErr.Code != "40P01" && pgErr.Code != "40001") {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	return err
}

// benchOtherWorkers reports whether some process is working River jobs on the database:
// it would drain the benchmark's queue while it runs.
func benchOtherWorkers(ctx context.Context, a *app) bool {
	var busy bool
	err := a.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM river_leader WHERE expires_at > now())").Scan(&busy)
	return err == nil && busy
}
