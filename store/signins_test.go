package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestDeleteSessions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada"), newUser(t, db, "bob")
		mk := func(hash string, u *model.User) *model.SignIn {
			s := &model.SignIn{TokenHash: hash, UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour), IP: "10.0.0.1", UserAgent: "test"}
			if err := store.CreateSignIn(ctx, db, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		a1, a2 := mk("a1", ada), mk("a2", ada)
		mk("a3", ada)
		mk("b1", bob)
		s, u, err := store.SignInByTokenHash(ctx, db, "a1")
		if err != nil || s.ID != a1.ID || u.ID != ada.ID || s.IP != "10.0.0.1" || s.UserAgent != "test" || !s.LastSeenAt.Equal(s.CreatedAt) {
			t.Fatalf("session a1 = %+v, %+v, %v", s, u, err)
		}
		if err := store.DeleteSignIn(ctx, db, "a1"); err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteSignIn(ctx, db, "a1"); err != nil {
			t.Errorf("deleting a gone session: %v", err)
		}
		// Sign out everywhere else: a2 stays.
		if err := store.DeleteUserSignIns(ctx, db, ada.ID, a2.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			hash string
			live bool
		}{{"a1", false}, {"a2", true}, {"a3", false}, {"b1", true}} {
			_, _, err := store.SignInByTokenHash(ctx, db, tc.hash)
			if live := err == nil; live != tc.live || (!live && !errors.Is(err, model.ErrNotFound)) {
				t.Errorf("session %s: err = %v; want live %v", tc.hash, err, tc.live)
			}
		}
		if err := store.DeleteUserSignIns(ctx, db, ada.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.SignInByTokenHash(ctx, db, "a2"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a2 after signing out everywhere: err = %v", err)
		}
		if _, _, err := store.SignInByTokenHash(ctx, db, "b1"); err != nil {
			t.Errorf("bob's session went with ada's: %v", err)
		}
	})
}

func TestSessionOfDeletedUserIsGone(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		u := newUser(t, db, "gone")
		if err := store.CreateSignIn(ctx, db, &model.SignIn{TokenHash: "h", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.NewDelete().Model((*model.User)(nil)).Where("id = ?", u.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.SignInByTokenHash(ctx, db, "h"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("session of a deleted user: err = %v; want ErrNotFound", err)
		}
	})
}
