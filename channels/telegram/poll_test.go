package telegram_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// runPoll runs Poll until the returned stop is called, which waits for it to return.
func (b *testBundle) runPoll(t *testing.T) (stop func()) {
	t.Helper()
	return pipelinetest.Background(t, "Poll", b.ch.Poll)
}

func TestPoll(t *testing.T) {
	t.Parallel()

	t.Run("IngestsEachUpdateOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "http://127.0.0.1:8080")
		b.fake.addUpdate(2000, update(2000, `"text":"Hello"`))
		b.fake.addUpdate(2001, update(2001, `"text":"Do you have parking?"`))

		stop := b.runPoll(t)
		pipelinetest.Eventually(t, func() bool { return b.inbound(t) == 2 }, "both polled updates are stored")
		// Telegram forgets them only once both are stored.
		pipelinetest.Eventually(t, func() bool { return b.fake.lastOffset() == 2002 }, "the offset moves past both")
		require.Equal(t, 1, b.fake.callCount("deleteWebhook"), "a webhook left from before would block getUpdates")
		stop()

		// A crash after storing and before confirming: Telegram sends them again.
		b.fake.addUpdate(2000, update(2000, `"text":"Hello"`))
		b.fake.addUpdate(2001, update(2001, `"text":"Do you have parking?"`))
		b.fake.addUpdate(2002, update(2002, `"text":"Thanks!"`))
		b.runPoll(t)
		pipelinetest.Eventually(t, func() bool { return b.fake.lastOffset() == 2003 }, "the restarted poll reads the resent updates")
		require.Equal(t, 3, b.inbound(t), "resent updates are not stored twice")
		require.Equal(t, 0, b.fake.callCount("setWebhook"))
	})
}

func TestConnect(t *testing.T) {
	t.Parallel()

	t.Run("PublicHTTPSSetsTheWebhook", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "https://desk.example.com")
		require.NoError(t, b.ch.Connect(context.Background(), b.p.Workspace.ID, b.account.ID))
		p := b.fake.webhookParams()
		require.Equal(t, "https://desk.example.com/webhooks/telegram/"+strconv.FormatInt(b.account.ID, 10), p["url"])
		require.Equal(t, b.creds.WebhookSecret, p["secret_token"])
		require.Equal(t, `["message"]`, p["allowed_updates"])

		// Poll leaves a bot whose webhook is set alone. It has done its pass once it has
		// tried the next bot, whose token the fake refuses.
		other, _ := b.addBot(t, "987654321:AAE-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")
		b.runPoll(t)
		pipelinetest.Eventually(t, func() bool {
			a, _, err := b.p.Accounts.Get(context.Background(), b.p.Pool, b.p.Workspace.ID, other.ID)
			return err == nil && a.Status == "error"
		}, "Poll tries the other bot")
		require.Equal(t, 1, b.fake.callCount("setWebhook"))
		require.Equal(t, 0, b.fake.callCount("getUpdates"))
	})

	t.Run("PollSetsWebhooksOfBotsItFinds", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "https://desk.example.com")
		b.runPoll(t)
		pipelinetest.Eventually(t, func() bool { return b.fake.callCount("setWebhook") == 1 }, "the bot's webhook is set")
		require.Equal(t, 0, b.fake.callCount("getUpdates"))
	})

	t.Run("RevokedTokenIsRecorded", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "")
		// The fake knows only botToken: any other is refused with 401.
		a, _ := b.addBot(t, "987654321:AAE-yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")
		err := b.ch.Connect(context.Background(), b.p.Workspace.ID, a.ID)
		require.ErrorContains(t, err, "rejected the bot token")
		got, _, err := b.p.Accounts.Get(context.Background(), b.p.Pool, b.p.Workspace.ID, a.ID)
		require.NoError(t, err)
		require.Equal(t, "error", got.Status)
		require.Contains(t, got.LastError, "rejected the bot token")

		require.NoError(t, b.ch.Connect(context.Background(), b.p.Workspace.ID, b.account.ID))
		got, _, err = b.p.Accounts.Get(context.Background(), b.p.Pool, b.p.Workspace.ID, b.account.ID)
		require.NoError(t, err)
		require.Equal(t, "active", got.Status)
		require.Equal(t, 0, b.fake.callCount("setWebhook"), "a server Telegram cannot reach polls instead")
	})
}
