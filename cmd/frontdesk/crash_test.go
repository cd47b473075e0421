package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/twilio"
	"github.com/frontdesk/frontdesk/channels/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/dbtest"
)

// crashFigures is what the crash test counts, for docs/reliability.md.
type crashFigures struct {
	webhooks, posts, acked, stored, drafted, sent, unconfirmed, delivered, duplicates, kills int
}

// TestCrashSafety plays Twilio against a real `frontdesk serve` subprocess that is
// killed with SIGKILL at random moments and restarted: every webhook acknowledged with
// a 2xx must be stored once and drafted once, and every auto-approved draft delivered
// to the fake Twilio API at most once: exactly once unless a kill struck while it was
// being handed over, when it is held as "delivery unconfirmed" for a person. 1,000
// webhooks by default; FRONTDESK_CRASH_N=10000 for the documented run.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a server for a minute or more")
	}
	n := envCount(t, "FRONTDESK_CRASH_N", 1000)
	ctx := context.Background()
	bin := buildFrontdesk(t)
	pool := dbtest.New(t)
	// A Twilio long code sends about one message a second (frontdesk spaces its sends
	// so), so the messages are spread over one number per 20 customers.
	numbers := max(1, n/20)
	fake := twiliotest.New(t, testSID, testToken)
	addr := freeAddr(t)
	base := "http://" + addr
	hooks := crashWorkspace(t, pool, base, fake.URL, numbers)

	srv := &crashServer{t: t, bin: bin, env: append(os.Environ(),
		"DATABASE_URL="+pool.Config().ConnString(), "FRONTDESK_ADDR="+addr, "FRONTDESK_BASE_URL="+base,
		"FRONTDESK_SECRET_KEY="+crashSecret, "FRONTDESK_MEDIA_URL=file://"+t.TempDir(), "FRONTDESK_LOG_LEVEL=warn",
		"FRONTDESK_WORKERS=20", "FRONTDESK_WEBHOOK_BURST=1000000", "FRONTDESK_WEBHOOK_EVERY=1ms",
		// Jobs a killed server was running are taken again after this.
		"FRONTDESK_RESCUE_JOBS_AFTER=5s", "FRONTDESK_NODE_ID=crash-node",
	), log: filepath.Join(t.TempDir(), "serve.log")}
	srv.start()
	t.Cleanup(srv.stop)
	began := time.Now()

	// Senders play Twilio: a webhook that got no 2xx (refused, cut off, 5xx) is sent again.
	var fig crashFigures
	fig.webhooks = n
	var posts, acked atomic.Int64
	sendersDone := make(chan struct{})
	work := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range 16 {
		wg.Go(func() {
			for i := range work {
				for try := 0; ; try++ {
					posts.Add(1)
					if crashPost(ctx, client, hooks[i%numbers], i%numbers, i) {
						acked.Add(1)
						break
					}
					time.Sleep(time.Duration(min(50*(try+1), 500)) * time.Millisecond)
				}
			}
		})
	}
	go func() {
		for i := range n {
			work <- i
		}
		close(work)
		wg.Wait()
		close(sendersDone)
	}()

	// Kill at random moments while webhooks arrive and replies go out, at least five times.
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7)) //nolint:gosec // timing only
	deadline := time.Now().Add(max(2*time.Minute, time.Duration(n)*60*time.Millisecond))
	// A restart takes a second or two on a busy machine: a longer run gets longer lives
	// between kills, or it would spend them all starting.
	upMax := 1700
	if n > 2000 {
		upMax = 4700
	}
	// A nil channel never receives: once the senders are done only the timer wakes the loop
	// (a closed one would spin it until the deadline without a kill).
	for sending := sendersDone; sending != nil || fig.kills < 5; {
		select {
		case <-sending:
			sending = nil
		case <-time.After(time.Duration(300+rng.IntN(upMax)) * time.Millisecond):
			srv.kill()
			fig.kills++
			srv.start()
		}
		require.True(t, time.Now().Before(deadline), "webhooks still unacknowledged after %d kills: %d of %d", fig.kills, acked.Load(), n)
	}
	<-sendersDone
	fig.posts, fig.acked = int(posts.Load()), int(acked.Load())
	t.Logf("all %d webhooks acknowledged after %d kills in %s", n, fig.kills, time.Since(began).Round(time.Second))

	// Quiet: every message drafted and every draft out of approved/sending, no job left.
	quiet := time.Now().Add(3 * time.Minute)
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
		require.True(t, time.Now().Before(quiet), "not quiet: drafts %d of %d, undelivered %d, jobs left %d\n%s", drafts, n, open, jobs, srv.tail())
		time.Sleep(500 * time.Millisecond)
	}

	t.Logf("quiet after %s", time.Since(began).Round(time.Second))
	fig.stored, fig.drafted, fig.sent, fig.unconfirmed = crashCounts(t, pool)
	perTo := map[string]int{}
	for _, m := range fake.Sent() {
		perTo[m["To"]]++
	}
	fig.delivered = len(fake.Sent())
	for _, c := range perTo {
		fig.duplicates += c - 1
	}
	srv.mu.Lock()
	srv.notePeak()
	t.Logf("peak RSS (VmHWM) of serve under webhook ingest and processing: %.0f MB", srv.peakMB)
	srv.mu.Unlock()
	t.Logf("crash figures: webhooks %d, posts %d, acknowledged %d, stored %d, drafted %d, sent %d, unconfirmed %d, delivered %d, duplicates %d, kills %d",
		fig.webhooks, fig.posts, fig.acked, fig.stored, fig.drafted, fig.sent, fig.unconfirmed, fig.delivered, fig.duplicates, fig.kills)

	require.Equal(t, n, fig.acked)
	require.Greater(t, fig.posts, fig.acked, "some webhooks met a dead server and were redelivered")
	require.Equal(t, n, fig.stored, "each acknowledged webhook stored once")
	require.Equal(t, n, fig.drafted, "each message drafted once")
	require.Equal(t, n, fig.sent+fig.unconfirmed, "every draft was auto-approved and handed over or held")
	require.Zero(t, fig.duplicates, "no customer got a reply twice")
	// Every sent draft reached the fake, under its customer's number; an unconfirmed one
	// reached it at most once (the kill may have come before or after Twilio took it).
	require.GreaterOrEqual(t, fig.delivered, fig.sent)
	require.LessOrEqual(t, fig.delivered, fig.sent+fig.unconfirmed)
	rows, err := pool.Query(ctx, `SELECT c.phone FROM drafts d JOIN conversations v ON v.workspace_id = d.workspace_id AND v.id = d.conversation_id
		JOIN contacts c ON c.workspace_id = v.workspace_id AND c.id = v.contact_id WHERE d.status = 'sent'`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var phone string
		require.NoError(t, rows.Scan(&phone))
		require.Equal(t, 1, perTo[phone], "the reply to %s was delivered once", phone)
	}
	require.NoError(t, rows.Err())
}

