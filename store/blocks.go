package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// BlockUser makes blocker block blocked and ends their follows both ways, in
// one transaction; blocking again changes nothing.
func BlockUser(ctx context.Context, db bun.IDB, blocker, blocked int64) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		b := &model.Block{BlockerID: blocker, BlockedID: blocked, CreatedAt: now()}
		if _, err := tx.NewInsert().Model(b).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("store: block: %w", err)
		}
		if _, err := tx.NewDelete().Model((*model.Follow)(nil)).
			Where("(follower_id = ? AND followee_id = ?) OR (follower_id = ? AND followee_id = ?)", blocker, blocked, blocked, blocker).
			Exec(ctx); err != nil {
			return fmt.Errorf("store: block: follows: %w", err)
		}
		return nil
	})
}

// UnblockUser ends a block; one that does not exist changes nothing.
func UnblockUser(ctx context.Context, db bun.IDB, blocker, blocked int64) error {
	if _, err := db.NewDelete().Model((*model.Block)(nil)).
		Where("blocker_id = ? AND blocked_id = ?", blocker, blocked).Exec(ctx); err != nil {
		return fmt.Errorf("store: unblock: %w", err)
	}
	return nil
}

// HasBlocked reports whether blocker blocked blocked.
func HasBlocked(ctx context.Context, db bun.IDB, blocker, blocked int64) (bool, error) {
	ok, err := db.NewSelect().Model((*model.Block)(nil)).
		Where("blocker_id = ? AND blocked_id = ?", blocker, blocked).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: has blocked: %w", err)
	}
	return ok, nil
}

// BlockedPerson is one account on a person's blocked list.
type BlockedPerson struct {
	User      model.User
	BlockedAt time.Time
}

// BlockedList returns the accounts blocker blocked, most recent first.
func BlockedList(ctx context.Context, db bun.IDB, blocker int64, limit int) ([]BlockedPerson, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var bs []model.Block
	if err := db.NewSelect().Model(&bs).Where("blocker_id = ?", blocker).
		Order("created_at DESC", "blocked_id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: blocked list: %w", err)
	}
	out := make([]BlockedPerson, 0, len(bs))
	if len(bs) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(bs))
	for _, b := range bs {
		ids = append(ids, b.BlockedID)
	}
	var us []model.User
	if err := db.NewSelect().Model(&us).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: blocked list: users: %w", err)
	}
	byID := make(map[int64]model.User, len(us))
	for _, u := range us {
		byID[u.ID] = u
	}
	for _, b := range bs {
		if u, ok := byID[b.BlockedID]; ok {
			out = append(out, BlockedPerson{User: u, BlockedAt: b.CreatedAt})
		}
	}
	return out, nil
}
