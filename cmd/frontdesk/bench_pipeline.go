package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/config"
)

// The pipeline target of the issue: messages drafted per second, offline.
const benchPipelineTarget = 300.0

// benchPipelineTexts are what the benchmark's customers write: questions the documents
// answer, questions they do not, booking requests and small talk.
var benchPipelineTexts = []string{ //nolint:gochecknoglobals // read-only table
	"How much is a check-up?", "are you open on saturdays", "Is there parking nearby?",
	"Can I book a cleaning next Tuesday afternoon?", "Do you sell gift vouchers?", "thanks, see you then!",
	"Do you offer sedation?", "What is your address?", "I'd like to speak to a person please",
	"can I come tomorrow morning for a check-up?", "How much are veneers?", "hi there",
}

type benchPipelineFlags struct {
	messages, concurrency, contacts int
	docs, cpuProfile                string
}

// benchPipeline measures the offline brain per message (classification, and the whole
// draft: classification, search and drafting) and the throughput of the pipeline from
// ingest to stored draft through real River jobs, against River's own throughput on
// jobs that do nothing, with as many workers, in the same run.
func benchPipeline(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	var f benchPipelineFlags
	fs := flag.NewFlagSet("bench pipeline", flag.ContinueOnError)
	fs.IntVar(&f.messages, "messages", 3000, "messages sent through the pipeline (and no-op jobs for the baseline)")
	fs.IntVar(&f.concurrency, "concurrency", 16, "goroutines ingesting messages")
	fs.IntVar(&f.contacts, "contacts", 300, "customers the messages are spread over")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the ingest-to-draft run to this file")
	fs.StringVar(&f.docs, "docs", "cmd/frontdesk/testdata/retrieval/docs", "folder of documents for the workspace's knowledge base")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || f.messages < 1 || f.concurrency < 1 || f.contacts < 1 {
		return fmt.Errorf("bench pipeline: --messages, --concurrency and --contacts must be positive, and it takes no arguments: %w", errUsage)
	}
	if _, err := os.Stat(f.docs); err != nil {
		return fmt.Errorf("bench pipeline: --docs: %w", err)
	}
	return withAppOptions(ctx, cfg, log, appOptions{workers: true}, func(a *app) error {
		return runBenchPipeline(ctx, a, cfg, f, out)
	})
}

func runBenchPipeline(ctx context.Context, a *app, cfg config.Config, f benchPipelineFlags, out io.Writer) (err error) {
	if benchOtherWorkers(ctx, a) {
		return errors.New("bench pipeline: another process is working jobs on this database; stop it (or use another database) so it does not take the benchmark's jobs")
	}
	ws, err := a.conv.CreateWorkspace(ctx, a.pool, fmt.Sprintf("bench-pipeline-%d", time.Now().UnixNano()), "Bench Dental", "Europe/London", "GB")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := benchCleanup(context.WithoutCancel(ctx), a, []int64{ws.ID}); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if _, err := loadEvalDocs(ctx, a, ws.ID, f.docs); err != nil {
		return err
	}
	fmt.Fprintf(out, "bench pipeline: %d messages from %d customers, %d ingesting goroutines, %d River workers\n\n",
		f.messages, f.contacts, f.concurrency, cfg.Workers)

	classify, draft, err := benchBrain(ctx, a, ws)
	if err != nil {
		return err
	}
	base, err := benchNoopJobs(ctx, a, cfg.Workers, f.messages)
	if err != nil {
		return err
	}
	rate, ingest, err := benchDraftThroughput(ctx, a, ws, f)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "per message\tp50\tp99\t")
	fmt.Fprintf(tw, "classify (offline)\t%s\t%s\t\n", fmtDur(classify.percentile(0.5)), fmtDur(classify.percentile(0.99)))
	fmt.Fprintf(tw, "draft (classify + search + draft)\t%s\t%s\t\n", fmtDur(draft.percentile(0.5)), fmtDur(draft.percentile(0.99)))
	fmt.Fprintf(tw, "ingest (message + job, in one tx)\t%s\t%s\t\n", fmtDur(ingest.percentile(0.5)), fmtDur(ingest.percentile(0.99)))
	_ = tw.Flush()
	fmt.Fprintf(out, "\nthroughput\n  baseline, River no-op jobs: %8.0f jobs/s\n  ingest to stored draft:     %8.0f msgs/s\n", base, rate)
	benchRecord(out,
		benchFigure{name: "pipeline: ingest to stored draft", figure: rate, unit: "msgs/s", baseline: base},
		benchFigure{name: "pipeline: draft p99 (offline)", figure: msOf(draft.percentile(0.99)), unit: "ms", baseline: msOf(classify.percentile(0.99))})
	fmt.Fprintf(out, "\nratio pipeline/baseline (throughput): %.2f\n", rate/base)
	verdict := "met"
	if rate < benchPipelineTarget {
		verdict = "NOT met"
	}
	fmt.Fprintf(out, "target (>= %.0f msgs/s to draft, offline): %s\n", benchPipelineTarget, verdict)
	return nil
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

