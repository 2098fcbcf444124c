package inbox

import (
	"context"
	"fmt"

	"backchannel/store"
)

// BlockedIDs returns everyone userID has blocked (their ids, ascending):
// a conversation page warns at once when one of them is a member or is
// added later (the members event), without asking the server again.
func (s *Service) BlockedIDs(ctx context.Context, userID int64) ([]int64, error) {
	ids, err := store.BlockedIDsOf(ctx, s.db, userID)
	if err != nil {
		return nil, fmt.Errorf("inbox: blocked ids: %w", err)
	}
	return ids, nil
}
