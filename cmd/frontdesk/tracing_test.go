package main

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/config"
)

// otlpCollector is a fake OTLP/HTTP trace collector: it decodes what the exporter posts
// to /v1/traces with the OTLP protobuf types and keeps the spans.
type otlpCollector struct {
	*httptest.Server
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
}

func newOTLPCollector(t *testing.T) *otlpCollector {
	t.Helper()
	c := &otlpCollector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "want a protobuf POST to /v1/traces", http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		for _, rs := range req.GetResourceSpans() {
			c.services = append(c.services, attr(rs.GetResource().GetAttributes(), "service.name"))
			for _, ss := range rs.GetScopeSpans() {
				c.spans = append(c.spans, ss.GetSpans()...)
			}
		}
		c.mu.Unlock()
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(c.Close)
	return c
}

// find returns the first span named name whose attributes include want.
func (c *otlpCollector) find(name string, want map[string]string) *tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.spans {
		if s.GetName() != name {
			continue
		}
		ok := true
		for k, v := range want {
			if attr(s.GetAttributes(), k) != v {
				ok = false
			}
		}
		if ok {
			return s
		}
	}
	return nil
}

func (c *otlpCollector) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n []string
	for _, s := range c.spans {
		n = append(n, s.GetName())
	}
	return n
}

// attr renders an attribute's value as text ("" when absent).
func attr(kvs []*commonpb.KeyValue, key string) string {
	for _, kv := range kvs {
		if kv.GetKey() != key {
			continue
		}
		switch v := kv.GetValue().GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			return v.StringValue
		case *commonpb.AnyValue_IntValue:
			return formatID(float64(v.IntValue))
		}
	}
	return ""
}

// TestTracesOverOTLP follows one Twilio message through a webhook, its jobs, the model
// calls and the reply's send, as spans received by a fake collector.
func TestTracesOverOTLP(t *testing.T) {
	t.Parallel()
	col := newOTLPCollector(t)
	s := startServerWith(t, serverOptions{config: func(c *config.Config) { c.OTLPEndpoint = col.URL }})
	owner := s.ownerAPI(t, s.ws.ID)
	fake := twiliotest.New(t, testSID, testToken)
	status, body := owner.do("POST", "/api/v1/channels", map[string]string{
		"kind": "twilio", "account_sid": testSID, "auth_token": testToken, "phone_number": "+44 7700 900998",
		"api_base_url": fake.URL,
	})
	require.Equal(t, http.StatusCreated, status, body)
	hook := body["webhook_url"].(string)
	// Context extraction runs only for a workspace that tracks fields.
	status, body = owner.do("POST", "/api/v1/context/workspaces/"+s.ws.Slug+"/schemas/templates/dental", nil)
	require.Equal(t, http.StatusCreated, status, body)

	form := url.Values{
		"MessageSid": {"MM00000000000000000000000000000777"}, "AccountSid": {testSID}, "From": {"+447700900777"},
		"To": {"+447700900998"}, "Body": {"Are you open on Saturday?"}, "NumMedia": {"0"},
	}
	req, err := http.NewRequest(http.MethodPost, hook, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(testToken, hook, form))
	req.Header.Set("X-Request-Id", "trace-webhook-1")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	_ = res.Body.Close()

	var msgID float64
	require.NoError(t, s.app.pool.QueryRow(t.Context(), `SELECT id FROM messages WHERE external_id = 'MM00000000000000000000000000000777'`).Scan(&msgID))
	d := waitDraft(t, owner, msgID)

	req, err = http.NewRequest(http.MethodPost, s.url+"/api/v1/drafts/"+formatID(d["id"])+"/approve", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+owner.token)
	req.Header.Set("X-Request-Id", "trace-approve-1")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, readAll(t, res.Body))
	_ = res.Body.Close()
	require.Eventually(t, func() bool { return len(fake.Sent()) == 1 }, 20*time.Second, 50*time.Millisecond)

	// The batcher exports every 5 s.
	var send *tracepb.Span
	require.Eventually(t, func() bool {
		send = col.find("channel send", map[string]string{"channel": "sms", "send.outcome": "sent"})
		return send != nil
	}, 20*time.Second, 100*time.Millisecond, "spans received: %v", col.names())

	hookSpan := col.find("POST /webhooks/twilio/:id", map[string]string{"request_id": "trace-webhook-1", "http.response.status_code": "200"})
	require.NotNil(t, hookSpan, "spans received: %v", col.names())
	require.Equal(t, tracepb.Span_SPAN_KIND_SERVER, hookSpan.GetKind())
	require.Equal(t, "POST", attr(hookSpan.GetAttributes(), "http.request.method"))

	// The job the webhook queued continues its trace, under the request's span.
	job := col.find("job process_message", map[string]string{"request_id": "trace-webhook-1", "job.outcome": "ok", "job.attempt": "1"})
	require.NotNil(t, job, "spans received: %v", col.names())
	require.Equal(t, hex.EncodeToString(hookSpan.GetTraceId()), hex.EncodeToString(job.GetTraceId()))
	require.Equal(t, hookSpan.GetSpanId(), job.GetParentSpanId())
	require.Equal(t, "process_message", attr(job.GetAttributes(), "job.kind"))

	// The model calls are the job's children.
	for _, capability := range []string{"classify", "draft"} {
		m := col.find("model "+capability, map[string]string{"model.provider": "offline-v1"})
		require.NotNil(t, m, capability)
		require.Equal(t, job.GetSpanId(), m.GetParentSpanId(), capability)
		require.Less(t, m.GetStartTimeUnixNano(), m.GetEndTimeUnixNano())
	}
	extract := col.find("model extract", nil)
	require.NotNil(t, extract, "context extraction has a span too")
	require.Equal(t, job.GetSpanId(), extract.GetParentSpanId())

	// Approval's request, its send job and the send to Twilio form a second trace.
	approve := col.find("POST /api/v1/drafts/:id<int>/approve", map[string]string{"request_id": "trace-approve-1"})
	require.NotNil(t, approve, "spans received: %v", col.names())
	sendJob := col.find("job send_reply", map[string]string{"request_id": "trace-approve-1", "job.outcome": "ok"})
	require.NotNil(t, sendJob)
	require.Equal(t, approve.GetSpanId(), sendJob.GetParentSpanId())
	require.Equal(t, sendJob.GetSpanId(), send.GetParentSpanId())
	require.Equal(t, formatID(d["id"]), attr(send.GetAttributes(), "draft.id"))
	require.NotEqual(t, hookSpan.GetTraceId(), approve.GetTraceId())

	col.mu.Lock()
	require.Contains(t, col.services, "frontdesk")
	col.mu.Unlock()
}
