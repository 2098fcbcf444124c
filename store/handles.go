package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// Handles and profiles: /u/{handle}, the bio and who may message a person.

// UserByHandle loads one user by handle (stored lowercase).
func UserByHandle(ctx context.Context, db bun.IDB, handle string) (*model.User, error) {
	u := new(model.User)
	if handle == "" {
		return nil, fmt.Errorf("store: user by handle: %w", model.ErrNotFound)
	}
	if err := db.NewSelect().Model(u).Where("handle = ?", handle).Scan(ctx); err != nil {
		return nil, notFound("user by handle", err)
	}
	return u, nil
}

// HandlesLike returns the handles that begin with prefix, for picking a free
// one.
func HandlesLike(ctx context.Context, db bun.IDB, prefix string) ([]string, error) {
	var out []string
	if err := db.NewSelect().Model((*model.User)(nil)).Column("handle").
		Where("handle LIKE ? ESCAPE '\\'", escapeLike(prefix)+"%").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: handles like: %w", err)
	}
	return out, nil
}

// Profile is the part of an account its owner edits about themselves.
type Profile struct {
	Handle   string
	Bio      string
	DMPolicy model.DMPolicy
}

// SetProfile stores a user's handle, bio and direct-message policy. A new
// handle is carried onto the user's channel messages (the link from their
// name) in the same transaction. A handle another account holds is
// model.ErrHandleTaken.
func SetProfile(ctx context.Context, db bun.IDB, userID int64, p Profile) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*model.User)(nil)).
			Set("handle = ?", p.Handle).Set("bio = ?", p.Bio).Set("dm_policy = ?", p.DMPolicy).
			Set("updated_at = ?", now()).Where("id = ?", userID).Exec(ctx)
		if isUnique(err) {
			return fmt.Errorf("store: set profile: handle %q: %w", p.Handle, model.ErrHandleTaken)
		}
		if err := affected("set profile", res, err); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*model.Message)(nil)).Set("author_handle = ?", p.Handle).
			Where("author_user_id = ?", userID).Where("author_handle <> ?", p.Handle).Exec(ctx); err != nil {
			return fmt.Errorf("store: set profile: messages: %w", err)
		}
		return nil
	})
}

// PeopleQuery narrows FindPeople.
type PeopleQuery struct {
	Viewer int64  // left out, with everyone blocked by or blocking them
	Text   string // the beginning of a handle or of a word of the name
	Limit  int
}

// FindPeople returns enabled accounts whose handle, or a word of whose
// display name, begins with q.Text: exact handles first, then by name.
func FindPeople(ctx context.Context, db bun.IDB, q PeopleQuery) ([]model.User, error) {
	text := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q.Text), "@")))
	out := []model.User{}
	if text == "" {
		return out, nil
	}
	if r := []rune(text); len(r) > 64 {
		text = string(r[:64])
	}
	if q.Limit <= 0 || q.Limit > 50 {
		q.Limit = 10
	}
	like := escapeLike(text) + "%"
	err := db.NewSelect().Model(&out).
		Where("?TableAlias.id <> ?", q.Viewer).Where("?TableAlias.disabled_at IS NULL").
		Where("(handle LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\')",
			like, like, "% "+like).
		Where("NOT EXISTS (SELECT 1 FROM blocks AS b WHERE (b.blocker_id = ? AND b.blocked_id = ?TableAlias.id) OR (b.blocker_id = ?TableAlias.id AND b.blocked_id = ?))",
			q.Viewer, q.Viewer).
		OrderExpr("CASE WHEN handle = ? THEN 0 ELSE 1 END", text).
		OrderExpr("LOWER(display_name) ASC, ?TableAlias.id ASC").
		Limit(q.Limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: find people: %w", err)
	}
	return out, nil
}
