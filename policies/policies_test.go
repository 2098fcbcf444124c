package policies_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/policies"
	"backchannel/store"
	"backchannel/testenv"
)

// newAuthorizer builds an Authorizer over db.
func newAuthorizer(t *testing.T, db *bun.DB, opts ...store.PollOption) *policies.Authorizer {
	t.Helper()
	a, err := policies.New(context.Background(), db, slog.New(slog.DiscardHandler), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func TestEnforce(t *testing.T) {
	// Who holds what, in the domain where the role is held.
	participantPerms := []policies.Permission{policies.AccountUse, policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView}
	hostPerms := []policies.Permission{policies.AccountUse, policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView, policies.ChannelCreate, policies.ChannelManage, policies.SessionManage,
		policies.TranscriptStaff, policies.MessageTag, policies.ChannelPresent}
	moderatorPerms := []policies.Permission{policies.AccountUse, policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView, policies.MessageModerate, policies.UserSanction, policies.ModView,
		policies.TranscriptStaff, policies.MessageTag, policies.ChannelPresent}
	adminPerms := policies.All()

	// Held only in a channel: no permission that needs the role site-wide.
	channelParticipantPerms := []policies.Permission{policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView}
	channelHostPerms := []policies.Permission{policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView, policies.ChannelManage, policies.SessionManage, policies.TranscriptStaff, policies.MessageTag,
		policies.ChannelPresent}
	channelModeratorPerms := []policies.Permission{policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView, policies.MessageModerate, policies.UserSanction, policies.ModView,
		policies.TranscriptStaff, policies.MessageTag, policies.ChannelPresent}
	channelAdminPerms := []policies.Permission{policies.ChannelList, policies.ChannelView, policies.MessagePost,
		policies.TranscriptView, policies.ChannelManage, policies.SessionManage, policies.MessageModerate,
		policies.UserSanction, policies.ModView, policies.TranscriptStaff, policies.MessageTag, policies.ChannelPresent}

	const physics, chemistry = "physics-101", "chemistry"
	tests := []struct {
		name    string
		role    model.Role // "" = no grant
		heldIn  string
		domain  string
		allowed []policies.Permission
	}{
		{"site admin, site", model.RoleAdmin, "*", "*", adminPerms},
		{"site admin, channel", model.RoleAdmin, "*", physics, adminPerms},
		{"site admin, empty domain", model.RoleAdmin, "*", "", adminPerms},
		{"site moderator, site", model.RoleModerator, "*", "*", moderatorPerms},
		{"site moderator, channel", model.RoleModerator, "*", physics, moderatorPerms},
		{"site host, site", model.RoleHost, "*", "*", hostPerms},
		{"site host, channel", model.RoleHost, "*", physics, hostPerms},
		{"site participant, site", model.RoleParticipant, "*", "*", participantPerms},
		{"site participant, channel", model.RoleParticipant, "*", physics, participantPerms},

		{"channel admin, there", model.RoleAdmin, physics, physics, channelAdminPerms},
		{"channel admin, other channel", model.RoleAdmin, physics, chemistry, nil},
		{"channel admin, site", model.RoleAdmin, physics, "*", nil},
		{"channel moderator, there", model.RoleModerator, physics, physics, channelModeratorPerms},
		{"channel moderator, other channel", model.RoleModerator, physics, chemistry, nil},
		{"channel moderator, site", model.RoleModerator, physics, "*", nil},
		{"channel host, there", model.RoleHost, physics, physics, channelHostPerms},
		{"channel host, other channel", model.RoleHost, physics, chemistry, nil},
		{"channel host, site", model.RoleHost, physics, "*", nil},
		{"channel participant, there", model.RoleParticipant, physics, physics, channelParticipantPerms},
		{"channel participant, other channel", model.RoleParticipant, physics, chemistry, nil},
		{"channel participant, site", model.RoleParticipant, physics, "*", nil},

		{"no grant, site", "", "", "*", nil},
		{"no grant, channel", "", "", physics, nil},
	}
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				user := int64(100 + i)
				if tt.role != "" {
					if err := a.Grant(ctx, user, tt.role, tt.heldIn); err != nil {
						t.Fatalf("Grant: %v", err)
					}
				}
				for _, p := range policies.All() {
					got, err := a.Can(ctx, user, tt.domain, p)
					if err != nil {
						t.Fatalf("Can(%s): %v", p, err)
					}
					if want := slices.Contains(tt.allowed, p); got != want {
						t.Errorf("Can(user with %s in %q, %q, %s) = %v, want %v", tt.role, tt.heldIn, tt.domain, p, got, want)
					}
				}
				if ok, err := a.Can(ctx, user, tt.domain, policies.Public); err != nil || !ok {
					t.Errorf("Can(Public) = %v, %v; want true", ok, err)
				}
			})
		}

		t.Run("not signed in", func(t *testing.T) {
			// Even a grant to user 0 written behind the Authorizer's back
			// gives a visitor nothing.
			// A fresh Authorizer loads it (and a grant to user 999 written
			// the same way, which must take effect: the control that the
			// policy was loaded).
			ad := policies.NewAdapter(ctx, db)
			for _, sub := range []string{"user:0", "user:999"} {
				if err := ad.AddPolicy("g", "g", []string{sub, "role:admin", "*"}); err != nil {
					t.Fatal(err)
				}
			}
			a := newAuthorizer(t, db)
			if ok, err := a.Can(ctx, 999, "*", policies.SettingsManage); err != nil || !ok {
				t.Fatalf("the grant written behind the Authorizer's back was not loaded: Can(999) = %v, %v", ok, err)
			}
			for _, d := range []string{"*", "", physics} {
				for _, p := range policies.All() {
					if ok, err := a.Can(ctx, 0, d, p); err != nil || ok {
						t.Errorf("Can(0, %q, %s) = %v, %v; want false", d, p, ok, err)
					}
				}
				if ok, err := a.Can(ctx, 0, d, policies.Public); err != nil || !ok {
					t.Errorf("Can(0, %q, Public) = %v, %v; want true", d, ok, err)
				}
			}
		})
	})
}

func TestPermissions(t *testing.T) {
	all := policies.All()
	seen := map[policies.Permission]bool{}
	for _, p := range all {
		if !p.Valid() {
			t.Errorf("%s is not Valid", p)
		}
		if p == policies.Public {
			t.Errorf("All lists Public")
		}
		if seen[p] {
			t.Errorf("All lists %s twice", p)
		}
		seen[p] = true
	}
	if len(all) != 19 {
		t.Errorf("len(All()) = %d, want 19", len(all))
	}
	for _, p := range []policies.Permission{policies.Public, policies.AdminView} {
		if !p.Valid() {
			t.Errorf("%s is not Valid", p)
		}
	}
	for _, p := range []policies.Permission{"", "admin", "admin:delete", "public:view"} {
		if p.Valid() {
			t.Errorf("%q is Valid", p)
		}
	}
}

func TestGuests(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a := newAuthorizer(t, db)
		for _, p := range policies.All() {
			want := p == policies.ChannelView || p == policies.MessagePost
			if ok, err := a.CanGuest(ctx, "physics-101", p); err != nil || ok != want {
				t.Errorf("guest %s in a channel = %v, %v; want %v", p, ok, err, want)
			}
			if ok, _ := a.CanGuest(ctx, "*", p); ok && p != policies.ChannelView && p != policies.MessagePost {
				t.Errorf("guest holds %s site-wide", p)
			}
		}
	})
}
