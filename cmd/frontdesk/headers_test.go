package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSecurityHeadersAndHealth(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	for _, path := range []string{"/admin/login", "/w/" + s.ws.Slug, "/healthz"} {
		resp, _ := get(t, c, s.url+path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		csp := resp.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self'", path)
		require.NotContains(t, csp, "unsafe-inline", path)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"), path)
	}
	resp, body := get(t, c, s.url+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "ready", body)

	// Static files live under a content hash and may be cached for ever.
	_, page := get(t, c, s.url+"/admin/login")
	m := regexpCSS.FindStringSubmatch(page)
	require.NotNil(t, m, "the login page links its stylesheet")
	resp, css := get(t, c, s.url+m[1])
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Cache-Control"), "immutable")
	require.Contains(t, css, ".chat")
	resp, _ = get(t, c, s.url+"/static/000000000000/app.css")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "a stale hash is not served")
}
