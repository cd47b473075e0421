package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/reqid"
)

const usage = `frontdesk — a self-hosted AI front desk for small businesses

Usage:
  frontdesk <command> [flags]

Commands:
  serve                 serve the admin UI, portal and API, and run the job workers
  migrate               apply database migrations (idempotent)
  demo                  set up a demo dental clinic and serve it
  workspaces create     create a business: --slug S --name N --timezone TZ [--region GB]
  users create          add a user: --workspace S --email E [--role owner|staff]; password from stdin
  tokens create         make an API token: --workspace S [--name N]
  bench [all]           run ingest, pipeline, search (small corpus) and booking, then print one table of figures and baselines
  bench booking         measure slot search on a busy calendar and booking under contention
  bench ingest          measure ingest throughput (portal API, or --via twilio webhooks) against a direct-pgx baseline
  bench pipeline        measure classification and drafting latency, and ingest-to-draft throughput against River no-op jobs
  bench search          measure knowledge search at 100,000 chunks: latency, HNSW recall@10 against exact search, ingestion [--chunks --queries]
  eval intents FILE     score the offline intent classifier on a JSONL file of {"text", "intent"} lines [--top N]
  eval voice            score offline voice transcription on synthesised speech [--voices --speeds --limit --worst N]
  eval drafts           draft a reply to every question through the whole pipeline: --docs DIR --questions FILE.jsonl
  security-audit        report weak settings (secret key, TLS, log level, weak passwords, metrics); fails on any FAIL
  eval retrieval        score knowledge search: --docs DIR --questions FILE.jsonl of {"question", "answer_doc", "answer_text"}

Configuration is read from the environment; see README.md (DATABASE_URL,
FRONTDESK_ADDR, FRONTDESK_BASE_URL, FRONTDESK_SECRET_KEY, ...).
`

// errUsage marks a bad command line; the usage text has been printed.
var errUsage = errors.New("see `frontdesk --help`")

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	cmd, rest := args[0], args[1:]
	if (cmd == "workspaces" || cmd == "users" || cmd == "tokens" || cmd == "bench" || cmd == "eval") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, rest)
	case "migrate":
		return migrate(ctx, cfg, log)
	case "security-audit":
		return securityAudit(ctx, cfg, log, stdout)
	case "demo":
		return demo(ctx, cfg, log, rest, stdout)
	case "workspaces create":
		return createWorkspace(ctx, cfg, log, rest, stdout)
	case "users create":
		return createUser(ctx, cfg, log, rest, stdin, stdout)
	case "tokens create":
		return createToken(ctx, cfg, log, rest, stdout)
	case "bench", "bench all":
		return benchAll(ctx, cfg, log, rest, stdout)
	case "bench booking":
		return benchBooking(ctx, cfg, log, rest, stdout)
	case "bench ingest":
		return benchIngest(ctx, cfg, log, rest, stdout)
	case "bench pipeline":
		return benchPipeline(ctx, cfg, log, rest, stdout)
	case "bench search":
		return benchSearch(ctx, cfg, log, rest, stdout)
	case "eval intents":
		return evalIntents(ctx, rest, stdout)
	case "eval voice":
		return evalVoice(ctx, rest, stdout)
	case "eval drafts":
		return evalDrafts(ctx, cfg, log, rest, stdout)
	case "eval retrieval":
		return evalRetrieval(ctx, cfg, log, rest, stdout)
	default:
		return fmt.Errorf("unknown command %q: %w", strings.Join(args, " "), errUsage)
	}
}

func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(reqid.LogHandler(slog.NewJSONHandler(os.Stderr, opts)))
	}
	return slog.New(reqid.LogHandler(slog.NewTextHandler(os.Stderr, opts)))
}
