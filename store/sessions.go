package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// affected turns an update that touched no row into model.ErrNotFound.
func affected(what string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
	}
	return nil
}

// CreateSession inserts s and fills in its id.
func CreateSession(ctx context.Context, db bun.IDB, s *model.Session) error {
	s.CreatedAt = now()
	s.LastSeenAt = s.CreatedAt
	if _, err := db.NewInsert().Model(s).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByTokenHash loads a session with its user.
func SessionByTokenHash(ctx context.Context, db bun.IDB, hash string) (*model.Session, *model.User, error) {
	s := new(model.Session)
	if err := db.NewSelect().Model(s).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, nil, notFound("session", err)
	}
	u, err := UserByID(ctx, db, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	return s, u, nil
}

// TouchSession records activity on a session.
func TouchSession(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	_, err := db.NewUpdate().Model((*model.Session)(nil)).Set("last_seen_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session by token hash.
func DeleteSession(ctx context.Context, db bun.IDB, hash string) error {
	if _, err := db.NewDelete().Model((*model.Session)(nil)).Where("token_hash = ?", hash).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except keepID (0 keeps none).
func DeleteUserSessions(ctx context.Context, db bun.IDB, userID, keepID int64) error {
	q := db.NewDelete().Model((*model.Session)(nil)).Where("user_id = ?", userID)
	if keepID != 0 {
		q = q.Where("id <> ?", keepID)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("store: delete user sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle
// longer than idle, and returns how many.
func DeleteExpiredSessions(ctx context.Context, db bun.IDB, idle time.Duration) (int64, error) {
	t := now()
	res, err := db.NewDelete().Model((*model.Session)(nil)).
		WhereOr("expires_at < ?", t).WhereOr("last_seen_at < ?", t.Add(-idle)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