const crashSecret = "crash-secret-key-crash-secret-key-0123"

// crashWorkspace makes a workspace that auto-sends every draft, with numbers Twilio
// accounts that send through the fake, and returns their webhook URLs.
func crashWorkspace(t *testing.T, pool *pgxpool.Pool, base, apiURL string, numbers int) []string {
	t.Helper()
	ctx := context.Background()
	cfg := config.Config{DatabaseURL: "unused", Addr: "127.0.0.1:0", BaseURL: base, SecretKey: crashSecret, Workers: 1,
		MediaURL: "file://" + t.TempDir(), WebhookEvery: time.Second, WebhookBurst: 1, PortalEvery: time.Second, PortalBurst: 1}
	a, err := newApp(cfg, slog.New(slog.DiscardHandler), pool, appOptions{})
	require.NoError(t, err)
	ws, err := a.conv.CreateWorkspace(ctx, pool, "crash-clinic", "Crash Clinic", "UTC", "US")
	require.NoError(t, err)
	ws.ApprovalMode = "auto_all"
	require.NoError(t, a.conv.UpdateSettings(ctx, pool, ws, "test"))
	hooks := make([]string, numbers)
	for i := range numbers {
		acc, cred, err := accounts.Check(accounts.Input{
			Kind: accounts.Twilio, AccountSID: testSID, AuthToken: testToken,
			PhoneNumber: fmt.Sprintf("+1555800%04d", i), APIBaseURL: apiURL,
		}, "US")
		require.NoError(t, err)
		acc, err = a.channels.Create(ctx, pool, ws.ID, acc, cred)
		require.NoError(t, err)
		hooks[i] = twilio.WebhookURL(base, acc.ID)
	}
	return hooks
}

