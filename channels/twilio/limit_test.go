package twilio_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/twilio"
)

// Two nodes send through one number: together they get its burst of 10 and are then
// told to wait, as one node alone would be; the limit is not per node.
func TestSendLimitIsSharedByNodes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := twilio.New(w.p.Accounts, w.p.Pool, w.p.Conv, publicURL, slog.New(slog.DiscardHandler))
	nodes := []*twilio.Channel{w.ch, other}
	out := channels.Outbound{WorkspaceID: w.p.Workspace.ID, AccountID: w.account.ID, Channel: channels.SMS, Address: customer, Text: "Hello"}
	sent := 0
	var retry *channels.RetryAfterError
	for i := range 14 {
		_, err := nodes[i%2].Send(context.Background(), out)
		if err == nil {
			sent++
			continue
		}
		require.True(t, errors.As(err, &retry), "refused with a wait, not %v", err)
	}
	require.Equal(t, 10, sent, "one number's burst across both nodes")
	require.Len(t, w.fake.Sent(), 10)
	require.Positive(t, retry.After)
}
