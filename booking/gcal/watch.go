package gcal

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	calendar "google.golang.org/api/calendar/v3"
)

// WebhookPath is where Google's push notifications arrive, under FRONTDESK_BASE_URL.
const WebhookPath = "/webhooks/google/calendar"

// Push channels: asked to last channelTTL (Google may grant less), checked every
// RenewEvery, and replaced when they stop within renewBefore.
const (
	RenewEvery  = time.Hour
	renewBefore = 24 * time.Hour
	channelTTL  = 7 * 24 * time.Hour
)

// ErrUnknownChannel means a notification names no channel of ours, or carries the
// wrong token: it is refused and nothing is queued.
var ErrUnknownChannel = errors.New("gcal: unknown notification channel")

// WatchArgs opens (or replaces) the push channel of one workspace's calendar; with no
// workspace it renews every channel about to stop.
type WatchArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
}

// Kind implements river.JobArgs.
func (WatchArgs) Kind() string { return "gcal_watch" }

// InsertOpts keeps one waiting watch per workspace.
func (WatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

type watchWorker struct {
	river.WorkerDefaults[WatchArgs]
	g *Sync
}

func (w *watchWorker) Work(ctx context.Context, job *river.Job[WatchArgs]) error {
	g := w.g
	if job.Args.WorkspaceID != 0 {
		return g.Watch(ctx, job.Args.WorkspaceID)
	}
	if g.Config.WebhookURL == "" {
		return nil
	}
	rows, err := g.Pool.Query(ctx, g.q.ChannelsToRenew, g.Now().Add(renewBefore))
	if err != nil {
		return fmt.Errorf("gcal: channels to renew: %w", err)
	}
	due, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("gcal: channels to renew: %w", err)
	}
	for _, ws := range due {
		if err := g.Watch(ctx, ws); err != nil {
			g.Log.Warn("google calendar channel not renewed", "workspace_id", ws, "error", err)
		}
	}
	return nil
}

func randomString(n int, hexa bool) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	if hexa {
		return hex.EncodeToString(b), nil
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Watch asks Google to notify WebhookURL of changes to the workspace's calendar, on a
// new channel with a random id and token, and then stops the channel it replaces.
func (g *Sync) Watch(ctx context.Context, ws int64) error {
	if g.Config.WebhookURL == "" {
		return nil
	}
	c, err := g.Connection(ctx, ws)
	if errors.Is(err, ErrNotConnected) {
		return nil
	}
	if err != nil {
		return err
	}
	svc, err := g.service(ctx, ws, c)
	if err != nil {
		return err
	}
	id, err := randomString(16, true)
	if err != nil {
		return fmt.Errorf("gcal: channel id: %w", err)
	}
	token, err := randomString(32, false)
	if err != nil {
		return fmt.Errorf("gcal: channel token: %w", err)
	}
	ch, err := svc.Events.Watch(c.CalendarID, &calendar.Channel{
		Id: id, Type: "web_hook", Address: g.Config.WebhookURL, Token: token,
		Expiration: g.Now().Add(channelTTL).UnixMilli(),
	}).Context(ctx).Do()
	if err != nil {
		return fmt.Errorf("gcal: watch calendar of workspace %d: %w", ws, err)
	}
	expires := g.Now().Add(channelTTL)
	if ch.Expiration > 0 {
		expires = time.UnixMilli(ch.Expiration)
	}
	var oldID, oldResource string
	if err := g.Pool.QueryRow(ctx, g.q.GetChannel, ws).Scan(&oldID, &oldResource); err != nil {
		return fmt.Errorf("gcal: channel of workspace %d: %w", ws, err)
	}
	if _, err := g.Pool.Exec(ctx, g.q.SetChannel, ws, id, token, ch.ResourceId, expires); err != nil {
		return fmt.Errorf("gcal: save channel of workspace %d: %w", ws, err)
	}
	if oldID != "" {
		g.stopChannel(ctx, ws, svc, oldID, oldResource)
	}
	return nil
}

// stopChannel tells Google to stop a channel; a failure only costs notifications that
// the unknown channel id makes us refuse.
func (g *Sync) stopChannel(ctx context.Context, ws int64, svc *calendar.Service, id, resource string) {
	if err := svc.Channels.Stop(&calendar.Channel{Id: id, ResourceId: resource}).Context(ctx).Do(); err != nil {
		g.Log.Warn("google calendar channel not stopped", "workspace_id", ws, "channel_id", id, "error", err)
	}
}

// stopWatching stops the workspace's channel before it is disconnected.
func (g *Sync) stopWatching(ctx context.Context, ws int64) {
	var id, resource string
	if err := g.Pool.QueryRow(ctx, g.q.GetChannel, ws).Scan(&id, &resource); err != nil || id == "" {
		return
	}
	c, err := g.Connection(ctx, ws)
	if err != nil {
		return
	}
	svc, err := g.service(ctx, ws, c)
	if err != nil {
		g.Log.Warn("google calendar channel not stopped", "workspace_id", ws, "error", err)
		return
	}
	g.stopChannel(ctx, ws, svc, id, resource)
}

// pushSyncOpts keeps one waiting (or running) sync per workspace however many
// notifications arrive; unlike the periodic sync's, a completed sync does not hold
// back the next notification's. A change that races a running sync is caught by the
// periodic one.
func pushSyncOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// Notified handles one push notification: the channel id must be a workspace's current
// channel and the token its own. The first message of a channel ("sync") only says it
// is open; any other queues an incremental sync of that workspace.
func (g *Sync) Notified(ctx context.Context, channelID, token, state string) error {
	if channelID == "" || token == "" {
		return ErrUnknownChannel
	}
	var ws int64
	var want *string
	err := g.Pool.QueryRow(ctx, g.q.ChannelWorkspace, channelID).Scan(&ws, &want)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrUnknownChannel
	}
	if err != nil {
		return fmt.Errorf("gcal: channel %q: %w", channelID, err)
	}
	if want == nil || subtle.ConstantTimeCompare([]byte(*want), []byte(token)) != 1 {
		return ErrUnknownChannel
	}
	if state == "sync" || g.jobs == nil {
		return nil
	}
	if _, err := g.jobs.Insert(ctx, SyncArgs{WorkspaceID: ws}, pushSyncOpts()); err != nil {
		return fmt.Errorf("gcal: queue sync of workspace %d: %w", ws, err)
	}
	return nil
}

// Register mounts the push-notification webhook. An unknown channel or a wrong token
// gets 404, which also tells Google to stop sending on it.
func (g *Sync) Register(app *fiber.App) {
	app.Post(WebhookPath, func(c *fiber.Ctx) error {
		err := g.Notified(c.UserContext(), c.Get("X-Goog-Channel-ID"), c.Get("X-Goog-Channel-Token"), c.Get("X-Goog-Resource-State"))
		if errors.Is(err, ErrUnknownChannel) {
			return c.SendStatus(fiber.StatusNotFound)
		}
		if err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusOK)
	})
}
