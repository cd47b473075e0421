package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/knowledge"
)

// retrievalQuestion is one line of the questions file: a customer's question, the file
// that answers it and, optionally, a phrase of the answering passage. The names
// (answer_doc, answer_text) and the short ones (doc, answer) are both read.
type retrievalQuestion struct {
	Question   string `json:"question"`
	Doc        string `json:"doc"`
	Answer     string `json:"answer"`
	AnswerDoc  string `json:"answer_doc"`
	AnswerText string `json:"answer_text"`
}

// relevant reports whether a search result answers the question: it comes from the
// answering file and, when a phrase is given, contains it.
func (q retrievalQuestion) relevant(doc, content string) bool {
	return doc == q.Doc && (q.Answer == "" || strings.Contains(normalise(content), normalise(q.Answer)))
}

// retrievalScores are the usual ranking measures over a question set.
type retrievalScores struct {
	Questions        int
	Recall1, Recall5 float64
	MRR10            float64
	Misses           []string
}

// evalRetrieval loads a folder of documents into a throw-away workspace (a transaction
// that is rolled back), asks every question, and prints recall@1, recall@5 and MRR@10
// of hybrid search and of full text alone; the last line is the hybrid figures.
func evalRetrieval(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("eval retrieval", flag.ContinueOnError)
	docs := fs.String("docs", "", "folder of documents to search")
	questions := fs.String("questions", "", "JSONL file of {\"question\", \"answer_doc\", \"answer_text\"} lines (answer_text optional)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *docs == "" || *questions == "" || fs.NArg() != 0 {
		return fmt.Errorf("eval retrieval needs --docs DIR and --questions FILE.jsonl: %w", errUsage)
	}
	return withApp(ctx, cfg, log, func(a *app) error {
		return runRetrievalEval(ctx, a, *docs, *questions, out)
	})
}

// errRollback ends the evaluation's transaction, leaving nothing behind.
var errRollback = errors.New("eval retrieval: done")

func runRetrievalEval(ctx context.Context, a *app, docsDir, questionsPath string, out io.Writer) error {
	qs, err := readQuestions(questionsPath)
	if err != nil {
		return err
	}
	textOnly, err := knowledge.New(knowledge.Options{TextOnly: true})
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		ws, err := a.conv.CreateWorkspace(ctx, tx, "eval-retrieval", "Retrieval evaluation", "UTC", "GB")
		if err != nil {
			return err
		}
		entries, err := os.ReadDir(docsDir)
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		sources := map[int64]string{}
		chunks := 0
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(docsDir, e.Name()))
			if err != nil {
				return fmt.Errorf("eval retrieval: %w", err)
			}
			doc, err := a.knowledge.AddFile(ctx, tx, ws.ID, knowledge.Upload{Filename: e.Name(), Data: data})
			if err != nil {
				return fmt.Errorf("eval retrieval: %s: %w", e.Name(), err)
			}
			sources[doc.ID] = e.Name()
			chunks += doc.Chunks
		}
		fmt.Fprintf(out, "%d documents (%d chunks) from %s, %d questions from %s\n\n", len(sources), chunks, docsDir, len(qs), questionsPath)
		fmt.Fprintf(out, "%-16s %9s %9s %7s\n", "search", "recall@1", "recall@5", "mrr@10")
		var hybrid retrievalScores
		for _, run := range []struct {
			name  string
			store *knowledge.Store
		}{{"full text only", textOnly}, {"hybrid", a.knowledge}} {
			sc, err := scoreRetrieval(ctx, tx, run.store, ws.ID, sources, qs)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%-16s %9.3f %9.3f %7.3f\n", run.name, sc.Recall1, sc.Recall5, sc.MRR10)
			hybrid = sc
		}
		if len(hybrid.Misses) > 0 {
			fmt.Fprintf(out, "\nnot in the hybrid top 10:\n")
			for _, m := range hybrid.Misses {
				fmt.Fprintf(out, "  %s\n", m)
			}
		}
		fmt.Fprintf(out, "\nmrr@10: %.3f recall@5: %.3f\n", hybrid.MRR10, hybrid.Recall5)
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// scoreRetrieval asks every question and ranks the first relevant result.
func scoreRetrieval(ctx context.Context, db pgx.Tx, kb *knowledge.Store, ws int64, sources map[int64]string,
	qs []retrievalQuestion) (retrievalScores, error) {
	sc := retrievalScores{Questions: len(qs)}
	for _, q := range qs {
		res, err := kb.Search(ctx, db, ws, q.Question, 10)
		if err != nil {
			return sc, err
		}
		rank := 0
		for i, r := range res {
			if q.relevant(sources[r.DocumentID], r.Content) {
				rank = i + 1
				break
			}
		}
		switch {
		case rank == 0:
			sc.Misses = append(sc.Misses, q.Question)
		case rank == 1:
			sc.Recall1++
			fallthrough
		case rank <= 5:
			sc.Recall5++
		}
		if rank > 0 {
			sc.MRR10 += 1 / float64(rank)
		}
	}
	if n := float64(len(qs)); n > 0 {
		sc.Recall1, sc.Recall5, sc.MRR10 = sc.Recall1/n, sc.Recall5/n, sc.MRR10/n
	}
	sort.Strings(sc.Misses)
	return sc, nil
}

func normalise(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func readQuestions(path string) ([]retrievalQuestion, error) {
	return readJSONL(path, "eval retrieval", func(q *retrievalQuestion) error {
		q.Doc, q.Answer = cmp.Or(q.AnswerDoc, q.Doc), cmp.Or(q.AnswerText, q.Answer)
		if q.Question == "" || q.Doc == "" {
			return errors.New(`needs "question" and "answer_doc"`)
		}
		return nil
	})
}

// readJSONL reads a file of one JSON object per line (blank lines skipped), checking
// each with check; errors name the command and the line.
func readJSONL[T any](path, command string, check func(*T) error) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s: %s line %d: %w", command, path, line, err)
		}
		if err := check(&v); err != nil {
			return nil, fmt.Errorf("%s: %s line %d: %w", command, path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %s has no lines", command, path)
	}
	return out, nil
}
