// Package twilio connects frontdesk to Twilio: SMS, MMS and WhatsApp messages arrive on
// a signed webhook, replies leave through the Messages API, and status callbacks
// record whether they were delivered. Everything goes through twilio-go.
package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
)

// Pipeline is what the channel hands messages and delivery reports to.
type Pipeline interface {
	Ingest(ctx context.Context, in channels.Inbound) (conversation.IngestResult, error)
	UpdateDelivery(ctx context.Context, ws int64, ch channels.Kind, externalID, status, reason string) (bool, error)
}

// Channel is Twilio for every workspace's Twilio accounts.
type Channel struct {
	Accounts *accounts.Store
	Pool     *pgxpool.Pool
	Pipeline Pipeline
	// BaseURL is frontdesk's public URL: Twilio signs the URL it called, so a server
	// behind a proxy checks signatures against this, not the address it listens on.
	BaseURL string
	Log     *slog.Logger
	// Transport carries the API calls; nil is http.DefaultTransport.
	Transport http.RoundTripper
	// Media holds the files owners attach to replies; Links signs the links Twilio
	// fetches them by. Without them a reply with files fails.
	Media *media.Store
	Links *media.Links
	// Now is the clock links expire by; nil is time.Now.
	Now func() time.Time
	// limit spaces sends per account: a Twilio long code sends about one message a second.
	// It is kept in PostgreSQL, so n nodes together still send at one number's pace.
	limit *ratelimit.Shared
}

// New returns the channel.
func New(acc *accounts.Store, pool *pgxpool.Pool, p Pipeline, baseURL string, log *slog.Logger) *Channel {
	limit, err := ratelimit.NewShared(pool, time.Second, 10)
	if err != nil {
		panic(err) // only a broken embedded query file, which ratelimit's tests load
	}
	return &Channel{
		Accounts: acc, Pool: pool, Pipeline: p, BaseURL: strings.TrimRight(baseURL, "/"), Log: log,
		limit: limit,
	}
}

// WebhookURL is where Twilio must send account id's incoming messages.
func WebhookURL(baseURL string, id int64) string {
	return strings.TrimRight(baseURL, "/") + "/webhooks/twilio/" + strconv.FormatInt(id, 10)
}

// statusURL is where Twilio reports on the messages frontdesk sends.
func (ch *Channel) statusURL(id int64) string { return WebhookURL(ch.BaseURL, id) + "/status" }

// call is one API exchange: the client for the account, and what the last response said
// (twilio-go's errors do not always carry the HTTP status or Retry-After).
type call struct {
	rest       *twilio.RestClient
	raw        *twclient.Client
	status     int
	retryAfter time.Duration
}

// client returns a twilio-go client for one account, bound to ctx (twilio-go takes no
// context itself) and pointed at the account's API base URL when it has one.
func (ch *Channel) client(ctx context.Context, a accounts.Account, c accounts.Credentials) *call {
	cl := &call{}
	base := ch.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	var rewrite *url.URL
	if a.Settings.APIBaseURL != "" {
		rewrite, _ = url.Parse(a.Settings.APIBaseURL) // checked when the account was added
	}
	rt := roundTrip(func(req *http.Request) (*http.Response, error) {
		req = req.WithContext(ctx)
		if rewrite != nil && strings.HasSuffix(req.URL.Host, "twilio.com") {
			u := *req.URL
			u.Scheme, u.Host = rewrite.Scheme, rewrite.Host
			u.Path = strings.TrimRight(rewrite.Path, "/") + u.Path
			req.URL, req.Host = &u, rewrite.Host
		}
		res, err := base.RoundTrip(req)
		if err == nil {
			cl.status = res.StatusCode
			if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s > 0 {
				cl.retryAfter = time.Duration(s) * time.Second
			}
		}
		return res, err
	})
	cl.raw = &twclient.Client{
		Credentials: twclient.NewCredentials(a.Settings.AccountSID, c.AuthToken),
		HTTPClient: &http.Client{
			Transport: rt,
			Timeout:   30 * time.Second,
			// Media URLs redirect to storage that must not see the credentials.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	cl.raw.SetAccountSid(a.Settings.AccountSID)
	cl.rest = twilio.NewRestClientWithParams(twilio.ClientParams{Client: cl.raw})
	return cl
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// classify sorts an API error: 429 waits as told, other 4xx are permanent (a bad
// number, a blocked recipient, bad credentials), 5xx and network errors are retried.
func (cl *call) classify(err error) error {
	status := cl.status
	if rest, ok := errors.AsType[*twclient.TwilioRestError](err); ok {
		if rest.Status != 0 {
			status = rest.Status
		}
		err = fmt.Errorf("twilio error %d: %s", rest.Code, rest.Message)
	}
	var netErr net.Error
	switch {
	case status == http.StatusTooManyRequests:
		return &channels.RetryAfterError{After: max(cl.retryAfter, time.Second), Err: err}
	case status >= 400 && status < 500:
		return channels.Permanent(err)
	case errors.As(err, &netErr), status >= 500:
		return err
	default:
		return err
	}
}
