package policies_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"backchannel/testenv"
)

func TestGrantPersists(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		for _, g := range []policies.Grant{
			{model.RoleParticipant, "*"}, {model.RoleHost, "physics-101"}, {model.RoleModerator, "chemistry"},
			{model.RoleHost, "physics-101"}, // again: no error, no duplicate
		} {
			if err := a.Grant(ctx, 7, g.Role, g.Domain); err != nil {
				t.Fatalf("Grant(%v): %v", g, err)
			}
		}
		if err := a.Grant(ctx, 8, model.RoleHost, ""); err != nil { // "" is site-wide
			t.Fatal(err)
		}
		want := []policies.Grant{{model.RoleParticipant, "*"}, {model.RoleModerator, "chemistry"}, {model.RoleHost, "physics-101"}}

		b := newAuthorizer(t, db) // a second instance loads the grants from the database
		for name, x := range map[string]*policies.Authorizer{"a": a, "b": b} {
			got, err := x.Roles(ctx, 7)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s.Roles(7) = %v, want %v", name, got, want)
			}
			hosts, err := x.Holders(ctx, model.RoleHost, "physics-101")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hosts, []int64{7}) {
				t.Errorf("%s.Holders(host, physics-101) = %v, want [7]", name, hosts)
			}
			hosts, err = x.Holders(ctx, model.RoleHost, "")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hosts, []int64{8}) { // direct grants only: 7 is not host site-wide
				t.Errorf("%s.Holders(host, *) = %v, want [8]", name, hosts)
			}
		}

		if err := b.Revoke(ctx, 7, model.RoleHost, "physics-101"); err != nil {
			t.Fatal(err)
		}
		if err := b.Revoke(ctx, 7, model.RoleHost, "physics-101"); err != nil { // again: no error
			t.Fatal(err)
		}
		c := newAuthorizer(t, db)
		got, err := c.Roles(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if want := []policies.Grant{{model.RoleParticipant, "*"}, {model.RoleModerator, "chemistry"}}; !slices.Equal(got, want) {
			t.Errorf("Roles(7) after Revoke = %v, want %v", got, want)
		}
		if ok, _ := c.Can(ctx, 7, "physics-101", policies.ChannelManage); ok {
			t.Errorf("Can(ChannelManage) after Revoke = true")
		}

		if err := c.RevokeAll(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if got, err := newAuthorizer(t, db).Roles(ctx, 7); err != nil || len(got) != 0 {
			t.Errorf("Roles(7) after RevokeAll = %v, %v; want none", got, err)
		}
		if got, err := c.Roles(ctx, 8); err != nil || !slices.Equal(got, []policies.Grant{{model.RoleHost, "*"}}) {
			t.Errorf("Roles(8) after RevokeAll(7) = %v, %v", got, err)
		}
		if n := countRows(t, db, "p"); n != 24 {
			t.Errorf("%d p rules, want 24", n)
		}
	})
}

func TestRevokeKeepsOtherGrants(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		can := func(domain string, p policies.Permission) bool {
			t.Helper()
			ok, err := a.Can(ctx, 5, domain, p)
			must(err)
			return ok
		}
		must(a.Grant(ctx, 5, model.RoleHost, "*"))
		must(a.Grant(ctx, 5, model.RoleHost, "physics-101"))
		must(a.Revoke(ctx, 5, model.RoleHost, "*"))
		if !can("physics-101", policies.ChannelManage) || can("chemistry", policies.ChannelManage) || can("*", policies.ChannelCreate) {
			t.Errorf("after revoking site-wide host: channel grant lost or site-wide grant kept")
		}
		must(a.Grant(ctx, 5, model.RoleHost, "*"))
		must(a.Revoke(ctx, 5, model.RoleHost, "physics-101"))
		if !can("physics-101", policies.ChannelManage) || !can("chemistry", policies.ChannelManage) {
			t.Errorf("after revoking the channel grant: site-wide host no longer holds in channels")
		}
	})
}

func TestInvalid(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		tests := []struct {
			name string
			err  error
		}{
			{"grant unknown role", a.Grant(ctx, 1, "owner", "*")},
			{"grant empty role", a.Grant(ctx, 1, "", "*")},
			{"grant to user 0", a.Grant(ctx, 0, model.RoleAdmin, "*")},
			{"grant in pattern domain", a.Grant(ctx, 1, model.RoleAdmin, "phys*")},
			{"grant in (site)", a.Grant(ctx, 1, model.RoleAdmin, "(site)")},
			{"revoke unknown role", a.Revoke(ctx, 1, "owner", "*")},
			{"revoke all of user 0", a.RevokeAll(ctx, 0)},
		}
		for _, tt := range tests {
			if !errors.Is(tt.err, model.ErrInvalid) {
				t.Errorf("%s: error %v, want model.ErrInvalid", tt.name, tt.err)
			}
		}
		if _, err := a.Can(ctx, 1, "*", "nope:nope"); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("Can(unknown permission): error %v, want model.ErrInvalid", err)
		}
		if _, err := a.Holders(ctx, "owner", "*"); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("Holders(unknown role): error %v, want model.ErrInvalid", err)
		}
		if n := countRows(t, db, "g"); n != 4 {
			t.Errorf("%d g rules after invalid grants, want 4", n)
		}
	})
}

