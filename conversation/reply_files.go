package conversation

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
)

// MaxReplyFiles is how many files one reply may carry (Twilio takes ten per MMS; a
// reply is not a file transfer).
const MaxReplyFiles = 5

// checkReplyFiles refuses more files than a reply may carry, or files not in the store.
func checkReplyFiles(files []media.File) error {
	if len(files) > MaxReplyFiles {
		return fmt.Errorf("%w: %d files; a reply carries at most %d", ErrInvalid, len(files), MaxReplyFiles)
	}
	for _, f := range files {
		if f.Key == "" {
			return fmt.Errorf("%w: file %q was not stored", ErrInvalid, f.Name)
		}
	}
	return nil
}

// attachToDraft records the files a person attached to the draft they approved. They
// belong to the draft until the send job hands them to the outbound message.
func (s *Service) attachToDraft(ctx context.Context, tx pgx.Tx, ws, draftID int64, files []media.File) error {
	for _, f := range files {
		if _, err := tx.Exec(ctx, s.q.InsertDraftAttachment, ws, draftID, string(f.Kind), f.Name, f.ContentType, f.Size, f.Key); err != nil {
			return fmt.Errorf("conversation: attach %s to draft %d: %w", f.Name, draftID, err)
		}
	}
	return nil
}

// replyFiles loads the files of a draft as the channel gets them.
func (s *Service) replyFiles(ctx context.Context, tx pgx.Tx, ws, draftID int64) ([]channels.File, error) {
	rows, err := tx.Query(ctx, s.q.DraftAttachments, ws, draftID)
	if err != nil {
		return nil, fmt.Errorf("conversation: files of draft %d: %w", draftID, err)
	}
	files, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (channels.File, error) {
		var id int64
		var f channels.File
		err := r.Scan(&id, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.Key)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: files of draft %d: %w", draftID, err)
	}
	for i := range files {
		key := files[i].Key
		files[i].Open = func(ctx context.Context) (io.ReadCloser, error) {
			if s.Media == nil {
				return nil, channels.Permanent(errors.New("no media store is configured"))
			}
			r, err := s.Media.Reader(ctx, key)
			if errors.Is(err, media.ErrNotFound) {
				return nil, channels.Permanent(fmt.Errorf("the attached file %s is no longer stored", key))
			}
			return r, err
		}
	}
	return files, nil
}
