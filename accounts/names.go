package accounts

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/wordfilter"
)

// reservedWords are kept out of the names people choose, as words (so
// "Ada Admin" too): they would pass a participant off as staff, or as the
// author of an anonymous post.
func reservedWords() []string {
	return []string{"anonymous", "admin", "administrator", "moderator", "host"}
}

// RoleHolders is what the staff-name check needs of the policy engine.
type RoleHolders interface {
	Holders(ctx context.Context, role model.Role, domain string) ([]int64, error)
}

// StaffNames lists the display names of the people who hold a staff role
// (admin, moderator or host) directly in one of domains (model.SiteWide
// or a channel's slug).
func StaffNames(ctx context.Context, db bun.IDB, roles RoleHolders, domains ...string) ([]string, error) {
	var ids []int64
	for _, d := range domains {
		for _, r := range []model.Role{model.RoleAdmin, model.RoleModerator, model.RoleHost} {
			hs, err := roles.Holders(ctx, r, d)
			if err != nil {
				return nil, fmt.Errorf("accounts: staff names: %w", err)
			}
			ids = append(ids, hs...)
		}
	}
	return store.DisplayNames(ctx, db, ids)
}

// CheckName refuses a display name that holds a reserved word or is a
// staff member's name (staff), compared as the word filters compare text:
// case, accents, look-alike letters and spacing do not tell names apart.
// field is the form field the error names.
func CheckName(field, name string, staff []string) error {
	words := reservedWords()
	rules := make([]wordfilter.Rule, 0, len(words)+len(staff))
	for _, w := range words {
		rules = append(rules, wordfilter.Rule{ID: int64(len(rules) + 1), Pattern: w, Kind: wordfilter.KindWord, Action: wordfilter.Block, Enabled: true})
	}
	for _, n := range staff {
		if strings.ContainsFunc(n, letterOrDigit) {
			rules = append(rules, wordfilter.Rule{ID: int64(len(rules) + 1), Pattern: n, Kind: wordfilter.KindPhrase, Action: wordfilter.Block, Enabled: true})
		}
	}
	m, err := wordfilter.Compile(rules)
	if err != nil {
		return fmt.Errorf("accounts: reserved names: %w", err)
	}
	for _, hit := range m.Check(name, wordfilter.Settings{}, nil).Rules {
		switch {
		case hit.RuleID <= int64(len(words)):
			return model.Invalid(field, fmt.Sprintf("Names with %q in them are kept for staff and anonymous posts. Choose another name.", hit.Text))
		case !strings.ContainsFunc(name[:hit.Start]+name[hit.End:], letterOrDigit):
			// The whole name, not a part of a longer one.
			return model.Invalid(field, "That is the name of a member of staff. Choose another name.")
		}
	}
	return nil
}

func letterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
