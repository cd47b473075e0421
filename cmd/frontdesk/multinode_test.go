package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/internal/live"
)

// Three nodes, built as `frontdesk serve` builds one, each with its own pool, on one
// database: webhooks spread over their HTTP listeners are drafted by jobs that all
// three work, each job once; a live update published on node 2 reaches an owner whose
// browser is connected to node 1.
func TestThreeNodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shared := dbtest.New(t)
	fake := twiliotest.New(t, testSID, testToken)

	nodes := make([]*testServer, 3)
	for i := range nodes {
		nodes[i] = startNode(t, shared.Config().ConnString(), fmt.Sprintf("node-%d", i+1))
	}
	ws, err := seedDemo(ctx, nodes[0].app)
	require.NoError(t, err)
	for _, n := range nodes {
		n.ws = ws
	}
	ws.ApprovalMode = "auto_all"
	require.NoError(t, nodes[0].app.conv.UpdateSettings(ctx, shared, ws, "test"))

	// The owner's browser listens on node 1.
	c := browserClient(t)
	login(t, nodes[0], c)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, nodes[0].url+"/admin/events", nil)
	require.NoError(t, err)
	resp, err := c.Do(req) //nolint:bodyclose // closed below; the stream is read in a goroutine
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // the test reads only until it sees its event
			}
		}
	}()
	nodes[1].app.events.Publish(live.Event{WorkspaceID: ws.ID, Kind: "message", ConversationID: 424242})
	timeout := time.After(15 * time.Second)
	for seen := false; !seen; {
		select {
		case l := <-lines:
			seen = strings.HasPrefix(l, "data: ") && strings.Contains(l, `"conversation_id":424242`)
		case <-timeout:
			t.Fatal("the event published on node 2 did not reach the browser on node 1")
		}
	}

	// Customers text the clinic; Twilio's webhooks land on the three nodes in turn.
	acc, cred, err := accounts.Check(accounts.Input{Kind: accounts.Twilio, AccountSID: testSID, AuthToken: testToken,
		PhoneNumber: "+15558000000", APIBaseURL: fake.URL}, "US")
	require.NoError(t, err)
	acc, err = nodes[0].app.channels.Create(ctx, shared, ws.ID, acc, cred)
	require.NoError(t, err)
	const messages = 60
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 20 * time.Second}
	for i := range messages {
		n := nodes[i%3]
		wg.Go(func() {
			hook := twilio.WebhookURL(n.url, acc.ID)
			// Signed against the node's own URL: each node checks against its BaseURL.
			assert.True(t, crashPost(ctx, client, hook, 0, i), "webhook %d on %s", i, n.url)
		})
	}
	wg.Wait()

	require.Eventually(t, func() bool {
		var left int
		require.NoError(t, shared.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('process_message', 'send_reply')
			AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left))
		return left == 0 && len(fake.Sent()) >= messages
	}, 150*time.Second, 200*time.Millisecond) // one number's pace, shared by the nodes: 10 at once, then one a second

	// Jobs spread: count each node's completed jobs by who attempted them.
	perNode := map[string]int{}
	// A job that ran twice would show attempt 2; a send_reply job snoozed by the per-number
	// send limit is picked up again (attempted_by grows) without spending an attempt, so
	// only process_message jobs must have been picked up exactly once.
	rows, err := shared.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)], count(*), max(attempt),
		coalesce(max(array_length(attempted_by, 1)) FILTER (WHERE kind = 'process_message'), 1)
		FROM river_job WHERE kind IN ('process_message', 'send_reply') AND state = 'completed' GROUP BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var node string
		var jobs, attempts, pickups int
		require.NoError(t, rows.Scan(&node, &jobs, &attempts, &pickups))
		assert.Equal(t, 1, attempts, "no job completed by %s ran twice", node)
		assert.Equal(t, 1, pickups, "no process_message job completed by %s was picked up twice", node)
		perNode[node] = jobs
	}
	require.NoError(t, rows.Err())
	rows.Close()
	t.Logf("jobs per node: %v", perNode)
	require.Len(t, perNode, 3, "every node worked jobs: %v", perNode)
	require.Equal(t, 2*messages, perNode["node-1"]+perNode["node-2"]+perNode["node-3"])

	var stored, drafts int
	require.NoError(t, shared.QueryRow(ctx, `SELECT (SELECT count(*) FROM messages WHERE direction = 'inbound' AND channel = 'sms'),
		(SELECT count(*) FROM drafts WHERE status = 'sent')`).Scan(&stored, &drafts))
	require.Equal(t, messages, stored)
	require.Equal(t, messages, drafts)
	perTo := map[string]int{}
	for _, m := range fake.Sent() {
		perTo[m["To"]]++
	}
	require.Len(t, perTo, messages, "each customer got one reply, none twice")
}

// startNode runs one node on the shared database, with its own pool, port and id.
func startNode(t *testing.T, dbURL, id string) *testServer {
	t.Helper()
	ctx := context.Background()
	pool, err := database.Open(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	addr := freeAddr(t)
	cfg := config.Config{
		DatabaseURL: dbURL, Addr: addr, BaseURL: "http://" + addr, LogFormat: "text", LogLevel: "warn",
		SecretKey: "test-secret-key-test-secret-key-0123", Workers: 4, NodeID: id, RescueJobsAfter: time.Minute,
		SessionTTL: time.Hour, PortalLinkTTL: time.Hour, PortalTTL: time.Hour, MaxMessage: 4096,
		PortalEvery: time.Minute, PortalBurst: 5, WebhookEvery: time.Millisecond, WebhookBurst: 1000,
		MediaURL: "file://" + t.TempDir(),
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", id)
	a, err := newApp(cfg, log, pool, appOptions{workers: true})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.run(runCtx, true, ready) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("%s did not start: %v", id, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start in time", id)
	}
	s := &testServer{app: a, url: "http://" + addr}
	s.stop = func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(45 * time.Second):
			t.Errorf("%s did not shut down in time", id)
		}
	}
	t.Cleanup(s.stop)
	return s
}
