package inbox

import (
	"context"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// noteBlock tells the blocker's own streams about every group they share
// with the person they just blocked or unblocked (a members event to them
// alone), so the group's warning "You blocked X, who is in this group"
// appears or goes at once. The other person is not told.
func (s *Service) noteBlock(ctx context.Context, blocker, blocked int64) error {
	groups, err := store.SharedGroups(ctx, s.db, blocker, blocked)
	if err != nil {
		return err
	}
	for _, id := range groups {
		if _, err := s.change(ctx, func(bun.Tx) (*model.DMEvent, audience, error) {
			return event(id, model.DMEventMembers, nil, blocker), justMe(blocker), nil
		}); err != nil {
			return err
		}
	}
	return nil
}
