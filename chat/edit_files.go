package chat

import (
	"context"

	"backchannel/model"
	"backchannel/store"
)

// checkEditBody checks the new text of m as Post checks a new message's:
// files may go without words, so the text of a message that still has
// files (not removed by a moderator) may be cleared; anything else needs
// some.
func (s *Service) checkEditBody(ctx context.Context, m *model.Message, body string, max int) error {
	if body != "" {
		return checkBody(body, max)
	}
	files, err := store.MessageAttachments(ctx, s.db, []int64{m.ID})
	if err != nil {
		return err
	}
	if len(files[m.ID]) > 0 {
		return nil
	}
	return checkBody(body, max)
}