// benchBrain times classification alone and the whole draft (as the settings preview
// makes it: classification, search, hours and drafting) over the benchmark's texts.
func benchBrain(ctx context.Context, a *app, ws conversation.Workspace) (classify, draft benchResult, err error) {
	const rounds = 50
	n := rounds * len(benchPipelineTexts)
	classify, err = drive(ctx, 1, n, func(ctx context.Context, i int) error {
		_, err := a.conv.Classifier.Classify(ctx, benchPipelineTexts[i%len(benchPipelineTexts)])
		return err
	})
	if err != nil {
		return classify, draft, err
	}
	draft, err = drive(ctx, 1, n, func(ctx context.Context, i int) error {
		_, err := a.conv.Preview(ctx, ws, benchPipelineTexts[i%len(benchPipelineTexts)])
		return err
	})
	return classify, draft, err
}

// benchNoopArgs is the baseline's job: it does nothing, so its rate is River's ceiling on
// this database with this many workers.
type benchNoopArgs struct{}

func (benchNoopArgs) Kind() string { return "bench_noop" }

type benchNoopWorker struct {
	river.WorkerDefaults[benchNoopArgs]
}

func (benchNoopWorker) Work(context.Context, *river.Job[benchNoopArgs]) error { return nil }

// benchNoopJobs inserts n no-op jobs on a queue of their own, then works them with
// workers workers and returns jobs completed per second.
func benchNoopJobs(ctx context.Context, a *app, workers, n int) (float64, error) {
	const queue = "bench_noop"
	w := river.NewWorkers()
	river.AddWorker(w, &benchNoopWorker{})
	client, err := river.NewClient(riverpgxv5.New(a.pool), &river.Config{
		Workers: w, Queues: map[string]river.QueueConfig{queue: {MaxWorkers: workers}},
		Logger: slog.New(slog.DiscardHandler), FetchCooldown: jobFetchCooldown,
	})
	if err != nil {
		return 0, fmt.Errorf("bench pipeline: baseline client: %w", err)
	}
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: benchNoopArgs{}, InsertOpts: &river.InsertOpts{Queue: queue}}
	}
	if _, err := client.InsertMany(ctx, params); err != nil {
		return 0, fmt.Errorf("bench pipeline: insert baseline jobs: %w", err)
	}
	done, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return 0, fmt.Errorf("bench pipeline: baseline client: %w", err)
	}
	for seen := 0; seen < n; {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case ev := <-done:
			if ev.Job.Kind == (benchNoopArgs{}).Kind() {
				seen++
			}
		}
	}
	elapsed := time.Since(start)
	stop, cancelStop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelStop()
	_ = client.Stop(stop)
	if _, err := a.pool.Exec(ctx, "DELETE FROM river_job WHERE kind = $1 AND state = $2", benchNoopArgs{}.Kind(), rivertype.JobStateCompleted); err != nil {
		return 0, fmt.Errorf("bench pipeline: clean up baseline jobs: %w", err)
	}
	return float64(n) / elapsed.Seconds(), nil
}

// benchDraftThroughput starts the workers, ingests the messages from concurrency
// goroutines and returns messages drafted per second from the first ingest to the last
// draft stored, with the ingest calls' latencies.
func benchDraftThroughput(ctx context.Context, a *app, ws conversation.Workspace, f benchPipelineFlags) (float64, benchResult, error) {
	if err := a.jobs.Start(ctx); err != nil {
		return 0, benchResult{}, fmt.Errorf("bench pipeline: start workers: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = a.jobs.Stop(stop)
	}()
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			return 0, benchResult{}, fmt.Errorf("bench pipeline: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return 0, benchResult{}, fmt.Errorf("bench pipeline: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	ingest, err := drive(ctx, f.concurrency, f.messages, func(ctx context.Context, i int) error {
		_, err := a.conv.Ingest(ctx, channels.Inbound{
			WorkspaceID: ws.ID, Channel: channels.SMS, Phone: fmt.Sprintf("+4477009%05d", i%f.contacts),
			ExternalID: fmt.Sprintf("bench-%d", i), Text: benchPipelineTexts[i%len(benchPipelineTexts)],
		})
		return err
	})
	if err != nil {
		return 0, ingest, err
	}
	if ingest.errors > 0 {
		return 0, ingest, fmt.Errorf("bench pipeline: %d of %d messages failed to ingest: %s", ingest.errors, f.messages, strings.Join(ingest.firstErrs, "; "))
	}
	// Every message gets a draft; a later message to the same conversation supersedes
	// the earlier draft but still writes it.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var n int
		if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM drafts WHERE workspace_id = $1", ws.ID).Scan(&n); err != nil {
			return 0, ingest, fmt.Errorf("bench pipeline: %w", err)
		}
		if n >= f.messages {
			break
		}
		if time.Now().After(deadline) {
			return 0, ingest, fmt.Errorf("bench pipeline: only %d of %d messages drafted in 10 minutes", n, f.messages)
		}
		select {
		case <-ctx.Done():
			return 0, ingest, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return float64(f.messages) / time.Since(start).Seconds(), ingest, nil
}
