package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// The collectors count rows at scrape time. Only the states that drain are counted
// (completed jobs and sent drafts pile up for ever, and counting them would get slower
// each day); the counts are kept for a few seconds so that several scrapers cost one query.
const (
	// queueDepthSQL is served by River's (state, queue, priority, scheduled_at, id) index.
	queueDepthSQL = `SELECT kind, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'pending') GROUP BY kind, state`
	// draftsSQL counts the drafts that still need something: a decision, a send, a look.
	draftsSQL = `SELECT status, count(*) FROM drafts
		WHERE status IN ('pending', 'approved', 'edited', 'sending', 'failed') GROUP BY status`

	collectTimeout = 2 * time.Second
	collectCache   = 5 * time.Second
)

// countCollector exposes one gauge per row of a GROUP BY count query.
type countCollector struct {
	pool  *pgxpool.Pool
	query string
	desc  *prometheus.Desc
	// errors counts the scrapes whose query failed, so a broken query is visible.
	errors prometheus.Counter

	mu      sync.Mutex
	at      time.Time
	samples []countSample
}

type countSample struct {
	labels []string
	n      float64
}

func newQueueCollector(pool *pgxpool.Pool) *countCollector {
	return &countCollector{
		pool: pool, query: queueDepthSQL,
		desc: prometheus.NewDesc("frontdesk_jobs_queued",
			"River jobs not yet finished, by kind and state (available, scheduled, retryable, running, pending).",
			[]string{"kind", "state"}, nil),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_jobs_queued_scrape_errors_total", Help: "Scrapes that could not count River's jobs.",
		}),
	}
}

func newDraftCollector(pool *pgxpool.Pool) *countCollector {
	return &countCollector{
		pool: pool, query: draftsSQL,
		desc: prometheus.NewDesc("frontdesk_drafts",
			"Drafts awaiting a decision or a send, or failed, by state (pending, approved, edited, sending, failed).",
			[]string{"state"}, nil),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_drafts_scrape_errors_total", Help: "Scrapes that could not count drafts.",
		}),
	}
}

func (c *countCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.desc
	c.errors.Describe(ch)
}

func (c *countCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.counts() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, s.n, s.labels...)
	}
	c.errors.Collect(ch)
}

// counts runs the query, or returns what it returned a moment ago.
func (c *countCollector) counts() []countSample {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < collectCache {
		return c.samples
	}
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	rows, err := c.pool.Query(ctx, c.query)
	if err != nil {
		c.errors.Inc()
		return nil
	}
	samples, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (countSample, error) {
		vals, err := r.Values()
		if err != nil {
			return countSample{}, err
		}
		s := countSample{}
		for _, v := range vals[:len(vals)-1] {
			label, _ := v.(string)
			s.labels = append(s.labels, label)
		}
		n, _ := vals[len(vals)-1].(int64)
		s.n = float64(n)
		return s, nil
	})
	if err != nil {
		c.errors.Inc()
		return nil
	}
	c.samples, c.at = samples, time.Now()
	return samples
}
