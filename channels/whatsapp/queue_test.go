package whatsapp_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"
	"go.mau.fi/whatsmeow/types"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/whatsapp"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/pipelinetest"
)

// nodeSenders plays two frontdesk nodes sharing one pipeline: a send job is handed to
// the WhatsApp channel of the node whose River client ran it.
type nodeSenders struct {
	mu    sync.Mutex
	nodes map[*river.Client[pgx.Tx]]*whatsapp.Channel
}

func (n *nodeSenders) Send(ctx context.Context, out channels.Outbound) (string, error) {
	c, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return "", err
	}
	n.mu.Lock()
	ch := n.nodes[c]
	n.mu.Unlock()
	if ch == nil {
		return "", errors.New("no node for this River client")
	}
	return ch.Send(ctx, out)
}

func TestSendsRunOnTheHolder(t *testing.T) {
	t.Parallel()
	senders := &nodeSenders{nodes: map[*river.Client[pgx.Tx]]*whatsapp.Channel{}}
	b := &testBundle{wa: newFake(), jid: types.JID{User: "447700900999", Device: 12, Server: types.DefaultUserServer}}
	b.p = pipelinetest.New(t, func(p *pipelinetest.Pipeline, o *pipelinetest.Options) {
		b.ch = newChannel(t, p, b.wa, "node-1")
		o.Senders = map[channels.Kind]conversation.Sender{channels.WhatsApp: senders}
		o.SendQueue = func(k channels.Kind, id int64) string {
			if k == channels.WhatsApp {
				return whatsapp.SendQueue(id)
			}
			return ""
		}
	})
	b.ch.Conversations, b.ch.Queues = b.p.Conv, b.p.Jobs.Queues()

	// The second node: its own channel and its own River client, which works no queue
	// until it holds a device.
	second := newChannel(t, b.p, b.wa, "node-2")
	workers := river.NewWorkers()
	b.p.Conv.AddWorkers(workers)
	jobs2, err := river.NewClient(riverpgxv5.New(b.p.Pool), &river.Config{
		Workers: workers, Logger: quietLog(), TestOnly: true,
		FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Queues: map[string]river.QueueConfig{"node_2_idle": {MaxWorkers: 1}},
	})
	require.NoError(t, err)
	require.NoError(t, jobs2.Start(context.Background()))
	t.Cleanup(func() { _ = jobs2.Stop(context.Background()) })
	second.Conversations, second.Queues = b.p.Conv, jobs2.Queues()
	senders.nodes[b.p.Jobs], senders.nodes[jobs2] = b.ch, second

	a, c, err := accounts.Check(accounts.Input{Kind: accounts.WhatsApp, Name: "Front desk"}, "GB")
	require.NoError(t, err)
	b.account, err = b.p.Accounts.Create(context.Background(), b.p.Pool, b.p.Workspace.ID, a, c)
	require.NoError(t, err)
	stops := map[string]func(){"node-1": run(t, b.ch), "node-2": run(t, second)}
	b.pair(t)

	sendJobs := func() (queue string, attempts int) {
		require.NoError(t, b.p.Pool.QueryRow(context.Background(),
			`SELECT min(queue), max(attempt) FROM river_job WHERE kind = 'send_reply'`).Scan(&queue, &attempts))
		return queue, attempts
	}
	holder := b.wa.connection(t, b.jid)
	require.True(t, holder.emit(message("3A00000000000000Q001", text("Are you open on Saturday?"))))
	b.waitDraft(t, "sent")
	sent := b.wa.sentMessages()
	require.Len(t, sent, 1)
	require.Equal(t, holder.node, sent[0].Node)
	queue, attempts := sendJobs()
	require.Equal(t, whatsapp.SendQueue(b.account.ID), queue)
	require.Equal(t, 1, attempts, "sent on the first attempt, never put back by the other node")

	// The holder stops; the other node takes the device and its queue.
	stops[holder.node]()
	next := b.wa.connection(t, b.jid)
	require.NotEqual(t, holder.node, next.node)
	require.True(t, next.emit(message("3A00000000000000Q002", text("And on Sunday?"))))
	pipelinetest.Eventually(t, func() bool { return len(b.wa.sentMessages()) == 2 }, "the second reply goes out")
	require.Equal(t, next.node, b.wa.sentMessages()[1].Node)
	_, attempts = sendJobs()
	require.Equal(t, 1, attempts)
}
