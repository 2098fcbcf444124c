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

func TestMigrationsUpDownStatus(t *testing.T) {
	t.Parallel()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, d.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			m := store.NewMigrator(db)
			if n, err := m.Pending(ctx); err != nil || n == 0 {
				t.Fatalf("pending before up = %d, %v; want > 0", n, err)
			}
			applied, err := m.Up(ctx)
			if err != nil || len(applied) == 0 {
				t.Fatalf("up = %v, %v", applied, err)
			}
			if again, err := m.Up(ctx); err != nil || len(again) != 0 {
				t.Fatalf("second up = %v, %v; want nothing to do", again, err)
			}
			if n, _ := m.Pending(ctx); n != 0 {
				t.Fatalf("pending after up = %d", n)
			}
			if _, err := m.Down(ctx); err != nil {
				t.Fatalf("down: %v", err)
			}
			if _, err := store.CountUsers(ctx, db); err == nil {
				t.Fatal("users table still there after down")
			}
			if _, err := m.Up(ctx); err != nil {
				t.Fatalf("up after down: %v", err)
			}
			if n, err := store.CountUsers(ctx, db); err != nil || n != 0 {
				t.Fatalf("count users = %d, %v", n, err)
			}
		})
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		u := &model.User{Email: "  Ada@Example.org ", DisplayName: "Ada", PasswordHash: "h"}
		if err := store.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Email != "ada@example.org" {
			t.Fatalf("created %+v", u)
		}
		dup := &model.User{Email: "ADA@example.org", DisplayName: "Other", PasswordHash: "h"}
		if err := store.CreateUser(ctx, db, dup); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate email: err = %v, want ErrConflict", err)
		}
		got, err := store.UserByEmail(ctx, db, "ADA@EXAMPLE.ORG")
		if err != nil || got.ID != u.ID || !got.CreatedAt.Equal(u.CreatedAt) {
			t.Fatalf("by email = %+v, %v", got, err)
		}
		if _, err := store.UserByID(ctx, db, 999); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("missing user: err = %v", err)
		}
		if err := store.SetDisabled(ctx, db, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.UserByID(ctx, db, u.ID); !got.Disabled() {
			t.Fatal("not disabled")
		}
		if err := store.SetDisabled(ctx, db, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.UserByID(ctx, db, u.ID); got.Disabled() {
			t.Fatal("still disabled")
		}
		for _, e := range []string{"b_1@example.org", "b%2@example.org", "carol@example.org"} {
			if err := store.CreateUser(ctx, db, &model.User{Email: e, DisplayName: e, PasswordHash: "h"}); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int{"": 4, "b_": 1, "b%": 1, "EXAMPLE": 4, "ada": 1, "'; drop table users; --": 0} {
			us, n, err := store.ListUsers(ctx, db, store.UserFilter{Query: q})
			if err != nil || n != want || len(us) != want {
				t.Errorf("list %q = %d (%d rows), %v; want %d", q, n, len(us), err, want)
			}
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		u := &model.User{Email: "s@example.org", DisplayName: "S", PasswordHash: "h"}
		if err := store.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		live := &model.SignIn{TokenHash: "live", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
		old := &model.SignIn{TokenHash: "old", UserID: u.ID, ExpiresAt: time.Now().Add(-time.Second)}
		for _, s := range []*model.SignIn{live, old} {
			if err := store.CreateSignIn(ctx, db, s); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := store.DeleteExpiredSignIns(ctx, db, time.Hour); err != nil || n != 1 {
			t.Fatalf("expired = %d, %v; want 1", n, err)
		}
		if _, got, err := store.SignInByTokenHash(ctx, db, "live"); err != nil || got.ID != u.ID {
			t.Fatalf("live session: %v", err)
		}
		if _, _, err := store.SignInByTokenHash(ctx, db, "old"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("old session: err = %v", err)
		}
		if err := store.TouchSignIn(ctx, db, live.ID, time.Now().Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := store.DeleteExpiredSignIns(ctx, db, time.Hour); n != 1 {
			t.Fatalf("idle session not removed")
		}
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if v, err := store.Setting(ctx, db, "k", "def"); err != nil || v != "def" {
			t.Fatalf("unset = %q, %v", v, err)
		}
		if v, err := store.SetSettingOnce(ctx, db, "k", "first"); err != nil || v != "first" {
			t.Fatalf("once = %q, %v", v, err)
		}
		if v, _ := store.SetSettingOnce(ctx, db, "k", "second"); v != "first" {
			t.Fatalf("second once = %q, want first", v)
		}
		if err := store.SetSetting(ctx, db, "k", "third"); err != nil {
			t.Fatal(err)
		}
		if v, _ := store.Setting(ctx, db, "k", ""); v != "third" {
			t.Fatalf("after set = %q", v)
		}
	})
}

func TestChannelsAndSessions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := &model.Channel{Slug: "physics-101", Title: "Physics 101"}
		if err := store.CreateChannel(ctx, db, c); err != nil {
			t.Fatal(err)
		}
		if err := store.CreateChannel(ctx, db, &model.Channel{Slug: "physics-101", Title: "x"}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("duplicate slug: %v", err)
		}
		if _, err := store.LiveChannelSession(ctx, db, c.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("live before start: %v", err)
		}
		s1 := &model.ChannelSession{ChannelID: c.ID, Title: "Week 1"}
		s2 := &model.ChannelSession{ChannelID: c.ID, Title: "Week 2"}
		for _, s := range []*model.ChannelSession{s1, s2} {
			if err := store.StartChannelSession(ctx, db, s); err != nil {
				t.Fatal(err)
			}
		}
		live, err := store.LiveChannelSession(ctx, db, c.ID)
		if err != nil || live.ID != s2.ID {
			t.Fatalf("live = %+v, %v; want week 2", live, err)
		}
		if err := store.EndChannelSession(ctx, db, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.EndChannelSession(ctx, db, c.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("end twice: %v", err)
		}
		u := &model.User{Email: "m@example.org", DisplayName: "M", PasswordHash: "h"}
		if err := store.CreateUser(ctx, db, u); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := store.AddMember(ctx, db, c.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := store.IsMember(ctx, db, c.ID, u.ID); err != nil || !ok {
			t.Fatalf("member = %v, %v", ok, err)
		}
	})
}
