package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/config"
)

func TestWebhooksAreRateLimited(t *testing.T) {
	t.Parallel()
	s := startServerWith(t, serverOptions{config: func(c *config.Config) {
		c.WebhookEvery, c.WebhookBurst = time.Minute, 3 // per account; twice that per address
	}})
	post := func(path string) response {
		resp, err := http.PostForm(s.url+path, url.Values{"Body": {"hi"}})
		return readPage(t, resp, err)
	}
	for i := range 3 {
		require.NotEqual(t, http.StatusTooManyRequests, post("/webhooks/twilio/999999").StatusCode, "call %d", i+1)
	}
	resp := post("/webhooks/twilio/999999/status")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the account's fourth call is refused")
	wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.Positive(t, wait)
	// Another account still has its own allowance, until this address's runs out.
	require.NotEqual(t, http.StatusTooManyRequests, post("/webhooks/telegram/999998").StatusCode)
	require.NotEqual(t, http.StatusTooManyRequests, post("/webhooks/telegram/999998").StatusCode)
	require.Equal(t, http.StatusTooManyRequests, post("/webhooks/telegram/999997").StatusCode, "the address's seventh call is refused")
}

func TestOneTimeCodesAreRateLimited(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	anon := apiClient{t: t, base: s.url}
	ask := func(phone string) (int, map[string]any) {
		return anon.do("POST", "/api/v1/portal/codes", map[string]string{"workspace": s.ws.Slug, "phone": phone})
	}
	for i := range 3 {
		status, body := ask("+447700900555")
		require.Equal(t, http.StatusAccepted, status, "code %d: %v", i+1, body)
	}
	status, body := ask("+447700900555")
	require.Equal(t, http.StatusTooManyRequests, status, "a fourth code to one number is refused")
	require.Equal(t, "too_many_requests", body["code"])
	require.Contains(t, body["error"], "wait a minute")

	// Guessing codes (for any numbers) from one address meets the address's limit.
	refusedAt := 0
	for i := range 30 {
		status, _ := anon.do("POST", "/api/v1/portal/sessions", map[string]string{
			"workspace": s.ws.Slug, "phone": "+4477009006" + strconv.Itoa(10+i), "code": "123456",
		})
		if status == http.StatusTooManyRequests {
			refusedAt = i
			break
		}
		require.NotEqual(t, http.StatusCreated, status)
	}
	require.Positive(t, refusedAt, "the address is refused before 30 tries")
	require.LessOrEqual(t, refusedAt, 20-4+1, "20 code requests or checks at most, the 4 above included")

	// The page's form answers the same way.
	c := browserClient(t)
	resp := postForm(t, c, s.url+"/w/"+s.ws.Slug+"/code", url.Values{"phone": {"07700 900777"}})
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.True(t, strings.Contains(resp.Body, "wait a little"), resp.Body)
}
