package tracing

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/frontdesk/frontdesk/internal/reqid"
)

// Job metadata keys: the W3C trace context and the request id of whatever queued the job.
const (
	metaTrace     = "trace"
	metaRequestID = "request_id"
)

// Jobs is River middleware for both ends of a job: at insert it writes the caller's trace
// context and request id into the job's metadata; at work it continues that trace with a
// span per attempt (kind, attempt, outcome) and puts the request id back in the context,
// so the job's log lines carry it too.
func (t *Tracing) Jobs() rivertype.Middleware { return &jobs{t: t, tr: t.Tracer()} }

type jobs struct {
	river.MiddlewareDefaults
	t  *Tracing
	tr trace.Tracer
}

func (j *jobs) InsertMany(ctx context.Context, many []*rivertype.JobInsertParams, doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	carrier := propagation.MapCarrier{}
	j.t.prop.Inject(ctx, carrier)
	id := reqid.From(ctx)
	if len(carrier) == 0 && id == "" {
		return doInner(ctx)
	}
	for _, p := range many {
		md := map[string]any{}
		if len(p.Metadata) > 0 {
			if err := json.Unmarshal(p.Metadata, &md); err != nil {
				continue // not ours to rewrite
			}
		}
		if len(carrier) > 0 {
			md[metaTrace] = carrier
		}
		if id != "" {
			md[metaRequestID] = id
		}
		b, err := json.Marshal(md)
		if err != nil {
			return nil, err
		}
		p.Metadata = b
	}
	return doInner(ctx)
}

func (j *jobs) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	var md struct {
		Trace     map[string]string `json:"trace"`
		RequestID string            `json:"request_id"`
	}
	_ = json.Unmarshal(job.Metadata, &md) // a job without our keys starts a trace of its own
	if md.Trace != nil {
		ctx = j.t.prop.Extract(ctx, propagation.MapCarrier(md.Trace))
	}
	if md.RequestID != "" {
		ctx = reqid.With(ctx, md.RequestID)
	}
	ctx, span := j.tr.Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		attribute.String("job.kind", job.Kind),
		attribute.Int64("job.id", job.ID),
		attribute.Int("job.attempt", job.Attempt),
		attribute.String("job.queue", job.Queue),
		attribute.String("request_id", md.RequestID),
	))
	defer span.End()
	err := doInner(ctx)
	span.SetAttributes(attribute.String("job.outcome", outcome(err)))
	if outcome(err) == "error" {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}

// outcome names how an attempt ended, as the metrics do.
func outcome(err error) string {
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &snooze):
		return "snooze"
	case errors.As(err, &cancel):
		return "cancel"
	default:
		return "error"
	}
}
