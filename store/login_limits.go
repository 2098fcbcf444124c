package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"backchannel/model"
)

// LockLogins runs fn in one transaction that holds the sign-in lock of every
// key (an account, an address): counting the recent attempts and recording a
// new one happen as one step, so parallel tries cannot all pass a check
// before any of them is counted. PostgreSQL takes a transaction-scoped
// advisory lock per key (in sorted order, so two callers never deadlock);
// SQLite's transactions begin IMMEDIATE (see Open) and so already exclude
// every other writer.
func LockLogins(ctx context.Context, db *bun.DB, keys []string, fn func(ctx context.Context, tx bun.Tx) error) error {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.Dialect().Name() == dialect.PG {
			for _, k := range keys {
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "login:"+k); err != nil {
					return fmt.Errorf("store: lock logins: %w", err)
				}
			}
		}
		return fn(ctx, tx)
	})
}

// RecentLogins returns the sign-in attempts after since for an email or from
// an address, oldest first: everything the sign-in limits of one attempt
// look at, in one query. An attempt still being checked counts as failed.
func RecentLogins(ctx context.Context, db bun.IDB, email, ip string, since time.Time) ([]model.LoginAttempt, error) {
	var as []model.LoginAttempt
	if err := db.NewSelect().Model(&as).Where("created_at > ?", since.UTC()).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("email = ?", NormalizeEmail(email)).WhereOr("ip = ?", ip)
		}).Order("created_at ASC", "id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: recent logins: %w", err)
	}
	return as, nil
}

// AddLoginAttempt records an attempt at a time (failed until
// MarkLoginSucceeded says otherwise) and fills in its id.
func AddLoginAttempt(ctx context.Context, db bun.IDB, a *model.LoginAttempt) error {
	a.Email = NormalizeEmail(a.Email)
	a.CreatedAt = a.CreatedAt.UTC()
	if _, err := db.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: add login attempt: %w", err)
	}
	return nil
}

// MarkLoginSucceeded records that an attempt's password was right.
func MarkLoginSucceeded(ctx context.Context, db bun.IDB, id int64) error {
	res, err := db.NewUpdate().Model((*model.LoginAttempt)(nil)).Set("succeeded = ?", true).Where("id = ?", id).Exec(ctx)
	return affected("mark login succeeded", res, err)
}

// CreateSignInDevice inserts d and fills in its id.
func CreateSignInDevice(ctx context.Context, db bun.IDB, d *model.SignInDevice) error {
	if _, err := db.NewInsert().Model(d).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create sign-in device: %w", err)
	}
	return nil
}

// SignInDeviceByHash loads a user's device by the hash of its cookie.
func SignInDeviceByHash(ctx context.Context, db bun.IDB, userID int64, hash string) (*model.SignInDevice, error) {
	d := new(model.SignInDevice)
	if err := db.NewSelect().Model(d).Where("token_hash = ?", hash).Where("user_id = ?", userID).Scan(ctx); err != nil {
		return nil, notFound("sign-in device", err)
	}
	return d, nil
}

// TouchSignInDevice records a successful sign-in from a device.
func TouchSignInDevice(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	res, err := db.NewUpdate().Model((*model.SignInDevice)(nil)).Set("last_used_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx)
	return affected("touch sign-in device", res, err)
}

// DeleteSignInDevices forgets every device of a user.
func DeleteSignInDevices(ctx context.Context, db bun.IDB, userID int64) error {
	if _, err := db.NewDelete().Model((*model.SignInDevice)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete sign-in devices: %w", err)
	}
	return nil
}

// DeleteOldSignInDevices forgets devices unused since before.
func DeleteOldSignInDevices(ctx context.Context, db bun.IDB, before time.Time) error {
	if _, err := db.NewDelete().Model((*model.SignInDevice)(nil)).Where("last_used_at < ?", before.UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete old sign-in devices: %w", err)
	}
	return nil
}
