// Package tracing exports OpenTelemetry traces over OTLP/HTTP when an endpoint is set: a
// span per HTTP request, per River job, per model call and per channel send, with the
// request id as an attribute. The trace context of a request rides in the metadata of the
// jobs it queues, so a webhook's jobs join its trace. Without an endpoint the tracers are
// no-ops and no middleware is installed.
package tracing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Options say where traces go.
type Options struct {
	// Endpoint is OTEL_EXPORTER_OTLP_ENDPOINT: a base URL, /v1/traces is added.
	Endpoint string
	// TracesEndpoint is OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the URL as it is; wins over Endpoint.
	TracesEndpoint string
	// NodeID names this process (service.instance.id) when set.
	NodeID string
}

// Tracing hands out tracers: exporting ones when an endpoint is set, no-ops otherwise.
type Tracing struct {
	provider trace.TracerProvider
	sdk      *sdktrace.TracerProvider
	prop     propagation.TextMapPropagator
}

// New starts the exporter when opts name an endpoint.
func New(ctx context.Context, opts Options) (*Tracing, error) {
	t := &Tracing{provider: noop.NewTracerProvider(), prop: propagation.TraceContext{}}
	url := opts.TracesEndpoint
	if url == "" && opts.Endpoint != "" {
		url = strings.TrimSuffix(opts.Endpoint, "/") + "/v1/traces"
	}
	if url == "" {
		return t, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(url))
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter to %s: %w", url, err)
	}
	attrs := []attribute.KeyValue{attribute.String("service.name", "frontdesk")}
	if opts.NodeID != "" {
		attrs = append(attrs, attribute.String("service.instance.id", opts.NodeID))
	}
	// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over the defaults.
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	t.sdk = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	t.provider = t.sdk
	return t, nil
}

// Enabled reports whether spans are exported.
func (t *Tracing) Enabled() bool { return t.sdk != nil }

// Provider is the tracer provider (a no-op one when disabled).
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Shutdown sends the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.sdk == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return t.sdk.Shutdown(ctx)
}

// tracerName is the instrumentation scope of frontdesk's own spans.
const tracerName = "github.com/frontdesk/frontdesk"

// Tracer makes frontdesk's spans (model calls, channel sends).
func (t *Tracing) Tracer() trace.Tracer { return t.provider.Tracer(tracerName) }
