package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// The reads that direct-message rules need about follows and blocks. The
// people package owns changing them.

// IsFollowing reports whether follower follows followee.
func IsFollowing(ctx context.Context, db bun.IDB, follower, followee int64) (bool, error) {
	ok, err := db.NewSelect().Model((*model.Follow)(nil)).
		Where("follower_id = ? AND followee_id = ?", follower, followee).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: is following: %w", err)
	}
	return ok, nil
}

// BlockedEitherWay reports whether a blocked b or b blocked a.
func BlockedEitherWay(ctx context.Context, db bun.IDB, a, b int64) (bool, error) {
	ok, err := db.NewSelect().Model((*model.Block)(nil)).
		Where("(blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)", a, b, b, a).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: blocked either way: %w", err)
	}
	return ok, nil
}

// BlockedBy returns which of ids viewer has blocked.
func BlockedBy(ctx context.Context, db bun.IDB, viewer int64, ids []int64) ([]int64, error) {
	var out []int64
	if len(ids) == 0 {
		return out, nil
	}
	if err := db.NewSelect().Model((*model.Block)(nil)).Column("blocked_id").
		Where("blocker_id = ?", viewer).Where("blocked_id IN (?)", bun.In(ids)).
		Order("blocked_id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: blocked by: %w", err)
	}
	return out, nil
}
