package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ada@example.org":       "ada@example.org",
		"  Ada@Example.ORG\t":   "ada@example.org",
		"":                      "",
		"ÉLODIE@EXAMPLE.ORG":    "élodie@example.org",
		" mixed.Case+Tag@X.io ": "mixed.case+tag@x.io",
	} {
		if got := store.NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		u := &model.User{Email: "reset@example.org", DisplayName: "R", PasswordHash: "old", MustResetPassword: true}
		if err := store.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.UserByID(ctx, db, u.ID); !got.MustResetPassword {
			t.Fatal("must reset not stored")
		}
		if err := store.SetPassword(ctx, db, u.ID, "new"); err != nil {
			t.Fatal(err)
		}
		got, err := store.UserByID(ctx, db, u.ID)
		if err != nil || got.PasswordHash != "new" || got.MustResetPassword || got.UpdatedAt.Before(u.UpdatedAt) {
			t.Errorf("after set password = %+v, %v", got, err)
		}
		if err := store.SetPassword(ctx, db, u.ID+100, "x"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("set password of a missing user: err = %v", err)
		}
		if err := store.SetDisabled(ctx, db, u.ID+100, true); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("disable a missing user: err = %v", err)
		}
	})
}

func TestListUsersPages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		var all []int64
		for i := range 7 {
			name := fmt.Sprintf("user%d", i)
			if i%2 == 1 {
				name = fmt.Sprintf("Odd%d", i)
			}
			all = append(all, newUser(t, db, name).ID)
		}
		if n, err := store.CountUsers(ctx, db); err != nil || n != 7 {
			t.Fatalf("count = %d, %v", n, err)
		}
		odd := []int64{all[1], all[3], all[5]}
		for _, tc := range []struct {
			name  string
			f     store.UserFilter
			want  []int64
			total int
		}{
			{"first page", store.UserFilter{Limit: 3}, all[:3], 7},
			{"second page", store.UserFilter{Limit: 3, Offset: 3}, all[3:6], 7},
			{"last page", store.UserFilter{Limit: 3, Offset: 6}, all[6:], 7},
			{"past the end", store.UserFilter{Limit: 3, Offset: 9}, nil, 7},
			{"default limit", store.UserFilter{}, all, 7},
			{"limit out of range", store.UserFilter{Limit: 10000}, all, 7},
			{"query counts every match", store.UserFilter{Query: "ODD", Limit: 2}, odd[:2], 3},
			{"query second page", store.UserFilter{Query: "odd", Limit: 2, Offset: 2}, odd[2:], 3},
			{"query by display name", store.UserFilter{Query: " odd3 "}, []int64{all[3]}, 1},
		} {
			us, n, err := store.ListUsers(ctx, db, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, u := range us {
				got = append(got, u.ID)
			}
			if !slices.Equal(got, tc.want) || n != tc.total {
				t.Errorf("%s: ids %v total %d; want %v total %d", tc.name, got, n, tc.want, tc.total)
			}
		}
	})
}

func TestRequirePasswordReset(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		u := newUser(t, db, "ada")
		if err := store.RequirePasswordReset(ctx, db, u.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.UserByID(ctx, db, u.ID); !got.MustResetPassword {
			t.Error("must_reset_password not set")
		}
		if err := store.SetPassword(ctx, db, u.ID, "new"); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.UserByID(ctx, db, u.ID); got.MustResetPassword {
			t.Error("a new password did not clear the reset")
		}
		if err := store.RequirePasswordReset(ctx, db, u.ID+1000); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}
