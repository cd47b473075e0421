package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/frontdesk/frontdesk/internal/config"
)

// benchRSSTarget is the bound on the resident memory of serve under ingest.
const benchRSSTarget = 150.0

// benchFigure is one line of `frontdesk bench`'s summary: a measured figure and what it
// is compared with (the baseline of the same run, or a target).
type benchFigure struct {
	name     string
	figure   float64
	unit     string
	baseline float64
}

// benchTable is the output of `frontdesk bench`: each benchmark writes its own report
// through it and records its headline figures in it for the summary.
type benchTable struct {
	io.Writer
	rows []benchFigure
}

// benchRecord adds figures to the summary when the benchmark runs under `frontdesk
// bench`; run alone, a benchmark prints its own report only.
func benchRecord(out io.Writer, figs ...benchFigure) {
	if t, ok := out.(*benchTable); ok {
		t.rows = append(t.rows, figs...)
	}
}

// benchAll runs ingest, pipeline, search (a small corpus) and booking in one go and
// prints one table of their headline figures with their baselines.
func benchAll(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	messages := fs.Int("messages", 3000, "messages for the ingest and pipeline benchmarks")
	chunks := fs.Int("chunks", 10_000, "chunks of the search benchmark's knowledge base")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 || *messages < 1 || *chunks < 1 {
		return fmt.Errorf("bench: --messages and --chunks must be positive, and it takes no arguments: %w", errUsage)
	}
	t := &benchTable{Writer: out}
	n, c := strconv.Itoa(*messages), strconv.Itoa(*chunks)
	steps := []struct {
		name string
		run  func() error
	}{
		{"ingest (portal)", func() error {
			if err := benchIngest(ctx, cfg, log, []string{"--messages", n}, t); err != nil {
				return err
			}
			// The server ran in this process, so its peak resident memory is this
			// process's (an upper bound: the load generator lives here too).
			if hwm, err := vmHWM("/proc/self/status"); err == nil {
				benchRecord(t, benchFigure{name: "ingest: peak RSS of serve + load (VmHWM)", figure: hwm, unit: "MB", baseline: benchRSSTarget})
			}
			return nil
		}},
		{"ingest (twilio)", func() error { return benchIngest(ctx, cfg, log, []string{"--messages", n, "--via", "twilio"}, t) }},
		{"pipeline", func() error { return benchPipeline(ctx, cfg, log, []string{"--messages", n}, t) }},
		{"search", func() error {
			return benchSearch(ctx, cfg, log, []string{"--chunks", c, "--queries", "50", "--sweep", "40,100"}, t)
		}},
		{"booking", func() error { return benchBooking(ctx, cfg, log, nil, t) }},
	}
	var failed []string
	for _, s := range steps {
		fmt.Fprintf(out, "\n== bench %s ==\n", s.name)
		if err := s.run(); err != nil {
			fmt.Fprintf(out, "bench %s failed: %v\n", s.name, err)
			failed = append(failed, s.name)
		}
	}
	fmt.Fprintln(out, "\n== summary ==")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tfigure\tunit\tbaseline\tratio\t")
	for _, r := range t.rows {
		ratio := "-"
		if r.baseline != 0 {
			ratio = strconv.FormatFloat(r.figure/r.baseline, 'f', 2, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.name, benchNum(r.figure), r.unit, benchNum(r.baseline), ratio)
	}
	_ = tw.Flush()
	if len(failed) > 0 {
		return fmt.Errorf("bench: %s failed", strings.Join(failed, ", "))
	}
	return nil
}

func benchNum(v float64) string {
	if v >= 100 || v == float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// vmHWM reads the peak resident set size, in MB, from a /proc/<pid>/status file.
func vmHWM(path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0, fmt.Errorf("%s: VmHWM %q: %w", path, rest, err)
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no VmHWM", path)
}
