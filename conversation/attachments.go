package conversation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/internal/live"
)

// Attachment is a file or voice note on a message.
type Attachment struct {
	ID          int64  `json:"id"`
	MessageID   int64  `json:"-"`
	Status      string `json:"status"`
	Kind        string `json:"kind"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size_bytes"`
	Transcript  string `json:"transcript,omitempty"`
	Error       string `json:"error,omitempty"`
}

// FetchAttachmentsArgs is the job that downloads a message's files from the provider
// and transcribes its voice notes, then queues the message's processing.
type FetchAttachmentsArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	MessageID   int64 `json:"message_id"`
}

// Kind implements river.JobArgs.
func (FetchAttachmentsArgs) Kind() string { return "fetch_attachments" }

// InsertOpts bounds the retries: after about six minutes the message is answered
// without the files that could not be fetched, which stay listed as failed.
func (FetchAttachmentsArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// insertAttachments records in's files with its message and says whether any needs
// the fetch job (not yet downloaded, or a voice note to transcribe).
func (s *Service) insertAttachments(ctx context.Context, tx pgx.Tx, in channels.Inbound, messageID int64) (bool, error) {
	needJob := false
	for _, a := range in.Attachments {
		status, kind := "stored", a.Kind
		if a.Key == "" {
			status, kind = "pending", "document"
			needJob = true
		}
		if kind == string(media.Audio) && s.Transcriber != nil {
			needJob = true
		}
		ctype := a.ContentType
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		if _, err := tx.Exec(ctx, s.q.InsertAttachment, in.WorkspaceID, messageID, status, a.Source, kind, a.Name, ctype, a.Size, a.Key); err != nil {
			return false, fmt.Errorf("conversation: store attachment: %w", err)
		}
	}
	return needJob, nil
}

type fetchWorker struct {
	river.WorkerDefaults[FetchAttachmentsArgs]
	s *Service
}

func (w *fetchWorker) Timeout(*river.Job[FetchAttachmentsArgs]) time.Duration { return 5 * time.Minute }

type pendingAttachment struct {
	id                                int64
	status, source, name, ctype, kind string
	size                              int64
	key                               string
	channel                           channels.Kind
	accountID                         int64
}

func (w *fetchWorker) Work(ctx context.Context, job *river.Job[FetchAttachmentsArgs]) error {
	s, a := w.s, job.Args
	rows, err := s.Pool.Query(ctx, s.q.PendingAttachments, a.WorkspaceID, a.MessageID)
	if err != nil {
		return fmt.Errorf("conversation: pending attachments: %w", err)
	}
	pending, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pendingAttachment, error) {
		var p pendingAttachment
		err := r.Scan(&p.id, &p.status, &p.source, &p.name, &p.ctype, &p.kind, &p.size, &p.key, &p.channel, &p.accountID)
		return p, err
	})
	if err != nil {
		return fmt.Errorf("conversation: pending attachments: %w", err)
	}
	lastTry := job.Attempt >= job.MaxAttempts
	var retry []error
	for _, p := range pending {
		err := s.fetchOne(ctx, a.WorkspaceID, p)
		if err == nil {
			continue
		}
		final := lastTry || channels.IsPermanent(err) || errors.Is(err, media.ErrTooLarge) || errors.Is(err, media.ErrEmpty)
		status := "pending"
		if final {
			status = "failed"
		}
		s.Log.Warn("attachment not fetched", "workspace_id", a.WorkspaceID, "attachment_id", p.id, "final", final, "error", err)
		if _, uerr := s.Pool.Exec(ctx, s.q.FailAttachment, a.WorkspaceID, p.id, status, err.Error()); uerr != nil {
			return fmt.Errorf("conversation: record attachment error: %w", uerr)
		}
		if !final {
			retry = append(retry, err)
		}
	}
	if len(retry) > 0 {
		return fmt.Errorf("conversation: fetch attachments of message %d: %w", a.MessageID, errors.Join(retry...))
	}
	msg, err := s.message(ctx, a.WorkspaceID, a.MessageID)
	if errors.Is(err, ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		if _, err := s.jobs.InsertTx(ctx, tx, ProcessMessageArgs(a), nil); err != nil {
			return fmt.Errorf("conversation: queue processing: %w", err)
		}
		// Open inboxes show the files now that they can be viewed.
		ev.add(live.Event{WorkspaceID: a.WorkspaceID, Kind: "message", ConversationID: msg.ConversationID})
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// fetchOne downloads one attachment if it is still at the provider, and transcribes
// it if it is a voice note.
func (s *Service) fetchOne(ctx context.Context, ws int64, p pendingAttachment) error {
	if s.Media == nil {
		return channels.Permanent(errors.New("no media store is configured"))
	}
	f := media.File{Key: p.key, Name: p.name, ContentType: p.ctype, Kind: media.Kind(p.kind), Size: p.size}
	if p.status == "pending" {
		fetcher, ok := s.Fetchers[p.channel]
		if !ok {
			return channels.Permanent(fmt.Errorf("no way to fetch files from %s", p.channel))
		}
		body, declared, err := fetcher.Fetch(ctx, p.accountID, p.source)
		if err != nil {
			return err
		}
		f, err = s.Media.Put(ctx, ws, p.name, declared, body)
		_ = body.Close()
		if err != nil {
			return err
		}
	}
	var transcript *string
	var note string
	if f.Kind == media.Audio && s.Transcriber != nil {
		text, err := s.transcribe(ctx, f.Key, f.ContentType)
		if err != nil {
			// The audio is kept and playable; only its text is missing.
			note = "not transcribed: " + err.Error()
			s.Log.Warn("voice note not transcribed", "workspace_id", ws, "attachment_id", p.id, "error", err)
		}
		transcript = &text
	}
	_, err := s.Pool.Exec(ctx, s.q.StoreAttachment, ws, p.id, f.Kind, f.Name, f.ContentType, f.Size, f.Key, transcript, note)
	if err != nil {
		return fmt.Errorf("conversation: record attachment: %w", err)
	}
	return nil
}

func (s *Service) transcribe(ctx context.Context, key, ctype string) (string, error) {
	r, err := s.Media.Reader(ctx, key)
	if err != nil {
		return "", err
	}
	defer func() { _ = r.Close() }()
	start := time.Now()
	text, err := s.Transcriber.Transcribe(ctx, r, ctype)
	s.traceModel(ctx, "transcribe", providerOf(s.Transcriber), start, err)
	return text, err
}

// attachments loads the attachments of msgs into them.
func (s *Service) attachments(ctx context.Context, db interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, ws int64, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids := make([]int64, len(msgs))
	at := make(map[int64]int, len(msgs))
	for i, m := range msgs {
		ids[i], at[m.ID] = m.ID, i
	}
	rows, err := db.Query(ctx, s.q.MessageAttachments, ws, ids)
	if err != nil {
		return fmt.Errorf("conversation: attachments: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attachment, error) {
		var a Attachment
		err := r.Scan(&a.ID, &a.MessageID, &a.Status, &a.Kind, &a.FileName, &a.ContentType, &a.Size, &a.Transcript, &a.Error)
		return a, err
	})
	if err != nil {
		return fmt.Errorf("conversation: attachments: %w", err)
	}
	for _, a := range list {
		i := at[a.MessageID]
		msgs[i].Attachments = append(msgs[i].Attachments, a)
	}
	return nil
}

// AttachmentFile opens a stored attachment of workspace ws. contactID > 0 limits it to
// that contact's own conversations (a portal customer sees only their files).
func (s *Service) AttachmentFile(ctx context.Context, ws, id, contactID int64) (io.ReadCloser, Attachment, error) {
	var key string
	a := Attachment{ID: id}
	err := s.Pool.QueryRow(ctx, s.q.AttachmentFile, ws, id, contactID).Scan(&key, &a.FileName, &a.ContentType, &a.Size)
	if err != nil {
		return nil, a, notFound(fmt.Sprintf("attachment %d", id), err)
	}
	if s.Media == nil {
		return nil, a, fmt.Errorf("conversation: attachment %d: no media store", id)
	}
	r, err := s.Media.Reader(ctx, key)
	if errors.Is(err, media.ErrNotFound) {
		return nil, a, fmt.Errorf("conversation: attachment %d: %w", id, ErrNotFound)
	}
	return r, a, err
}

// UpdateDelivery records a provider's report on an outbound message (queued, sent,
// delivered, read, failed). It reports whether a message changed; reports arriving
// out of order never move a message back. A report on a message not stored yet (the
// provider answered before its API call returned to the send job) is kept and applied
// when the send job stores the message.
func (s *Service) UpdateDelivery(ctx context.Context, ws int64, ch channels.Kind, externalID, status, reason string) (bool, error) {
	changed := false
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		if _, err := tx.Exec(ctx, s.q.LockDelivery, ws, ch, externalID); err != nil {
			return fmt.Errorf("conversation: lock delivery: %w", err)
		}
		var err error
		changed, err = s.updateDelivery(ctx, tx, ev, ws, ch, externalID, status, reason)
		if err != nil || changed {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, s.q.OutboundExists, ws, ch, externalID).Scan(&exists); err != nil {
			return fmt.Errorf("conversation: find reported message: %w", err)
		}
		if exists {
			return nil // known, and already further along
		}
		_, err = tx.Exec(ctx, s.q.KeepEarlyDelivery, ws, ch, externalID, status, reason)
		return err
	})
	return changed, err
}

