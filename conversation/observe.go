package conversation

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// providerNamer is a model that can say which provider it is, for the metrics' labels.
type providerNamer interface{ ProviderID() string }

func providerOf(model any) string {
	if p, ok := model.(providerNamer); ok {
		return p.ProviderID()
	}
	return "unknown"
}

// observeModel records a model call that began at start: its latency and, when tracing,
// a span from start to now (the provider is only known once the call returned).
func (s *Service) observeModel(ctx context.Context, capability, provider string, start time.Time, err error) {
	if s.Metrics != nil {
		s.Metrics.ObserveModel(capability, provider, time.Since(start))
	}
	s.traceModel(ctx, capability, provider, start, err)
}

// traceModel records a model call that began at start as a span only (the calls the
// metrics do not time: context extraction, transcription).
func (s *Service) traceModel(ctx context.Context, capability, provider string, start time.Time, err error) {
	_, span := s.Tracer.Start(ctx, "model "+capability, trace.WithTimestamp(start), trace.WithAttributes(
		attribute.String("model.capability", capability), attribute.String("model.provider", provider)))
	endSpan(span, err)
}

// startSend opens the span of one reply handed to a channel.
func (s *Service) startSend(ctx context.Context, channel string, draftID int64) (context.Context, trace.Span) {
	return s.Tracer.Start(ctx, "channel send", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("channel", channel), attribute.Int64("draft.id", draftID)))
}

func (s *Service) observeSend(span trace.Span, channel, outcome string, err error) {
	if s.Metrics != nil {
		s.Metrics.ObserveSend(channel, outcome)
	}
	span.SetAttributes(attribute.String("send.outcome", outcome))
	endSpan(span, err)
}

func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
