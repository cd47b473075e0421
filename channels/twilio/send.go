package twilio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
)

// Send delivers one reply through the account the customer wrote to.
func (ch *Channel) Send(ctx context.Context, out channels.Outbound) (string, error) {
	a, c, err := ch.account(ctx, out.WorkspaceID, out.AccountID)
	if err != nil {
		return "", err
	}
	ok, wait, err := ch.limit.Allow(ctx, "twilio:account:"+strconv.FormatInt(a.ID, 10))
	if err != nil {
		return "", err // the database is in trouble: a transient failure, retried
	}
	if !ok {
		return "", &channels.RetryAfterError{After: wait, Err: errors.New("twilio: sending too fast for this number")}
	}
	prefix := ""
	if out.Channel == channels.TwilioWhats {
		prefix = "whatsapp:"
	}
	params := &api.CreateMessageParams{}
	params.SetTo(prefix + out.Address).SetFrom(prefix + a.Settings.PhoneNumber).SetBody(out.Text).
		SetStatusCallback(ch.statusURL(a.ID))
	// Files go as an MMS (or a WhatsApp media message): Twilio fetches each from a signed link.
	urls, err := ch.mediaURLs(out.Files)
	if err != nil {
		return "", err
	}
	if len(urls) > 0 {
		params.SetMediaUrl(urls)
	}
	cl := ch.client(ctx, a, c)
	msg, err := cl.rest.Api.CreateMessage(params)
	if err != nil {
		return "", cl.classify(fmt.Errorf("twilio: send: %w", err))
	}
	if msg.Sid == nil {
		return "", errors.New("twilio: the API accepted the message but returned no sid")
	}
	return *msg.Sid, nil
}

// Fetch downloads a media file of an incoming MMS or WhatsApp message with the
// account's credentials, following Twilio's redirect to where the file is stored.
func (ch *Channel) Fetch(ctx context.Context, accountID int64, source string) (io.ReadCloser, string, error) {
	a, c, err := ch.Accounts.Lookup(ctx, ch.Pool, accountID)
	if err != nil {
		return nil, "", channels.Permanent(fmt.Errorf("twilio: media of account %d: %w", accountID, err))
	}
	cl := ch.client(ctx, a, c)
	res, err := cl.raw.SendRequest(http.MethodGet, source, nil, nil)
	if err != nil {
		return nil, "", cl.classify(fmt.Errorf("twilio: fetch media: %w", err))
	}
	if loc := res.Header.Get("Location"); res.StatusCode >= 300 && res.StatusCode < 400 && loc != "" {
		_ = res.Body.Close()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
		if err != nil {
			return nil, "", channels.Permanent(fmt.Errorf("twilio: media redirect: %w", err))
		}
		hc := &http.Client{Transport: ch.Transport, Timeout: 5 * time.Minute}
		if res, err = hc.Do(req); err != nil {
			return nil, "", fmt.Errorf("twilio: fetch media: %w", err)
		}
		if res.StatusCode != http.StatusOK {
			_ = res.Body.Close()
			err := fmt.Errorf("twilio: fetch media: storage answered %s", res.Status)
			if res.StatusCode >= 400 && res.StatusCode < 500 {
				return nil, "", channels.Permanent(err)
			}
			return nil, "", err
		}
	}
	return res.Body, res.Header.Get("Content-Type"), nil
}

// account loads a workspace's Twilio account, refusing one of another workspace.
func (ch *Channel) account(ctx context.Context, ws, id int64) (accounts.Account, accounts.Credentials, error) {
	if id == 0 {
		return accounts.Account{}, accounts.Credentials{}, channels.Permanent(errors.New(
			"twilio: the conversation has no Twilio account to reply through (was it removed?)"))
	}
	a, c, err := ch.Accounts.Get(ctx, ch.Pool, ws, id)
	if errors.Is(err, accounts.ErrNotFound) || (err == nil && a.Kind != accounts.Twilio) {
		return a, c, channels.Permanent(fmt.Errorf("twilio: account %d is gone: add it again to reply", id))
	}
	return a, c, err
}
