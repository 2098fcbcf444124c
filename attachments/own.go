package attachments

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// MaxPerMessage is the most files one message (channel or direct) carries.
const MaxPerMessage = 4

// ErrNotOwn is the refusal of files to attach that are not the sender's own
// unattached uploads.
func ErrNotOwn() error {
	return model.Invalid("attachments", "A file to attach is not one you uploaded, or is already attached or removed: upload it again.")
}

// CheckOwn checks, before a message is written, that ids are at most
// MaxPerMessage distinct complete uploads of userID, not attached or
// removed. The message's transaction links them (store.AttachToMessage,
// store.AttachToDMMessage) and refuses if that changed since: pass that
// error through LinkError.
func CheckOwn(ctx context.Context, db bun.IDB, userID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if userID == 0 {
		return model.Invalid("attachments", "Sign in to attach files.")
	}
	if len(ids) > MaxPerMessage {
		return model.Invalid("attachments", fmt.Sprintf("A message carries at most %d files.", MaxPerMessage))
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			return model.Invalid("attachments", "The same file is attached twice.")
		}
		seen[id] = true
		a, err := store.Attachment(ctx, db, id)
		if errors.Is(err, model.ErrNotFound) {
			return ErrNotOwn()
		}
		if err != nil {
			return fmt.Errorf("attachments: check own: %w", err)
		}
		if a.UploaderID == nil || *a.UploaderID != userID || a.Attached() || a.RemovedAt != nil {
			return ErrNotOwn()
		}
	}
	return nil
}

// CheckOwn is CheckOwn on the service's database.
func (s *Service) CheckOwn(ctx context.Context, userID int64, ids []int64) error {
	return CheckOwn(ctx, s.DB, userID, ids)
}

// LinkError turns a link's model.ErrNotFound (an upload was attached or
// removed since CheckOwn) into the refusal ErrNotOwn.
func LinkError(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return ErrNotOwn()
	}
	return err
}