func TestExplain(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		for _, g := range []struct {
			user   int64
			role   model.Role
			domain string
		}{{1, model.RoleAdmin, "*"}, {2, model.RoleHost, "physics-101"}, {3, model.RoleModerator, "*"}} {
			if err := a.Grant(ctx, g.user, g.role, g.domain); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			user   int64
			domain string
			perm   policies.Permission
			ok     bool
			rule   []string
		}{
			{1, "physics-101", policies.AdminView, true, []string{"role:admin", "(site)", "admin", "view"}},
			{1, "*", policies.ChannelCreate, true, []string{"role:host", "(site)", "channel", "create"}},
			{2, "physics-101", policies.ChannelManage, true, []string{"role:host", "*", "channel", "manage"}},
			{2, "physics-101", policies.MessagePost, true, []string{"role:participant", "*", "message", "post"}},
			{3, "chemistry", policies.MessageModerate, true, []string{"role:moderator", "*", "message", "moderate"}},
			{2, "chemistry", policies.ChannelManage, false, nil},
			{2, "physics-101", policies.ChannelCreate, false, nil},
			{3, "*", policies.AuditView, false, nil},
			{0, "*", policies.ChannelView, false, nil},
			{0, "*", policies.Public, true, nil},
		}
		for _, tt := range tests {
			ok, rule, err := a.Explain(ctx, tt.user, tt.domain, tt.perm)
			if err != nil {
				t.Fatalf("Explain(%d, %q, %s): %v", tt.user, tt.domain, tt.perm, err)
			}
			if ok != tt.ok || !slices.Equal(rule, tt.rule) {
				t.Errorf("Explain(%d, %q, %s) = %v, %q; want %v, %q", tt.user, tt.domain, tt.perm, ok, rule, tt.ok, tt.rule)
			}
		}
	})
}

func TestCrossInstance(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b := newAuthorizer(t, db), newAuthorizer(t, db)
		// eventually polls b until it answers want, for up to 3 s.
		eventually := func(what string, want bool) {
			t.Helper()
			start := time.Now()
			for {
				ok, err := b.Can(ctx, 42, "physics-101", policies.ChannelManage)
				if err != nil {
					t.Fatal(err)
				}
				if ok == want {
					t.Logf("%s: seen by the other instance after %v", what, time.Since(start).Round(time.Millisecond))
					return
				}
				if time.Since(start) > 3*time.Second {
					t.Fatalf("%s: the other instance still answers %v after 3 s", what, ok)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		eventually("before", false)
		if err := a.Grant(ctx, 42, model.RoleHost, "physics-101"); err != nil {
			t.Fatal(err)
		}
		eventually("grant", true)
		if err := a.Revoke(ctx, 42, model.RoleHost, "physics-101"); err != nil {
			t.Fatal(err)
		}
		eventually("revoke", false)
	})
}

// TestRefreshInterval checks that an Authorizer asks for the policy version
// at most once per interval, and reloads when it changed.
func TestRefreshInterval(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		var now atomic.Int64
		now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
		clock := func() time.Time { return time.Unix(0, now.Load()) }
		advance := func(d time.Duration) { now.Add(int64(d)) }

		a := newAuthorizer(t, db)
		b := newAuthorizer(t, db, store.PollClock(clock))
		can := func() bool {
			t.Helper()
			ok, err := b.Can(ctx, 9, "*", policies.AdminView)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if can() {
			t.Fatal("allowed before the grant")
		}
		if err := a.Grant(ctx, 9, model.RoleAdmin, "*"); err != nil {
			t.Fatal(err)
		}
		v1, err := store.Setting(ctx, db, policies.VersionSetting, "")
		if err != nil || v1 == "" {
			t.Fatalf("policy version after Grant: %q, %v", v1, err)
		}
		if can() {
			t.Error("allowed at once: the version was checked again within the interval")
		}
		advance(policies.RefreshInterval - time.Millisecond)
		if can() {
			t.Error("allowed before the interval passed")
		}
		advance(time.Millisecond)
		if !can() {
			t.Error("not allowed once the interval passed")
		}
		if err := a.Revoke(ctx, 9, model.RoleAdmin, "*"); err != nil {
			t.Fatal(err)
		}
		if v2, _ := store.Setting(ctx, db, policies.VersionSetting, ""); v2 == v1 {
			t.Errorf("Revoke did not change the policy version")
		}
		if !can() {
			t.Error("revoke seen within the interval")
		}
		advance(policies.RefreshInterval)
		if can() {
			t.Error("revoke not seen once the interval passed")
		}
	})
}

// TestConcurrent runs checks beside grants and reloads (go test -race).
func TestConcurrent(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db, store.PollEvery(time.Millisecond))
		b := newAuthorizer(t, db, store.PollEvery(time.Millisecond))
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				for j := range 20 {
					user := int64(1000 + i)
					if err := a.Grant(ctx, user, model.RoleModerator, "physics-101"); err != nil {
						t.Error(err)
						return
					}
					if _, err := b.Can(ctx, user, "physics-101", policies.ModView); err != nil {
						t.Error(err)
						return
					}
					if _, err := b.Roles(ctx, user); err != nil {
						t.Error(err)
						return
					}
					if j%2 == 0 {
						if err := b.Revoke(ctx, user, model.RoleModerator, "physics-101"); err != nil {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		holders, err := newAuthorizer(t, db).Holders(ctx, model.RoleModerator, "physics-101")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(holders, []int64{1000, 1001, 1002, 1003}) {
			t.Errorf("Holders = %v, want 1000..1003", holders)
		}
	})
}
