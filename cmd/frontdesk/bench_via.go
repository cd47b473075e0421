package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/twilio"
)

// benchRequest builds the i-th measured request and the status that acknowledges it.
type benchRequest func(ctx context.Context, prefix string, i int) (*http.Request, int, error)

// benchPortalRequest posts as the portal's customers, each with their session.
func benchPortalRequest(base string, contacts []benchContact) benchRequest {
	postURL := base + "/api/v1/portal/messages"
	return func(ctx context.Context, prefix string, i int) (*http.Request, int, error) {
		c := contacts[i%len(contacts)]
		body := fmt.Appendf(nil, `{"text":%q,"client_id":"%s%d"}`, benchText, prefix, i)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, postURL, bytes.NewReader(body))
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "application/json")
		return req, http.StatusCreated, nil
	}
}

// Credentials of the benchmark's Twilio account: nothing is sent to Twilio, only
// webhooks signed with them are received.
const (
	benchTwilioSID   = "AC00000000000000000000000000000000"
	benchTwilioToken = "b3nchb3nchb3nchb3nchb3nchb3nch00"
)

// benchTwilioRequest adds a Twilio account to workspace ws and plays Twilio: each
// request is an SMS webhook signed as Twilio signs it, from one of 10,000 numbers.
func benchTwilioRequest(ctx context.Context, a *app, base string, ws int64) (benchRequest, error) {
	acc, cred, err := accounts.Check(accounts.Input{
		Kind: accounts.Twilio, AccountSID: benchTwilioSID, AuthToken: benchTwilioToken, PhoneNumber: "+15550009999",
	}, "US")
	if err != nil {
		return nil, err
	}
	if acc, err = a.channels.Create(ctx, a.pool, ws, acc, cred); err != nil {
		return nil, err
	}
	// Signed against the public URL, as Twilio does; the server checks against its BaseURL.
	hook := twilio.WebhookURL(a.cfg.BaseURL, acc.ID)
	target := base + strings.TrimPrefix(hook, a.cfg.BaseURL)
	return func(ctx context.Context, prefix string, i int) (*http.Request, int, error) {
		form := url.Values{
			"MessageSid": {"SMbench" + prefix + strconv.Itoa(i)}, "AccountSid": {benchTwilioSID},
			"From": {fmt.Sprintf("+1555%07d", i%10000)}, "To": {"+15550009999"}, "Body": {benchText}, "NumMedia": {"0"},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilio.Sign(benchTwilioToken, hook, form))
		return req, http.StatusOK, nil
	}, nil
}
