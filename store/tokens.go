package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// CreateAPIToken inserts t and fills in its id.
func CreateAPIToken(ctx context.Context, db bun.IDB, t *model.APIToken) error {
	t.CreatedAt = now()
	if _, err := db.NewInsert().Model(t).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create api token: %w", err)
	}
	return nil
}

// APITokenByHash loads a token that has not been revoked, with its user.
func APITokenByHash(ctx context.Context, db bun.IDB, hash string) (*model.APIToken, *model.User, error) {
	t := new(model.APIToken)
	if err := db.NewSelect().Model(t).Where("token_hash = ?", hash).Where("revoked_at IS NULL").Scan(ctx); err != nil {
		return nil, nil, notFound("api token", err)
	}
	u, err := UserByID(ctx, db, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	return t, u, nil
}

// TouchAPIToken records that a token was used.
func TouchAPIToken(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	if _, err := db.NewUpdate().Model((*model.APIToken)(nil)).Set("last_used_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("store: touch api token: %w", err)
	}
	return nil
}

// ListAPITokens lists a user's tokens, newest first, revoked ones included.
func ListAPITokens(ctx context.Context, db bun.IDB, userID int64) ([]model.APIToken, error) {
	var ts []model.APIToken
	if err := db.NewSelect().Model(&ts).Where("user_id = ?", userID).Order("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	return ts, nil
}

// RevokeAPIToken revokes one of a user's tokens.
func RevokeAPIToken(ctx context.Context, db bun.IDB, userID, id int64) error {
	res, err := db.NewUpdate().Model((*model.APIToken)(nil)).Set("revoked_at = ?", now()).
		Where("id = ?", id).Where("user_id = ?", userID).Where("revoked_at IS NULL").Exec(ctx)
	if err := affected("revoke api token", res, err); err != nil {
		return err
	}
	return BumpAccess(ctx, db)
}
