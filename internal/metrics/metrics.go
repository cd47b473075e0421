// Package metrics holds frontdesk's Prometheus metrics, all named frontdesk_*: HTTP
// latency, River queue depth and job latency, channel send outcomes, drafts by state and
// model latency. One Metrics is made at start-up and passed to what records into it;
// there is no global registry.
package metrics

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the registry and the metrics frontdesk records into it.
type Metrics struct {
	Registry *prometheus.Registry

	httpDuration  *prometheus.HistogramVec
	jobDuration   *prometheus.HistogramVec
	channelSends  *prometheus.CounterVec
	modelDuration *prometheus.HistogramVec
}

// New registers frontdesk's metrics, Go's runtime and process metrics, and, when pool
// is set, the collectors that read queue depth and drafts by state from PostgreSQL at
// each scrape.
func New(pool *pgxpool.Pool) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route template and status class (2xx, 4xx...).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_jobs_duration_seconds",
			Help:    "Time a River job took to run, by kind and outcome (ok, error, cancel, snooze).",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"kind", "outcome"}),
		channelSends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_channel_sends_total",
			Help: "Replies handed to a channel, by channel and outcome (sent, retry, failed).",
		}, []string{"channel", "outcome"}),
		modelDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_model_duration_seconds",
			Help:    "Time a model call took, by capability (classify, draft, embed, transcribe...) and provider.",
			Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"capability", "provider"}),
	}
	m.Registry.MustRegister(m.httpDuration, m.jobDuration, m.channelSends, m.modelDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.Registry.MustRegister(newQueueCollector(pool), newDraftCollector(pool))
	}
	return m
}

// ObserveModel records one model call. Providers (the offline models, an OpenAI-compatible
// API) call it, or the pipeline calls it around them. A nil Metrics records nothing.
func (m *Metrics) ObserveModel(capability, provider string, took time.Duration) {
	if m == nil {
		return
	}
	m.modelDuration.WithLabelValues(capability, provider).Observe(took.Seconds())
}

// TimeModel is ObserveModel for a defer: `defer m.TimeModel("embed", "openai")()`.
func (m *Metrics) TimeModel(capability, provider string) func() {
	start := time.Now()
	return func() { m.ObserveModel(capability, provider, time.Since(start)) }
}

// ObserveSend records how handing one reply to a channel ended.
func (m *Metrics) ObserveSend(channel, outcome string) {
	if m == nil {
		return
	}
	m.channelSends.WithLabelValues(channel, outcome).Inc()
}
