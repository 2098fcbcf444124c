package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// DeleteOldLoginAttempts removes attempts older than window.
func DeleteOldLoginAttempts(ctx context.Context, db bun.IDB, window time.Duration) error {
	if _, err := db.NewDelete().Model((*model.LoginAttempt)(nil)).Where("created_at < ?", now().Add(-window)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete old login attempts: %w", err)
	}
	return nil
}