// crashPost sends webhook i as Twilio would and reports whether it was acknowledged.
func crashPost(ctx context.Context, client *http.Client, hook string, number, i int) bool {
	form := url.Values{
		"MessageSid": {fmt.Sprintf("SMcrash%026d", i)}, "AccountSid": {testSID},
		"From": {fmt.Sprintf("+1555%07d", i)}, "To": {fmt.Sprintf("+1555800%04d", number)},
		"Body": {"Hello, what are your opening hours?"}, "NumMedia": {"0"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(form.Encode()))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Sign(testToken, hook, form))
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode >= 200 && res.StatusCode < 300
}

// crashCounts reads what the database holds of the run.
func crashCounts(t *testing.T, pool *pgxpool.Pool) (stored, drafted, sent, unconfirmed int) {
	t.Helper()
	var distinct int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM messages WHERE direction = 'inbound'),
		(SELECT count(DISTINCT external_id) FROM messages WHERE direction = 'inbound'),
		(SELECT count(*) FROM drafts),
		(SELECT count(*) FROM drafts WHERE status = 'sent'),
		(SELECT count(*) FROM drafts WHERE status = 'failed' AND error LIKE 'delivery unconfirmed%')`,
	).Scan(&stored, &distinct, &drafted, &sent, &unconfirmed))
	require.Equal(t, stored, distinct, "no webhook stored twice")
	return stored, drafted, sent, unconfirmed
}

// buildFrontdesk builds the binary under test into a temporary directory.
func buildFrontdesk(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "frontdesk")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// crashServer is `frontdesk serve` as a subprocess that can be killed and started again.
type crashServer struct {
	t   *testing.T
	bin string
	env []string
	log string

	mu  sync.Mutex
	cmd *exec.Cmd
	// peakMB is the highest VmHWM (peak resident memory) of any life of the server.
	peakMB float64
}

// notePeak reads the running server's peak resident memory; the caller holds mu.
func (s *crashServer) notePeak() {
	if hwm, err := vmHWM(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)); err == nil {
		s.peakMB = max(s.peakMB, hwm)
	}
}

func (s *crashServer) start() {
	s.t.Helper()
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(s.t, err)
	defer func() { _ = logf.Close() }()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, logf, logf
	require.NoError(s.t, cmd.Start())
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	addr := ""
	for _, kv := range s.env {
		if v, ok := strings.CutPrefix(kv, "FRONTDESK_ADDR="); ok {
			addr = v
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz") //nolint:noctx // a probe
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		require.True(s.t, time.Now().Before(deadline), "serve did not come up:\n%s", s.tail())
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the server with SIGKILL: no shutdown, no flush, jobs cut off mid-way.
func (s *crashServer) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.notePeak()
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

func (s *crashServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.notePeak()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// tail is the end of the servers' log, for a failure message.
func (s *crashServer) tail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b))
}

// envCount reads a test's size from the environment variable name, or def.
func envCount(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, name)
	return n
}
