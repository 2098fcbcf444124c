package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// RecordLoginAttempt stores one sign-in try.
func RecordLoginAttempt(ctx context.Context, db bun.IDB, email, ip string, ok bool) error {
	a := &model.LoginAttempt{Email: NormalizeEmail(email), IP: ip, Succeeded: ok, CreatedAt: now()}
	if _, err := db.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("store: record login attempt: %w", err)
	}
	return nil
}

// FailedLogins counts failed tries since the last success, within window,
// for an email (column "email") or an address (column "ip"), and returns the
// time of the oldest one counted.
func FailedLogins(ctx context.Context, db bun.IDB, column, value string, window time.Duration) (int, time.Time, error) {
	if column != "email" && column != "ip" {
		return 0, time.Time{}, fmt.Errorf("store: failed logins: unknown column %q", column)
	}
	since := now().Add(-window)
	var last model.LoginAttempt
	err := db.NewSelect().Model(&last).Where("? = ?", bun.Ident(column), value).Where("succeeded = ?", true).
		Where("created_at >= ?", since).Order("created_at DESC").Limit(1).Scan(ctx)
	if err == nil {
		since = last.CreatedAt
	}
	var fails []model.LoginAttempt
	if err := db.NewSelect().Model(&fails).Where("? = ?", bun.Ident(column), value).Where("succeeded = ?", false).
		Where("created_at > ?", since).Order("created_at ASC").Scan(ctx); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: failed logins: %w", err)
	}
	if len(fails) == 0 {
		return 0, time.Time{}, nil
	}
	return len(fails), fails[0].CreatedAt, nil
}

// DeleteOldLoginAttempts removes attempts older than window.
func DeleteOldLoginAttempts(ctx context.Context, db bun.IDB, window time.Duration) error {
	if _, err := db.NewDelete().Model((*model.LoginAttempt)(nil)).Where("created_at < ?", now().Add(-window)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete old login attempts: %w", err)
	}
	return nil
}
