package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// RenameAttachment sets the display name of an attachment (the filters
// starred out part of it).
func RenameAttachment(ctx context.Context, db bun.IDB, id int64, name string) error {
	if _, err := db.NewUpdate().Model((*attachmentRow)(nil)).Set("name = ?", name).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("store: rename attachment %d: %w", id, err)
	}
	return nil
}

// moderatorSettingsRow is one moderator's own settings.
type moderatorSettingsRow struct {
	bun.BaseModel `bun:"table:moderator_settings"`
	UserID        int64     `bun:"user_id,pk"`
	WallBlur      bool      `bun:"wall_blur,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

// WallBlur reports whether userID's wall blurs images (on until they turn it
// off).
func WallBlur(ctx context.Context, db bun.IDB, userID int64) (bool, error) {
	var blur []bool
	if err := db.NewSelect().Model((*moderatorSettingsRow)(nil)).Column("wall_blur").
		Where("user_id = ?", userID).Scan(ctx, &blur); err != nil {
		return false, fmt.Errorf("store: wall blur of %d: %w", userID, err)
	}
	if len(blur) == 0 {
		return true, nil
	}
	return blur[0], nil
}

// SetWallBlur stores whether userID's wall blurs images.
func SetWallBlur(ctx context.Context, db bun.IDB, userID int64, blur bool) error {
	row := &moderatorSettingsRow{UserID: userID, WallBlur: blur, UpdatedAt: now()}
	if _, err := db.NewInsert().Model(row).On("CONFLICT (user_id) DO UPDATE").
		Set("wall_blur = EXCLUDED.wall_blur").Set("updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("store: set wall blur of %d: %w", userID, err)
	}
	return nil
}