// applyEarlyDeliveries applies the reports that arrived before the message was stored.
func (s *Service) applyEarlyDeliveries(ctx context.Context, tx pgx.Tx, ev *announce, ws int64, ch channels.Kind, externalID string) error {
	if _, err := tx.Exec(ctx, s.q.LockDelivery, ws, ch, externalID); err != nil {
		return fmt.Errorf("conversation: lock delivery: %w", err)
	}
	rows, err := tx.Query(ctx, s.q.TakeEarlyDeliveries, ws, ch, externalID)
	if err != nil {
		return fmt.Errorf("conversation: early reports: %w", err)
	}
	type report struct{ status, reason string }
	reports, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (report, error) {
		var rep report
		return rep, r.Scan(&rep.status, &rep.reason)
	})
	if err != nil {
		return fmt.Errorf("conversation: early reports: %w", err)
	}
	for _, rep := range reports {
		if _, err := s.updateDelivery(ctx, tx, ev, ws, ch, externalID, rep.status, rep.reason); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) updateDelivery(ctx context.Context, tx pgx.Tx, ev *announce, ws int64, ch channels.Kind, externalID, status, reason string) (bool, error) {
	var msgID, convID int64
	err := tx.QueryRow(ctx, s.q.UpdateDelivery, ws, ch, externalID, status, reason).Scan(&msgID, &convID)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("conversation: update delivery: %w", err)
	}
	if status == "failed" || status == "undelivered" {
		title := "A reply was not delivered"
		if reason != "" {
			title += ": " + reason
		}
		if _, err := tx.Exec(ctx, s.q.FlagConversation, ws, convID); err != nil {
			return false, err
		}
		if err := s.notify(ctx, tx, ev, ws, "delivery_failed", title, convID); err != nil {
			return false, err
		}
	}
	ev.add(live.Event{WorkspaceID: ws, Kind: "message", ConversationID: convID})
	return true, nil
}
