package knowledge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/knowledge"
)

// pageSite is a small web site on loopback: an FAQ page whose text changes, a redirect to
// it, a redirect loop, an image and a page over the size limit.
func pageSite(t *testing.T) (*httptest.Server, *atomic.Value) {
	t.Helper()
	faq := &atomic.Value{}
	faq.Store("Parking is free behind the clinic on weekdays.")
	mux := http.NewServeMux()
	mux.HandleFunc("/faq", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><head><title>FAQ</title><script>var x = "tracking";</script></head><body>
<nav>Home | Team | Contact</nav><main><h1>Getting here</h1><p>` + faq.Load().(string) + `</p></main>
<footer>© Smile Clinic</footer></body></html>`))
	})
	mux.HandleFunc("/old-faq", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/faq", http.StatusMovedPermanently) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n0000"))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(strings.Repeat("word ", 20<<10)))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, faq
}

func TestAddURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, faq := pageSite(t)
	// Loopback is allowed here only: the test site is on 127.0.0.1.
	b := setupIngest(t, knowledge.Options{AllowPrivateAddresses: true, MaxUpload: 64 << 10})

	t.Run("AWebPageIsFetchedAndReadAndCanBeFetchedAgain", func(t *testing.T) {
		doc, err := b.kb.AddURL(ctx, b.pool, b.ws, srv.URL+"/old-faq#parking", "")
		require.NoError(t, err)
		require.Equal(t, "queued", doc.Status)
		require.Equal(t, srv.URL+"/old-faq", doc.URL, "the fragment is dropped")
		require.Equal(t, strings.TrimPrefix(srv.URL, "http://")+"/old-faq", doc.Title)
		done := b.waitDone(t, doc.ID)
		require.Equal(t, "ready", done.Status, done.Error)
		require.Contains(t, done.Content, "Parking is free behind the clinic")
		require.NotContains(t, done.Content, "tracking", "scripts are not text")
		require.NotContains(t, done.Content, "Home | Team", "navigation is not text")
		require.Equal(t, []string{"Parking is free behind the clinic on weekdays."}, b.answers(t, "is there parking?"))

		faq.Store("Parking is now at the leisure centre next door.")
		again, err := b.kb.Refetch(ctx, b.pool, b.ws, doc.ID)
		require.NoError(t, err)
		require.Equal(t, 1, again.Revision)
		done = b.waitDone(t, doc.ID)
		require.Equal(t, "ready", done.Status, done.Error)
		require.Equal(t, []string{"Parking is now at the leisure centre next door."}, b.answers(t, "is there parking?"))
	})
	t.Run("PagesThatCannotBeUsedFailWithAReason", func(t *testing.T) {
		for path, reason := range map[string]string{
			"/logo.png": `"image/png"`, "/huge": "too large", "/loop": "redirects", "/missing": "404",
		} {
			doc, err := b.kb.AddURL(ctx, b.pool, b.ws, srv.URL+path, "")
			require.NoError(t, err)
			done := b.waitDone(t, doc.ID)
			require.Equal(t, "failed", done.Status, path)
			require.Contains(t, done.Error, reason, path)
		}
	})
	t.Run("BadAddressesAreRefusedAtOnce", func(t *testing.T) {
		for _, u := range []string{"", "faq", "ftp://example.com/faq", "file:///etc/passwd", "http:///nohost"} {
			_, err := b.kb.AddURL(ctx, b.pool, b.ws, u, "")
			require.ErrorIs(t, err, knowledge.ErrBadURL, u)
		}
	})
	t.Run("AFileCannotBeRefetched", func(t *testing.T) {
		doc, err := b.kb.AddFile(ctx, b.pool, b.ws, knowledge.Upload{Filename: "a.txt", Data: []byte("Some text.")})
		require.NoError(t, err)
		_, err = b.kb.Refetch(ctx, b.pool, b.ws, doc.ID)
		require.ErrorIs(t, err, knowledge.ErrBadURL)
	})
}

func TestAddURLRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _ := pageSite(t)
	b := setupIngest(t, knowledge.Options{})

	for _, u := range []string{srv.URL + "/faq", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"} {
		_, err := b.kb.AddURL(ctx, b.pool, b.ws, u, "")
		require.ErrorIs(t, err, knowledge.ErrBadURL, u)
		require.ErrorContains(t, err, "private address", u)
	}
	// A name that resolves to loopback passes the first check; the fetch refuses the
	// address it would connect to.
	doc, err := b.kb.AddURL(ctx, b.pool, b.ws, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)+"/faq", "")
	require.NoError(t, err)
	done := b.waitDone(t, doc.ID)
	require.Equal(t, "failed", done.Status)
	require.Contains(t, done.Error, "private address")
}
