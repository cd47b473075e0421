package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/knowledge"
)

// draftQuestion is one line of the questions file. A line that names the document that
// answers it is answerable; a line without one (or with "answerable": false) is a
// question the documents do not answer, which must be handed off.
type draftQuestion struct {
	Question   string `json:"question"`
	AnswerDoc  string `json:"answer_doc"`
	Doc        string `json:"doc"`
	Answerable *bool  `json:"answerable"`
}

func (q draftQuestion) answerable() bool {
	if q.Answerable != nil {
		return *q.Answerable
	}
	return q.AnswerDoc != ""
}

// draftOutcome is what the pipeline made of one question.
type draftOutcome struct {
	q          draftQuestion
	intent     string
	handedOff  bool
	sourceDocs []string
	reply      string
}

// evalDrafts loads a folder of documents into a scratch workspace, sends every question
// as a customer's portal message through the whole pipeline (ingest, River job,
// classification, search, drafting) and reports per question whether the draft answered
// or handed off; the last line is `answered: A handed_off: H`.
func evalDrafts(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("eval drafts", flag.ContinueOnError)
	docs := fs.String("docs", "", "folder of documents: the scratch workspace's knowledge base")
	questions := fs.String("questions", "", `JSONL file of {"question", "answer_doc"} lines; no answer_doc: must be handed off`)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *docs == "" || *questions == "" || fs.NArg() != 0 {
		return fmt.Errorf("eval drafts needs --docs DIR and --questions FILE.jsonl: %w", errUsage)
	}
	return withAppOptions(ctx, cfg, log, appOptions{workers: true}, func(a *app) error {
		return runDraftsEval(ctx, a, *docs, *questions, out)
	})
}

func runDraftsEval(ctx context.Context, a *app, docsDir, questionsPath string, out io.Writer) (err error) {
	qs, err := readDraftQuestions(questionsPath)
	if err != nil {
		return err
	}
	// The drafts come from River jobs, which need the workspace committed: it is deleted
	// at the end instead of rolled back.
	slug := fmt.Sprintf("eval-drafts-%d", time.Now().UnixNano())
	ws, err := a.conv.CreateWorkspace(ctx, a.pool, slug, "Evaluation Dental", "Europe/London", "GB")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := benchCleanup(context.WithoutCancel(ctx), a, []int64{ws.ID}); cerr != nil && err == nil {
			err = cerr
		}
	}()
	titles, err := loadEvalDocs(ctx, a, ws.ID, docsDir)
	if err != nil {
		return err
	}
	if err := a.jobs.Start(ctx); err != nil {
		return fmt.Errorf("eval drafts: start workers: %w", err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = a.jobs.Stop(stop)
	}()

	msgIDs := make([]int64, len(qs))
	for i, q := range qs {
		res, err := a.conv.Ingest(ctx, channels.Inbound{
			WorkspaceID: ws.ID, Channel: channels.Portal,
			Address: fmt.Sprintf("eval-%d", i), Name: "Evaluator", Text: q.Question,
		})
		if err != nil {
			return fmt.Errorf("eval drafts: question %d: %w", i+1, err)
		}
		msgIDs[i] = res.MessageID
	}
	outcomes, err := awaitDrafts(ctx, a, ws.ID, msgIDs, titles, qs)
	if err != nil {
		return err
	}
	printDraftsEval(out, len(titles), docsDir, questionsPath, outcomes)
	return nil
}

// loadEvalDocs adds every file of dir to the workspace's knowledge base and returns the
// documents' file names by id.
func loadEvalDocs(ctx context.Context, a *app, ws int64, dir string) (map[int64]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval drafts: %w", err)
	}
	titles := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("eval drafts: %w", err)
		}
		err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
			doc, err := a.knowledge.AddFile(ctx, tx, ws, knowledge.Upload{Filename: e.Name(), Data: data})
			titles[doc.ID] = e.Name()
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("eval drafts: %s: %w", e.Name(), err)
		}
	}
	if len(titles) == 0 {
		return nil, fmt.Errorf("eval drafts: %s holds no documents", dir)
	}
	return titles, nil
}

