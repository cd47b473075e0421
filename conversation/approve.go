package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/rules"
)

// SendReplyArgs is the job that delivers an approved draft.
type SendReplyArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	DraftID     int64 `json:"draft_id"`
}

// Kind implements river.JobArgs.
func (SendReplyArgs) Kind() string { return "send_reply" }

// InsertOpts keeps one send job per draft in the queue.
func (SendReplyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func (s *Service) queueSend(ctx context.Context, tx pgx.Tx, ws, draftID int64) error {
	var opts *river.InsertOpts
	if s.SendQueue != nil {
		var ch channels.Kind
		var account int64
		if err := tx.QueryRow(ctx, s.q.DraftRoute, ws, draftID).Scan(&ch, &account); err != nil {
			return fmt.Errorf("conversation: route of draft %d: %w", draftID, err)
		}
		if q := s.SendQueue(ch, account); q != "" {
			opts = &river.InsertOpts{Queue: q}
		}
	}
	if _, err := s.jobs.InsertTx(ctx, tx, SendReplyArgs{WorkspaceID: ws, DraftID: draftID}, opts); err != nil {
		return fmt.Errorf("conversation: queue send of draft %d: %w", draftID, err)
	}
	return nil
}

// Decision is a person's verdict on a draft.
type Decision struct {
	WorkspaceID int64
	DraftID     int64
	// Content replaces the draft's text when set (edit and approve).
	Content *string
	UserID  int64
	Actor   string
	// Files go out with the reply: already in the media store (see media.Store.Put).
	Files []media.File
}

type lockedDraft struct {
	id, conversationID, contactID int64
	accountID                     int64
	content, status               string
	channel                       channels.Kind
}

func (s *Service) lockDraft(ctx context.Context, tx pgx.Tx, ws, id int64) (lockedDraft, error) {
	var d lockedDraft
	err := tx.QueryRow(ctx, s.q.LockDraft, ws, id).Scan(&d.id, &d.conversationID, &d.content, &d.status, &d.channel, &d.contactID, &d.accountID)
	if err != nil {
		return d, notFound(fmt.Sprintf("draft %d", id), err)
	}
	return d, nil
}

// Approve approves a pending draft, edited or not, with any files attached, and queues
// its sending in the same transaction. A draft already decided gets ErrDecided (the
// caller then removes the files it stored).
//
// The draft returned is as approved: the send job may change its status the moment the
// transaction commits.
func (s *Service) Approve(ctx context.Context, dec Decision) (Draft, error) {
	var out Draft
	if err := checkReplyFiles(dec.Files); err != nil {
		return Draft{}, err
	}
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		d, err := s.lockDraft(ctx, tx, dec.WorkspaceID, dec.DraftID)
		if err != nil {
			return err
		}
		if d.status != "pending" {
			return fmt.Errorf("conversation: draft %d is %s: %w", d.id, d.status, ErrDecided)
		}
		status, content := "approved", d.content
		if dec.Content != nil {
			edited, err := s.CheckText(*dec.Content)
			if err != nil {
				return err
			}
			if edited != strings.TrimSpace(d.content) {
				status, content = "edited", edited
			}
		}
		if _, err := tx.Exec(ctx, s.q.DecideDraft, dec.WorkspaceID, d.id, status, content, nullID(dec.UserID)); err != nil {
			return fmt.Errorf("conversation: approve draft %d: %w", d.id, err)
		}
		if err := s.attachToDraft(ctx, tx, dec.WorkspaceID, d.id, dec.Files); err != nil {
			return err
		}
		if err := s.queueSend(ctx, tx, dec.WorkspaceID, d.id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, dec.WorkspaceID, dec.Actor, "draft."+status, "draft", d.id, nil); err != nil {
			return err
		}
		ev.add(live.Event{WorkspaceID: dec.WorkspaceID, Kind: "draft", ConversationID: d.conversationID, DraftID: d.id})
		out, err = s.Draft(ctx, tx, dec.WorkspaceID, d.id)
		return err
	})
	if err != nil {
		return Draft{}, err
	}
	return out, nil
}

// Reject discards a pending draft; nothing is sent.
func (s *Service) Reject(ctx context.Context, dec Decision) (Draft, error) {
	err := s.inTx(ctx, func(tx pgx.Tx, ev *announce) error {
		d, err := s.lockDraft(ctx, tx, dec.WorkspaceID, dec.DraftID)
		if err != nil {
			return err
		}
		if d.status != "pending" {
			return fmt.Errorf("conversation: draft %d is %s: %w", d.id, d.status, ErrDecided)
		}
		if _, err := tx.Exec(ctx, s.q.DecideDraft, dec.WorkspaceID, d.id, "rejected", d.content, nullID(dec.UserID)); err != nil {
			return fmt.Errorf("conversation: reject draft %d: %w", d.id, err)
		}
		if err := s.audit(ctx, tx, dec.WorkspaceID, dec.Actor, "draft.rejected", "draft", d.id, nil); err != nil {
			return err
		}
		if err := s.fire(ctx, tx, dec.WorkspaceID, d.conversationID, rules.DraftRejected); err != nil {
			return err
		}
		ev.add(live.Event{WorkspaceID: dec.WorkspaceID, Kind: "draft", ConversationID: d.conversationID, DraftID: d.id})
		return nil
	})
	if err != nil {
		return Draft{}, err
	}
	return s.Draft(ctx, s.Pool, dec.WorkspaceID, dec.DraftID)
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// IsDecided reports whether err means the draft was already decided.
func IsDecided(err error) bool { return errors.Is(err, ErrDecided) }
