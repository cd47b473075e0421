package main

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
)

const testMetricsToken = "metrics-token-0123456789"

// scrape reads /metrics with token and returns the body.
func scrape(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode, readAll(t, resp.Body)
}

// sample returns the value of the sample named by its full line prefix (name{labels}).
func sample(body, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := startServerWith(t, serverOptions{config: func(c *config.Config) { c.MetricsToken = testMetricsToken }})

	t.Run("NeedsTheToken", func(t *testing.T) {
		status, body := scrape(t, s.url, "")
		require.Equal(t, http.StatusUnauthorized, status, body)
		require.NotContains(t, body, "frontdesk_")
		status, _ = scrape(t, s.url, "wrong-token-wrong-token")
		require.Equal(t, http.StatusUnauthorized, status)
	})

	t.Run("PipelineIsMeasured", func(t *testing.T) {
		owner := s.ownerAPI(t, s.ws.ID)
		customer := s.portalSession(t, owner, "+447700900321", "Metric Customer")
		_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "How much is whitening?"})
		d := waitDraft(t, owner, msg["id"].(float64))
		status, body := scrape(t, s.url, testMetricsToken)
		require.Equal(t, http.StatusOK, status)

		// HTTP latency under the route template, not each id.
		n, ok := sample(body, `frontdesk_http_request_duration_seconds_count{method="POST",route="/api/v1/portal/messages",status="2xx"}`)
		require.True(t, ok, body)
		require.GreaterOrEqual(t, n, 1.0)
		_, ok = sample(body, `frontdesk_http_request_duration_seconds_count{method="GET",route="/api/v1/drafts",status="2xx"}`)
		require.True(t, ok)
		// The pipeline's model calls and jobs.
		n, ok = sample(body, `frontdesk_model_duration_seconds_count{capability="classify",provider="offline-v1"}`)
		require.True(t, ok)
		require.GreaterOrEqual(t, n, 1.0)
		_, ok = sample(body, `frontdesk_model_duration_seconds_count{capability="draft",provider="offline-v1"}`)
		require.True(t, ok)
		n, ok = sample(body, `frontdesk_jobs_duration_seconds_count{kind="process_message",outcome="ok"}`)
		require.True(t, ok, body)
		require.GreaterOrEqual(t, n, 1.0)
		// The draft waits for a decision (the demo may hold other pending drafts too).
		n, ok = sample(body, `frontdesk_drafts{state="pending"}`)
		require.True(t, ok, body)
		require.GreaterOrEqual(t, n, 1.0)

		status, _ = owner.do("POST", fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), nil)
		require.Equal(t, http.StatusOK, status)
		require.Eventually(t, func() bool {
			_, body := scrape(t, s.url, testMetricsToken)
			n, _ := sample(body, `frontdesk_channel_sends_total{channel="portal",outcome="sent"}`)
			return n >= 1
		}, 20*time.Second, 50*time.Millisecond, "the approved reply's send is counted")
	})

	t.Run("UnmatchedRoutesShareALabel", func(t *testing.T) {
		c := browserClient(t)
		resp, _ := get(t, c, s.url+"/no-such-page-"+strconv.Itoa(int(time.Now().UnixNano())))
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		_, body := scrape(t, s.url, testMetricsToken)
		_, ok := sample(body, `frontdesk_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}`)
		require.True(t, ok, "a 404 is counted under one label, not under its path")
		require.NotContains(t, body, "no-such-page")
	})
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	metricsAddr := freeAddr(t)
	s := startServerWith(t, serverOptions{config: func(c *config.Config) { c.MetricsAddr = metricsAddr }})
	// Without a token the main listener has no /metrics at all.
	status, _ := scrape(t, s.url, "")
	require.Equal(t, http.StatusNotFound, status)
	status, body := scrape(t, "http://"+metricsAddr, "")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "# TYPE frontdesk_http_request_duration_seconds histogram")
	require.Contains(t, body, "go_goroutines")
}

// syncBuffer is a log sink the server writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	s := startServerWith(t, serverOptions{log: logs})

	t.Run("MadeWhenMissingAndInJSONErrors", func(t *testing.T) {
		status, body := apiClient{t: t, base: s.url}.do("GET", "/api/v1/drafts", nil)
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, "unauthorized", body["code"])
		require.NotEmpty(t, body["error"])
		require.Regexp(t, `^[0-9a-f]{24}$`, body["request_id"])
	})

	t.Run("KeptWhenSentAndInEveryLogLine", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, s.url+"/admin/login", strings.NewReader("email=nobody%40example.com&password=wrong"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Request-Id", "probe-7f3a")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Equal(t, "probe-7f3a", resp.Header.Get("X-Request-Id"))
		var lines []string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "request_id=probe-7f3a") {
				lines = append(lines, l)
			}
		}
		require.GreaterOrEqual(t, len(lines), 2, "the failed sign-in and the access log both carry the id:\n%s", logs.String())
		require.Contains(t, strings.Join(lines, "\n"), "failed sign-in")
	})

	t.Run("UnsafeIDsAreReplaced", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.url+"/api/v1/drafts", nil)
		require.NoError(t, err)
		req.Header.Set("X-Request-Id", `evil" level=ERROR msg=forged`)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body := readAll(t, resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("X-Request-Id")
		require.Regexp(t, `^[0-9a-f]{24}$`, id)
		require.Contains(t, body, `"request_id":"`+id+`"`)
	})
}