// awaitDrafts waits until every message has its draft and reads them.
func awaitDrafts(ctx context.Context, a *app, ws int64, msgIDs []int64, titles map[int64]string, qs []draftQuestion) ([]draftOutcome, error) {
	deadline := time.Now().Add(time.Duration(len(msgIDs))*2*time.Second + time.Minute)
	for {
		var n int
		if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM drafts WHERE workspace_id = $1 AND message_id = ANY($2)", ws, msgIDs).Scan(&n); err != nil {
			return nil, fmt.Errorf("eval drafts: %w", err)
		}
		if n == len(msgIDs) {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("eval drafts: only %d of %d questions were drafted in time", n, len(msgIDs))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	out := make([]draftOutcome, len(msgIDs))
	for i, id := range msgIDs {
		var sources []knowledge.Result
		o := draftOutcome{q: qs[i]}
		err := a.pool.QueryRow(ctx, `SELECT intent, needs_human, sources, content FROM drafts
WHERE workspace_id = $1 AND message_id = $2`, ws, id).Scan(&o.intent, &o.handedOff, &sources, &o.reply)
		if err != nil {
			return nil, fmt.Errorf("eval drafts: read draft of question %d: %w", i+1, err)
		}
		for _, s := range sources {
			o.sourceDocs = append(o.sourceDocs, titles[s.DocumentID])
		}
		out[i] = o
	}
	return out, nil
}

func printDraftsEval(out io.Writer, docs int, docsDir, questionsPath string, outcomes []draftOutcome) {
	fmt.Fprintf(out, "%d documents from %s, %d questions from %s\n\n", docs, docsDir, len(outcomes), questionsPath)
	var answered, handedOff, answerable, unanswerable, rightAnswered, rightHandedOff, cited int
	for _, o := range outcomes {
		verdict, want := "answered", "answer"
		if o.handedOff {
			verdict = "handed_off"
			handedOff++
		} else {
			answered++
		}
		ok := o.handedOff != o.q.answerable()
		if o.q.answerable() {
			answerable++
			if ok {
				rightAnswered++
				if o.q.AnswerDoc == "" || slices.Contains(o.sourceDocs, o.q.AnswerDoc) {
					cited++
				}
			}
		} else {
			want = "hand off"
			unanswerable++
			if ok {
				rightHandedOff++
			}
		}
		mark := "ok  "
		if !ok {
			mark = "MISS"
		}
		source := "-"
		if len(o.sourceDocs) > 0 && !o.handedOff {
			source = o.sourceDocs[0]
		}
		fmt.Fprintf(out, "%s %-10s (want %-8s) %-22s %-14s %s\n       reply: %s\n", mark, verdict, want, o.intent, source,
			o.q.Question, oneLine(o.reply, 150))
	}
	fmt.Fprintf(out, "\nanswerable questions answered:      %s\n", ratio(rightAnswered, answerable))
	fmt.Fprintf(out, "  ...with the expected document among the sources: %s\n", ratio(cited, answerable))
	fmt.Fprintf(out, "unanswerable questions handed off:  %s\n", ratio(rightHandedOff, unanswerable))
	fmt.Fprintf(out, "\nanswered: %d handed_off: %d\n", answered, handedOff)
}

func ratio(n, of int) string {
	if of == 0 {
		return "- (none in the set)"
	}
	return fmt.Sprintf("%d/%d = %.3f", n, of, float64(n)/float64(of))
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func readDraftQuestions(path string) ([]draftQuestion, error) {
	return readJSONL(path, "eval drafts", func(q *draftQuestion) error {
		q.AnswerDoc = cmp.Or(q.AnswerDoc, q.Doc)
		if strings.TrimSpace(q.Question) == "" {
			return errors.New(`needs "question"`)
		}
		return nil
	})
}
