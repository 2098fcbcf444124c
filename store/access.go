package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"
)

// AccessVersionSetting is the settings key whose value changes whenever a
// person's access may have narrowed outside the policy (whose own version
// is policies.VersionSetting): an account disabled, a session ended, an API
// token revoked, a sanction given or lifted, a member removed. Open event
// streams re-check their viewer when it (or the policy version) changes.
const AccessVersionSetting = "access_version"

// BumpAccess stores a new access version (see AccessVersionSetting).
func BumpAccess(ctx context.Context, db bun.IDB) error {
	return BumpVersion(ctx, db, AccessVersionSetting, now())
}

// AccessVersions returns the stored values of the given version settings
// joined in one text, which changes whenever any of them does: one query.
func AccessVersions(ctx context.Context, db bun.IDB, keys ...string) (string, error) {
	var rows []setting
	if err := db.NewSelect().Model(&rows).Where("key IN (?)", bun.In(keys)).OrderExpr("key").Scan(ctx); err != nil {
		return "", fmt.Errorf("store: access versions: %w", err)
	}
	out := ""
	for _, r := range rows {
		out += r.Key + "=" + r.Value + ";"
	}
	return out, nil
}

// bumpAccessIf bumps the access version when res changed any row.
func bumpAccessIf(ctx context.Context, db bun.IDB, res sql.Result) error {
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return nil
	}
	return BumpAccess(ctx, db)
}
