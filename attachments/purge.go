package attachments

import (
	"context"
	"errors"
	"fmt"

	"backchannel/model"
	"backchannel/store"
)

// purgeBatch is how many attachments one round of PurgeRetained deletes.
const purgeBatch = 100

// PurgeRetained deletes from the Storage the bytes (original and
// thumbnail) of the attachments that retention removed, purgeBatch at a
// time, marking each done once both are gone, and returns how many it
// purged. An attachment whose bytes could not be deleted stays marked
// removed (never served) and is tried again on the next call.
func (s *Service) PurgeRetained(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		ids, err := store.RetainedAttachments(ctx, s.DB, purgeBatch)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		done := make([]int64, 0, len(ids))
		var errs []error
		for _, id := range ids {
			if err := s.deleteBytes(ctx, id); err != nil {
				errs = append(errs, err)
				continue
			}
			done = append(done, id)
		}
		if err := store.MarkAttachmentsPurged(ctx, s.DB, done, s.Now()); err != nil {
			return total, err
		}
		total += len(done)
		if len(errs) > 0 {
			// Left for the next run rather than retried at once.
			return total, fmt.Errorf("attachments: purge: %w", errors.Join(errs...))
		}
		if len(ids) < purgeBatch {
			return total, nil
		}
	}
}

// deleteBytes deletes both stored variants of attachment id.
func (s *Service) deleteBytes(ctx context.Context, id int64) error {
	for _, v := range []string{Original, Thumb} {
		if err := s.Storage.Delete(ctx, model.AttachmentObjectKey(id, v)); err != nil {
			return fmt.Errorf("attachment %d %s: %w", id, v, err)
		}
	}
	return nil
}
