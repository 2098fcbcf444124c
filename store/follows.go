package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Follow makes follower follow followee; following again changes nothing.
func Follow(ctx context.Context, db bun.IDB, follower, followee int64) error {
	f := &model.Follow{FollowerID: follower, FolloweeID: followee, CreatedAt: now()}
	if _, err := db.NewInsert().Model(f).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: follow: %w", err)
	}
	return nil
}

// Unfollow ends a follow; one that does not exist changes nothing.
func Unfollow(ctx context.Context, db bun.IDB, follower, followee int64) error {
	if _, err := db.NewDelete().Model((*model.Follow)(nil)).
		Where("follower_id = ? AND followee_id = ?", follower, followee).Exec(ctx); err != nil {
		return fmt.Errorf("store: unfollow: %w", err)
	}
	return nil
}

// FollowCounts returns how many people follow userID and how many they
// follow.
func FollowCounts(ctx context.Context, db bun.IDB, userID int64) (followers, following int, err error) {
	followers, err = db.NewSelect().Model((*model.Follow)(nil)).Where("followee_id = ?", userID).Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: follower count: %w", err)
	}
	following, err = db.NewSelect().Model((*model.Follow)(nil)).Where("follower_id = ?", userID).Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: following count: %w", err)
	}
	return followers, following, nil
}

// FollowList is one page of followers or followed accounts.
type FollowList struct {
	UserID    int64
	Followers bool // the people following UserID; false: the people UserID follows
	Limit     int
	Offset    int
}

// ListFollows returns the enabled accounts of a FollowList, newest follow
// first, and how many there are in all.
func ListFollows(ctx context.Context, db bun.IDB, f FollowList) ([]model.User, int, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	self, other := "follower_id", "followee_id"
	if f.Followers {
		self, other = other, self
	}
	out := []model.User{}
	n, err := db.NewSelect().Model(&out).
		Join("JOIN follows AS f ON f."+other+" = ?TableAlias.id").
		Where("f."+self+" = ?", f.UserID).Where("?TableAlias.disabled_at IS NULL").
		OrderExpr("f.created_at DESC, ?TableAlias.id DESC").Limit(f.Limit).Offset(max(f.Offset, 0)).
		ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list follows: %w", err)
	}
	return out, n, nil
}
