package conversation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/internal/live"
)

type sendWorker struct {
	river.WorkerDefaults[SendReplyArgs]
	s *Service
}

func (w *sendWorker) Timeout(*river.Job[SendReplyArgs]) time.Duration { return time.Minute }

// errUnconfirmed marks a draft whose earlier send attempt died mid-call.
const errUnconfirmed = "delivery unconfirmed: an earlier attempt stopped while handing the reply to the channel; " +
	"check with the customer before sending it again"

// Work sends one approved draft at most once.
//
// For the portal, storing the outbound message is the delivery, so it happens in the
// transaction that completes the job. For a provider (Twilio, Telegram, WhatsApp) the
// draft is first marked "sending" and committed, then handed to the provider, then
// marked "sent" with the provider's id in the transaction that completes the job. A
// run that finds a draft still "sending" knows an earlier run died mid-call and may have
// delivered it: it marks the draft failed for a person to check instead of sending twice.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendReplyArgs]) error {
	s, a := w.s, job.Args
	var d lockedDraft
	var address string
	var files []channels.File
	done := false
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		var err error
		if d, err = s.lockDraft(ctx, tx, a.WorkspaceID, a.DraftID); err != nil {
			return err
		}
		switch d.status {
		case "approved", "edited":
		case "sending":
			done = true
			return s.failDraft(ctx, tx, ev, job, d, errUnconfirmed)
		default: // sent, rejected, superseded, failed: nothing to send
			done = true
			_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
			return err
		}
		if d.channel == channels.Portal {
			done = true
			if err := s.recordSent(ctx, tx, ev, job, d, ""); err != nil {
				return err
			}
			_, span := s.startSend(ctx, string(channels.Portal), d.id)
			s.observeSend(span, string(channels.Portal), "sent", nil)
			return nil
		}
		if address, err = s.address(ctx, tx, a.WorkspaceID, d); err != nil {
			return err
		}
		if files, err = s.replyFiles(ctx, tx, a.WorkspaceID, d.id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, s.q.SetDraftStatus, a.WorkspaceID, d.id, "sending", "")
		return err
	})
	if err != nil || done {
		return err
	}

	sctx, span := s.startSend(ctx, string(d.channel), d.id)
	sender, ok := s.Senders[d.channel]
	var extID string
	if !ok {
		err = fmt.Errorf("no sender is configured for channel %s", d.channel)
	} else {
		extID, err = sender.Send(sctx, channels.Outbound{
			WorkspaceID: a.WorkspaceID, ConversationID: d.conversationID, Channel: d.channel, AccountID: d.accountID,
			Address: address, Text: d.content, IdempotencyKey: "draft-" + strconv.FormatInt(d.id, 10),
			Files: files,
		})
	}
	// The outcome is recorded even when the job's context has ended.
	rctx := context.WithoutCancel(ctx)
	// Transient failures (5xx, timeouts, 429) are retried; a permanent one (an invalid
	// number, a blocked recipient) is shown on the draft at once.
	retry := err != nil && ok && !channels.IsPermanent(err) && job.Attempt < job.MaxAttempts
	rerr := s.inTx(rctx, func(tx pgx.Tx, ev *announce) error {
		switch {
		case err == nil:
			return s.recordSent(rctx, tx, ev, job, d, extID)
		case retry:
			// Not delivered: back to approved so the next attempt may send it.
			_, uerr := tx.Exec(rctx, s.q.SetDraftStatus, a.WorkspaceID, d.id, d.status, err.Error())
			return uerr
		default:
			return s.failDraft(rctx, tx, ev, job, d, err.Error())
		}
	})
	switch {
	case err == nil:
		s.observeSend(span, string(d.channel), "sent", nil)
	case retry:
		s.observeSend(span, string(d.channel), "retry", err)
	default:
		s.observeSend(span, string(d.channel), "failed", err)
	}
	if rerr != nil {
		return fmt.Errorf("conversation: record delivery of draft %d: %w", d.id, rerr)
	}
	if retry {
		if ra, ok := errors.AsType[*channels.RetryAfterError](err); ok && ra.After > 0 {
			// The provider said when; a snooze does not spend an attempt, so cap it.
			return river.JobSnooze(min(ra.After, 10*time.Minute))
		}
		return fmt.Errorf("conversation: send draft %d: %w", d.id, err)
	}
	return nil
}

