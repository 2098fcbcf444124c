package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// setting is one row of the settings table.
type setting struct {
	bun.BaseModel `bun:"table:settings"`
	Key           string    `bun:"key,pk"`
	Value         string    `bun:"value,notnull"`
	UpdatedAt     time.Time `bun:"updated_at,notnull"`
}

// Setting returns a site setting, or def when it was never set.
func Setting(ctx context.Context, db bun.IDB, key, def string) (string, error) {
	var s setting
	err := db.NewSelect().Model(&s).Where("key = ?", key).Scan(ctx)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return def, nil
		}
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return s.Value, nil
}

// SetSetting stores a site setting.
func SetSetting(ctx context.Context, db bun.IDB, key, value string) error {
	s := &setting{Key: key, Value: value, UpdatedAt: now()}
	if _, err := db.NewInsert().Model(s).On("CONFLICT (key) DO UPDATE").
		Set("value = EXCLUDED.value").Set("updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}

// SetSettingOnce stores a setting only when it is not set yet, and returns the
// value now stored (its own, or the one another instance stored first).
func SetSettingOnce(ctx context.Context, db bun.IDB, key, value string) (string, error) {
	s := &setting{Key: key, Value: value, UpdatedAt: now()}
	if _, err := db.NewInsert().Model(s).On("CONFLICT (key) DO NOTHING").Exec(ctx); err != nil {
		return "", fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return Setting(ctx, db, key, value)
}

// DeleteSetting removes a setting.
func DeleteSetting(ctx context.Context, db bun.IDB, key string) error {
	if _, err := db.NewDelete().Model((*setting)(nil)).Where("key = ?", key).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete setting %s: %w", key, err)
	}
	return nil
}
