package tracing_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/reqid"
	"github.com/frontdesk/frontdesk/internal/tracing"
)

// Without an endpoint nothing is exported and spans are no-ops.
func TestDisabledWithoutEndpoint(t *testing.T) {
	t.Parallel()
	tr, err := tracing.New(context.Background(), tracing.Options{NodeID: "n1"})
	require.NoError(t, err)
	require.False(t, tr.Enabled())
	_, span := tr.Tracer().Start(context.Background(), "x")
	require.False(t, span.IsRecording())
	span.End()
	require.NoError(t, tr.Shutdown(context.Background()))
}

// A job queued inside a span carries its trace context and the request id in its
// metadata, beside whatever metadata it already had.
func TestJobMetadataCarriesTheTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tr, err := tracing.New(ctx, tracing.Options{Endpoint: "http://127.0.0.1:1"}) // never reached: nothing is flushed
	require.NoError(t, err)
	require.True(t, tr.Enabled())
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })

	ins, ok := tr.Jobs().(rivertype.JobInsertMiddleware)
	require.True(t, ok)
	sctx, span := tr.Tracer().Start(reqid.With(ctx, "req-1"), "request")
	defer span.End()
	params := []*rivertype.JobInsertParams{{Kind: "k", Metadata: []byte(`{"keep":1}`)}, {Kind: "k"}}
	_, err = ins.InsertMany(sctx, params, func(context.Context) ([]*rivertype.JobInsertResult, error) { return nil, nil })
	require.NoError(t, err)
	for _, p := range params {
		var md map[string]any
		require.NoError(t, json.Unmarshal(p.Metadata, &md))
		require.Equal(t, "req-1", md["request_id"])
		tp := md["trace"].(map[string]any)["traceparent"].(string)
		require.Contains(t, tp, span.SpanContext().TraceID().String())
	}
	var first map[string]any
	require.NoError(t, json.Unmarshal(params[0].Metadata, &first))
	require.EqualValues(t, 1, first["keep"])
}