// NextRetry spaces delivery retries as configured (River's default when not).
func (w *sendWorker) NextRetry(job *river.Job[SendReplyArgs]) time.Time {
	if w.s.SendRetry == nil {
		return time.Time{}
	}
	return time.Now().Add(w.s.SendRetry(job.Attempt))
}

func (s *Service) address(ctx context.Context, tx pgx.Tx, ws int64, d lockedDraft) (string, error) {
	var addr string
	err := tx.QueryRow(ctx, s.q.ContactAddress, ws, d.contactID, d.channel).Scan(&addr)
	if err != nil {
		return "", notFound(fmt.Sprintf("address of contact %d on %s", d.contactID, d.channel), err)
	}
	return addr, nil
}

// recordSent stores the outbound message and completes the job, in tx.
func (s *Service) recordSent(ctx context.Context, tx pgx.Tx, ev *announce, job *river.Job[SendReplyArgs], d lockedDraft, extID string) error {
	ws := job.Args.WorkspaceID
	var ext *string
	if extID != "" {
		ext = &extID
	}
	// A reply a person rewrote is theirs; one approved as drafted is the assistant's.
	sender, aiWritten := "ai", true
	if d.status == "edited" {
		sender, aiWritten = "user", false
	}
	var msgID int64
	if err := tx.QueryRow(ctx, s.q.InsertOutbound, ws, d.conversationID, sender, d.channel, d.content, ext, d.id, aiWritten).Scan(&msgID); err != nil {
		return fmt.Errorf("conversation: store sent reply of draft %d: %w", d.id, err)
	}
	if _, err := tx.Exec(ctx, s.q.AttachDraftFiles, ws, d.id, msgID); err != nil {
		return fmt.Errorf("conversation: files of draft %d: %w", d.id, err)
	}
	if extID != "" {
		if err := s.applyEarlyDeliveries(ctx, tx, ev, ws, d.channel, extID); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, s.q.MarkSent, ws, d.id); err != nil {
		return fmt.Errorf("conversation: mark draft %d sent: %w", d.id, err)
	}
	if _, err := tx.Exec(ctx, s.q.FlowFromSentDraft, ws, d.id, d.status == "approved"); err != nil {
		return fmt.Errorf("conversation: record what draft %d offered: %w", d.id, err)
	}
	if _, err := tx.Exec(ctx, s.q.TouchConversation, ws, d.conversationID); err != nil {
		return fmt.Errorf("conversation: touch conversation: %w", err)
	}
	ev.add(live.Event{WorkspaceID: ws, Kind: "message", ConversationID: d.conversationID, ContactID: d.contactID, DraftID: d.id})
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	return err
}

func (s *Service) failDraft(ctx context.Context, tx pgx.Tx, ev *announce, job *river.Job[SendReplyArgs], d lockedDraft, reason string) error {
	ws := job.Args.WorkspaceID
	if _, err := tx.Exec(ctx, s.q.SetDraftStatus, ws, d.id, "failed", reason); err != nil {
		return fmt.Errorf("conversation: mark draft %d failed: %w", d.id, err)
	}
	if _, err := tx.Exec(ctx, s.q.FlagConversation, ws, d.conversationID); err != nil {
		return fmt.Errorf("conversation: flag conversation: %w", err)
	}
	s.Log.Warn("reply not delivered", "workspace_id", ws, "draft_id", d.id, "reason", reason)
	if err := s.notify(ctx, tx, ev, ws, "delivery_failed", "A reply was not delivered: "+reason, d.conversationID); err != nil {
		return err
	}
	ev.add(live.Event{WorkspaceID: ws, Kind: "draft", ConversationID: d.conversationID, DraftID: d.id})
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	return err
}
