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

// signIns is the table of sign-in sessions: model.SignIn keeps the table's
// first name, "sessions", from before class sessions existed.
const signIns = `"sessions" AS "sign_in"`

// CreateSignIn inserts s and fills in its id.
func CreateSignIn(ctx context.Context, db bun.IDB, s *model.SignIn) error {
	s.CreatedAt = now()
	s.LastSeenAt = s.CreatedAt
	if _, err := db.NewInsert().Model(s).ModelTableExpr(`"sessions"`).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SignInByTokenHash loads a session with its user.
func SignInByTokenHash(ctx context.Context, db bun.IDB, hash string) (*model.SignIn, *model.User, error) {
	s := new(model.SignIn)
	if err := db.NewSelect().Model(s).ModelTableExpr(signIns).Where("token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, nil, notFound("session", err)
	}
	u, err := UserByID(ctx, db, s.UserID)
	if err != nil {
		return nil, nil, err
	}
	return s, u, nil
}

// TouchSignIn records activity on a session.
func TouchSignIn(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	_, err := db.NewUpdate().Model((*model.SignIn)(nil)).ModelTableExpr(signIns).Set("last_seen_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSignIn ends one session by token hash.
func DeleteSignIn(ctx context.Context, db bun.IDB, hash string) error {
	res, err := db.NewDelete().Model((*model.SignIn)(nil)).ModelTableExpr(signIns).Where("token_hash = ?", hash).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return bumpAccessIf(ctx, db, res)
}

// DeleteUserSignIns ends every session of a user except keepID (0 keeps none).
func DeleteUserSignIns(ctx context.Context, db bun.IDB, userID, keepID int64) error {
	q := db.NewDelete().Model((*model.SignIn)(nil)).ModelTableExpr(signIns).Where("user_id = ?", userID)
	if keepID != 0 {
		q = q.Where("id <> ?", keepID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: delete user sessions: %w", err)
	}
	return bumpAccessIf(ctx, db, res)
}

// DeleteExpiredSignIns removes sessions past their absolute expiry or idle
// longer than idle, and returns how many.
func DeleteExpiredSignIns(ctx context.Context, db bun.IDB, idle time.Duration) (int64, error) {
	t := now()
	res, err := db.NewDelete().Model((*model.SignIn)(nil)).ModelTableExpr(signIns).
		WhereOr("expires_at < ?", t).WhereOr("last_seen_at < ?", t.Add(-idle)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if err := BumpAccess(ctx, db); err != nil {
			return n, err
		}
	}
	return n, nil
}
