package metrics

import (
	"context"
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// HTTP times each request under its route template (/admin/conversations/:id<int>, not
// each id). It hands errors to the app's error handler itself, so the status it records
// is the one sent; handlers after it see no error.
func (m *Metrics) HTTP(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := c.Route().Path
	if c.Route().Method == "USE" || route == "/" && c.Path() != "/" {
		route = "unmatched" // no route answered: a 404 or a middleware's own answer
	}
	status := strconv.Itoa(c.Response().StatusCode()/100) + "xx"
	// fasthttp reuses the request's bytes: the label must own its copy of the method.
	m.httpDuration.WithLabelValues(strings.Clone(c.Method()), route, status).Observe(time.Since(start).Seconds())
	return nil
}

// Jobs is River middleware that times each job by kind and outcome.
func (m *Metrics) Jobs() rivertype.WorkerMiddleware { return &jobTimer{m: m} }

type jobTimer struct {
	river.MiddlewareDefaults
	m *Metrics
}

func (j *jobTimer) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	err := doInner(ctx)
	outcome := "ok"
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case errors.As(err, &snooze):
		outcome = "snooze"
	case errors.As(err, &cancel):
		outcome = "cancel"
	case err != nil:
		outcome = "error"
	}
	j.m.jobDuration.WithLabelValues(job.Kind, outcome).Observe(time.Since(start).Seconds())
	return err
}

// Handler serves the metrics in Prometheus's text format. With a token, a scrape must
// send it as "Authorization: Bearer <token>"; without one (a listener of its own on a
// private address), anyone who reaches it may scrape.
func (m *Metrics) Handler(token string) fiber.Handler {
	serve := adaptor.HTTPHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		if token != "" {
			got, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				return fiber.NewError(fiber.StatusUnauthorized, "send the metrics token as Authorization: Bearer <token>")
			}
		}
		return serve(c)
	}
}
