package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrBadURL is a web page address that cannot or may not be fetched.
var ErrBadURL = errors.New("invalid web page address")

// maxRedirects is how many redirects a web page may take before it is refused.
const maxRedirects = 5

// pageKinds are the content types a web page may have, and how each is read.
var pageKinds = map[string]string{ //nolint:gochecknoglobals // read-only table
	"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "text/markdown": "markdown",
	"text/csv": "csv", "application/pdf": "pdf",
}

// checkURL checks a web page's address before it is queued: http or https, a host, and
// not a literal private address (the fetch checks again every address it connects to).
func (s *Store) checkURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", fmt.Errorf("knowledge: %w: %q; give a page's full address, like https://example.com/faq", ErrBadURL, raw)
	}
	if len(u.String()) > 2000 {
		return "", fmt.Errorf("knowledge: %w: the address is longer than 2,000 characters", ErrBadURL)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !s.opts.AllowPrivateAddresses && private(ip) {
		return "", fmt.Errorf("knowledge: %w: %s is a private address", ErrBadURL, u.Hostname())
	}
	u.Fragment = ""
	return u.String(), nil
}

// private reports whether ip is one a server must not be made to call on a stranger's
// behalf: loopback, private networks, link-local (cloud metadata), unspecified, multicast.
func private(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) // carrier-grade NAT
}

// pageClient fetches web pages: with a timeout, a limit on redirects, no proxy from the
// environment, and (unless allowed) a refusal to connect to private addresses, checked
// on the address actually dialled, so a name that resolves to one is refused too.
func (s *Store) pageClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("knowledge: %w: cannot check the address %s", ErrBadURL, address)
		}
		if !s.opts.AllowPrivateAddresses && private(ap.Addr()) {
			return fmt.Errorf("knowledge: %w: the page is on a private address (%s)", ErrBadURL, ap.Addr())
		}
		return nil
	}}
	return &http.Client{
		Timeout: s.opts.FetchTimeout,
		Transport: &http.Transport{
			Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second,
			ResponseHeaderTimeout: s.opts.FetchTimeout, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("knowledge: %w: more than %d redirects", ErrBadURL, maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("knowledge: %w: redirected to %s", ErrBadURL, req.URL.Scheme)
			}
			return nil
		},
	}
}

// fetchPage downloads a web page and returns its kind and bytes. A page that cannot be
// used (refused address, wrong type, too large, 4xx) is ErrUnreadable, so the job stops;
// a network error or a 5xx may pass, and the job tries again.
func (s *Store) fetchPage(ctx context.Context, pageURL string) (string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return "", nil, fmt.Errorf("knowledge: %w: %w", ErrUnreadable, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml, text/plain;q=0.9, text/markdown;q=0.9, application/pdf;q=0.8")
	req.Header.Set("User-Agent", "frontdesk knowledge base (fetches pages an owner adds)")
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrBadURL) {
			return "", nil, fmt.Errorf("knowledge: %w: %w", ErrUnreadable, err)
		}
		return "", nil, fmt.Errorf("knowledge: fetch %s: %w", pageURL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return "", nil, fmt.Errorf("knowledge: fetch %s: the site answered %s", pageURL, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return "", nil, fmt.Errorf("knowledge: %w: the site answered %s", ErrUnreadable, resp.Status)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	kind, ok := pageKinds[mt]
	if !ok {
		return "", nil, fmt.Errorf("knowledge: %w: the page is %q, not a web page, text or PDF", ErrUnreadable, mt)
	}
	if resp.ContentLength > s.opts.MaxUpload {
		return "", nil, fmt.Errorf("knowledge: %w: %w: the page is %d bytes", ErrUnreadable, ErrTooLarge, resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxUpload+1))
	if err != nil {
		return "", nil, fmt.Errorf("knowledge: fetch %s: %w", pageURL, err)
	}
	if int64(len(data)) > s.opts.MaxUpload {
		return "", nil, fmt.Errorf("knowledge: %w: %w: the page is over %d MB", ErrUnreadable, ErrTooLarge, s.opts.MaxUpload>>20)
	}
	if err := check(kind, data); err != nil {
		return "", nil, err
	}
	return kind, data, nil
}
