package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
)

// NormalizeEmail is the form in which emails are stored and compared.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser inserts u (email normalised, times set) and fills in its id. A
// taken email is model.ErrConflict. A user without a handle gets "user<id>"
// and one without a direct-message policy gets "everyone".
func CreateUser(ctx context.Context, db bun.IDB, u *model.User) error {
	u.Email = NormalizeEmail(u.Email)
	u.CreatedAt = now()
	u.UpdatedAt = u.CreatedAt
	if u.DMPolicy == "" {
		u.DMPolicy = model.DMPolicyEveryone
	}
	if _, err := db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
		if isUnique(err) && u.Handle != "" && strings.Contains(err.Error(), "handle") {
			return fmt.Errorf("store: create user: handle %q: %w", u.Handle, model.ErrHandleTaken)
		}
		if isUnique(err) {
			return fmt.Errorf("store: create user: email %q: %w", u.Email, model.ErrConflict)
		}
		return fmt.Errorf("store: create user: %w", err)
	}
	if u.Handle == "" {
		u.Handle = fmt.Sprintf("user%d", u.ID)
		if _, err := db.NewUpdate().Model(u).Column("handle").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("store: create user: default handle: %w", err)
		}
	}
	return nil
}

// UserByID loads one user.
func UserByID(ctx context.Context, db bun.IDB, id int64) (*model.User, error) {
	u := new(model.User)
	if err := db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, notFound("user by id", err)
	}
	return u, nil
}

// UserByEmail loads one user by email, in any case.
func UserByEmail(ctx context.Context, db bun.IDB, email string) (*model.User, error) {
	u := new(model.User)
	if err := db.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx); err != nil {
		return nil, notFound("user by email", err)
	}
	return u, nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Query  string // part of the email or display name
	Limit  int
	Offset int
}

// ListUsers returns users ordered by id, with the total matching.
func ListUsers(ctx context.Context, db bun.IDB, f UserFilter) ([]model.User, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var users []model.User
	q := db.NewSelect().Model(&users).Order("id ASC").Limit(f.Limit).Offset(f.Offset)
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		q = q.Where("(LOWER(email) LIKE ? ESCAPE '\\' OR LOWER(display_name) LIKE ? ESCAPE '\\')", like, like)
	}
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list users: %w", err)
	}
	return users, n, nil
}

// CountUsers returns how many accounts exist.
func CountUsers(ctx context.Context, db bun.IDB) (int, error) {
	n, err := db.NewSelect().Model((*model.User)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// SetPassword stores a new password hash and clears any forced reset.
func SetPassword(ctx context.Context, db bun.IDB, userID int64, hash string) error {
	res, err := db.NewUpdate().Model((*model.User)(nil)).
		Set("password_hash = ?", hash).Set("must_reset_password = ?", false).Set("updated_at = ?", now()).
		Where("id = ?", userID).Exec(ctx)
	return affected("set password", res, err)
}

// SetDisabled disables (true) or enables (false) an account.
func SetDisabled(ctx context.Context, db bun.IDB, userID int64, disabled bool) error {
	q := db.NewUpdate().Model((*model.User)(nil)).Set("updated_at = ?", now()).Where("id = ?", userID)
	if disabled {
		q = q.Set("disabled_at = ?", now())
	} else {
		q = q.Set("disabled_at = NULL")
	}
	res, err := q.Exec(ctx)
	if err := affected("set disabled", res, err); err != nil {
		return err
	}
	return BumpAccess(ctx, db)
}

// escapeLike escapes LIKE's wildcards so user input matches literally.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// RequirePasswordReset makes the user choose a new password at next sign-in.
func RequirePasswordReset(ctx context.Context, db bun.IDB, userID int64) error {
	res, err := db.NewUpdate().Model((*model.User)(nil)).Set("must_reset_password = ?", true).
		Set("updated_at = ?", now()).Where("id = ?", userID).Exec(ctx)
	if err := affected("require password reset", res, err); err != nil {
		return err
	}
	return BumpAccess(ctx, db)
}

// DisplayNames returns the display names of the users with ids (each name
// once; unknown ids are left out).
func DisplayNames(ctx context.Context, db bun.IDB, ids []int64) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var names []string
	if err := db.NewSelect().Model((*model.User)(nil)).Distinct().Column("display_name").
		Where("id IN (?)", bun.In(ids)).Scan(ctx, &names); err != nil {
		return nil, fmt.Errorf("store: display names: %w", err)
	}
	return names, nil
}
