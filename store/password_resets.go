package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// ForcePasswordReset puts a user's account into reset: the password hash is
// replaced (so the old password no longer signs in), every session, device
// and earlier reset link of the user ends, and r becomes the one link that
// sets a new password. Run it in a transaction.
func ForcePasswordReset(ctx context.Context, db bun.IDB, r *model.PasswordReset, unusableHash string) error {
	res, err := db.NewUpdate().Model((*model.User)(nil)).Set("must_reset_password = ?", true).
		Set("password_hash = ?", unusableHash).Set("updated_at = ?", r.CreatedAt.UTC()).Where("id = ?", r.UserID).Exec(ctx)
	if err := affected("force password reset", res, err); err != nil {
		return err
	}
	if err := DeleteUserSignIns(ctx, db, r.UserID, 0); err != nil {
		return err
	}
	if err := DeleteSignInDevices(ctx, db, r.UserID); err != nil {
		return err
	}
	if _, err := db.NewDelete().Model((*model.PasswordReset)(nil)).Where("user_id = ?", r.UserID).Exec(ctx); err != nil {
		return fmt.Errorf("store: force password reset: %w", err)
	}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: force password reset: %w", err)
	}
	return nil
}

// UsablePasswordReset loads a reset link that is neither used nor expired at at.
func UsablePasswordReset(ctx context.Context, db bun.IDB, hash string, at time.Time) (*model.PasswordReset, error) {
	r := new(model.PasswordReset)
	if err := db.NewSelect().Model(r).Where("token_hash = ?", hash).Where("used_at IS NULL").
		Where("expires_at > ?", at.UTC()).Scan(ctx); err != nil {
		return nil, notFound("password reset", err)
	}
	return r, nil
}

// UsePasswordReset marks a reset link used; a second use (or an expired
// link) is model.ErrNotFound.
func UsePasswordReset(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	res, err := db.NewUpdate().Model((*model.PasswordReset)(nil)).Set("used_at = ?", at.UTC()).
		Where("id = ?", id).Where("used_at IS NULL").Where("expires_at > ?", at.UTC()).Exec(ctx)
	return affected("use password reset", res, err)
}
