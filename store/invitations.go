package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// CreateInvitation inserts inv and fills in its id.
func CreateInvitation(ctx context.Context, db bun.IDB, inv *model.Invitation) error {
	inv.CreatedAt = now()
	inv.Email = NormalizeEmail(inv.Email)
	if _, err := db.NewInsert().Model(inv).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create invitation: %w", err)
	}
	return nil
}

// UsableInvitation loads an invitation that is neither used nor expired.
func UsableInvitation(ctx context.Context, db bun.IDB, hash string) (*model.Invitation, error) {
	inv := new(model.Invitation)
	if err := db.NewSelect().Model(inv).Where("token_hash = ?", hash).Where("used_at IS NULL").
		Where("expires_at > ?", now()).Scan(ctx); err != nil {
		return nil, notFound("invitation", err)
	}
	return inv, nil
}

// UseInvitation marks an invitation used; a second use is model.ErrConflict.
func UseInvitation(ctx context.Context, db bun.IDB, id int64) error {
	res, err := db.NewUpdate().Model((*model.Invitation)(nil)).Set("used_at = ?", now()).
		Where("id = ?", id).Where("used_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: use invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: use invitation: %w", model.ErrConflict)
	}
	return nil
}

// ListInvitations lists the newest invitations.
func ListInvitations(ctx context.Context, db bun.IDB, limit int) ([]model.Invitation, error) {
	var invs []model.Invitation
	if err := db.NewSelect().Model(&invs).Order("id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list invitations: %w", err)
	}
	return invs, nil
}

// SetInvitationUser records the account an invitation made.
func SetInvitationUser(ctx context.Context, db bun.IDB, id, userID int64) error {
	res, err := db.NewUpdate().Model((*model.Invitation)(nil)).Set("used_by = ?", userID).Where("id = ?", id).Exec(ctx)
	return affected("set invitation user", res, err)
}

// ReleaseInvitation makes a claimed invitation usable again (its sign-up failed).
func ReleaseInvitation(ctx context.Context, db bun.IDB, id int64) error {
	if _, err := db.NewUpdate().Model((*model.Invitation)(nil)).Set("used_at = NULL").Set("used_by = NULL").
		Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("store: release invitation: %w", err)
	}
	return nil
}
