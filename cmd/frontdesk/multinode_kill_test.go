package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

// TestNodeKilledUnderLoad runs three `frontdesk serve` subprocesses on one database and
// kills one with SIGKILL, for good, while Twilio's webhooks arrive on all three. A webhook
// that meets the dead node goes to the next one, as a load balancer would send it. The
// two left must finish every job: each acknowledged webhook stored once and drafted
// once, each draft sent once or held "delivery unconfirmed", no customer answered twice.
// The dead node's cut-off jobs wait for River's rescuer (the job's own timeout, two
// minutes for process_message), so the test takes three minutes or so.
// FRONTDESK_KILL_N sets the number of webhooks (600).
func TestNodeKilledUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three servers and waits for the rescuer")
	}
	n := envCount(t, "FRONTDESK_KILL_N", 600)
	ctx := context.Background()
	bin := buildFrontdesk(t)
	pool := dbtest.New(t)
	numbers := max(1, n/20)
	fake := twiliotest.New(t, testSID, testToken)

	const victim = 1 // node-2
	nodes := make([]*crashServer, 3)
	bases := make([]string, 3)
	logs := t.TempDir()
	for i := range nodes {
		addr := freeAddr(t)
		bases[i] = "http://" + addr
		nodes[i] = &crashServer{t: t, bin: bin, env: append(os.Environ(),
			"DATABASE_URL="+pool.Config().ConnString(), "FRONTDESK_ADDR="+addr, "FRONTDESK_BASE_URL="+bases[i],
			"FRONTDESK_SECRET_KEY="+crashSecret, "FRONTDESK_MEDIA_URL=file://"+t.TempDir(), "FRONTDESK_LOG_LEVEL=warn",
			"FRONTDESK_WORKERS=8", "FRONTDESK_WEBHOOK_BURST=1000000", "FRONTDESK_WEBHOOK_EVERY=1ms",
			"FRONTDESK_RESCUE_JOBS_AFTER=5s", fmt.Sprintf("FRONTDESK_NODE_ID=node-%d", i+1),
		), log: filepath.Join(logs, fmt.Sprintf("node-%d.log", i+1))}
	}
	// The workspace and its numbers are made once; each node checks signatures against
	// its own URL, so every node has its own webhook URLs for the same accounts.
	hooks := crashWorkspace(t, pool, bases[0], fake.URL, numbers)
	hookOn := func(node, number int) string { return strings.Replace(hooks[number], bases[0], bases[node], 1) }
	for _, s := range nodes {
		s.start()
		t.Cleanup(s.stop)
	}
	began := time.Now()

	var posts, acked atomic.Int64
	var dead atomic.Bool
	work := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range 12 {
		wg.Go(func() {
			for i := range work {
				for try := 0; ; try++ {
					node := (i + try) % 3
					if node == victim && dead.Load() {
						continue // the load balancer has taken it out
					}
					posts.Add(1)
					if crashPost(ctx, client, hookOn(node, i%numbers), i%numbers, i) {
						acked.Add(1)
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	sendersDone := make(chan struct{})
	go func() {
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		close(sendersDone)
	}()

	// Kill node-2 a third of the way in, while it takes webhooks and works jobs.
	require.Eventually(t, func() bool { return acked.Load() >= int64(n/3) }, 2*time.Minute, 10*time.Millisecond)
	var running int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running'
		AND attempted_by[array_length(attempted_by, 1)] = 'node-2'`).Scan(&running))
	nodes[victim].kill()
	dead.Store(true)
	killedAt := time.Now()
	t.Logf("node-2 killed after %d of %d webhooks were acknowledged, with %d jobs running on it", acked.Load(), n, running)
	<-sendersDone
	t.Logf("all %d webhooks acknowledged in %s (%d posts)", n, time.Since(began).Round(time.Second), posts.Load())

	// Quiet: every message drafted, every draft out of approved/sending, no job left.
	quiet := time.Now().Add(5 * time.Minute)
	for {
		var drafts, open, jobs int
		require.NoError(t, pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM drafts),
			(SELECT count(*) FROM drafts WHERE status IN ('pending', 'approved', 'edited', 'sending')),
			(SELECT count(*) FROM river_job WHERE kind IN ('process_message', 'send_reply')
				AND state NOT IN ('completed', 'cancelled', 'discarded'))`).Scan(&drafts, &open, &jobs))
		if drafts == n && open == 0 && jobs == 0 {
			break
		}
		require.True(t, time.Now().Before(quiet), "not quiet: drafts %d of %d, undelivered %d, jobs left %d\n%s\n%s",
			drafts, n, open, jobs, nodes[0].tail(), nodes[2].tail())
		time.Sleep(500 * time.Millisecond)
	}
	t.Logf("quiet %s after the kill", time.Since(killedAt).Round(time.Second))

	stored, drafted, sent, unconfirmed := crashCounts(t, pool)
	require.Equal(t, n, int(acked.Load()))
	require.Equal(t, n, stored, "each acknowledged webhook stored once")
	require.Equal(t, n, drafted, "each message drafted once")
	var draftedMessages int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(DISTINCT message_id) FROM drafts`).Scan(&draftedMessages))
	require.Equal(t, n, draftedMessages, "no message has two drafts")
	require.Equal(t, n, sent+unconfirmed, "every draft was auto-approved and handed over or held")
	perTo := map[string]int{}
	for _, m := range fake.Sent() {
		perTo[m["To"]]++
	}
	duplicates := 0
	for _, c := range perTo {
		duplicates += c - 1
	}
	require.Zero(t, duplicates, "no customer got a reply twice")
	require.GreaterOrEqual(t, len(fake.Sent()), sent)
	require.LessOrEqual(t, len(fake.Sent()), sent+unconfirmed)

	// Who finished what: the survivors finished node-2's cut-off jobs.
	perNode := map[string]int{}
	rows, err := pool.Query(ctx, `SELECT attempted_by[array_length(attempted_by, 1)], count(*) FROM river_job
		WHERE kind IN ('process_message', 'send_reply') AND state = 'completed' GROUP BY 1`)
	require.NoError(t, err)
	for rows.Next() {
		var node string
		var c int
		require.NoError(t, rows.Scan(&node, &c))
		perNode[node] = c
	}
	require.NoError(t, rows.Err())
	rows.Close()
	var rescued int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'completed'
		AND 'node-2' = ANY(attempted_by) AND attempted_by[array_length(attempted_by, 1)] <> 'node-2'`).Scan(&rescued))
	t.Logf("kill figures: webhooks %d, posts %d, acknowledged %d, stored %d, drafted %d, sent %d, unconfirmed %d, delivered %d, duplicates %d; completed jobs per node %v; node-2's jobs finished elsewhere %d",
		n, posts.Load(), acked.Load(), stored, drafted, sent, unconfirmed, len(fake.Sent()), duplicates, perNode, rescued)
	require.Greater(t, perNode["node-1"], 0)
	require.Greater(t, perNode["node-3"], 0)
	require.Greater(t, perNode["node-2"], 0, "node-2 worked jobs before it died")
	for _, s := range nodes {
		s.mu.Lock()
		if s.cmd != nil {
			s.notePeak()
		}
		s.mu.Unlock()
	}
	t.Logf("peak RSS (VmHWM): node-1 %.0f MB, node-2 %.0f MB (until killed), node-3 %.0f MB", nodes[0].peakMB, nodes[victim].peakMB, nodes[2].peakMB)
}
