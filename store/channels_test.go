package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestChannelLookupsAndList(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if cs, err := store.ListChannels(ctx, db); err != nil || len(cs) != 0 {
			t.Fatalf("empty list = %v, %v", cs, err)
		}
		var made []*model.Channel
		for _, s := range [][2]string{{"c-beta", "Beta"}, {"c-alpha", "Alpha"}, {"c-beta-2", "Beta"}, {"c-gamma", "Gamma"}} {
			c := &model.Channel{Slug: s[0], Title: s[1], Description: "about " + s[1]}
			if err := store.CreateChannel(ctx, db, c); err != nil {
				t.Fatal(err)
			}
			made = append(made, c)
		}
		cs, err := store.ListChannels(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, c := range cs {
			slugs = append(slugs, c.Slug)
		}
		if want := []string{"c-alpha", "c-beta", "c-beta-2", "c-gamma"}; !slices.Equal(slugs, want) {
			t.Errorf("list = %v; want by title then id %v", slugs, want)
		}
		got, err := store.ChannelBySlug(ctx, db, "c-alpha")
		if err != nil || got.ID != made[1].ID || got.Title != "Alpha" || got.Description != "about Alpha" || !got.CreatedAt.Equal(made[1].CreatedAt) {
			t.Errorf("by slug = %+v, %v", got, err)
		}
		if _, err := store.ChannelBySlug(ctx, db, "C-ALPHA"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("slug lookup is exact: err = %v", err)
		}
		if _, err := store.ChannelByID(ctx, db, made[3].ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing id: err = %v", err)
		}
	})
}

func TestUpdateChannel(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "settings")
		post(t, db, &model.Message{ChannelID: c.ID, Body: "bumps last_seq"})
		c.Title, c.Description, c.Slug = "New title", "New description", "renamed"
		c.ChannelSettings = model.ChannelSettings{
			Visibility: model.VisibilityJoinCode, JoinCode: "ABC123", PostingMode: model.PostingQuestions,
			AllowAnonymous: true, AllowGuests: true, SlowModeSeconds: 30, MaxLength: 500, PremodMode: model.PremodFirst,
			FilterCaps: true, FilterRepeats: true, FilterMentions: true, FilterLinks: true, AllowedDomains: "example.org,go.dev",
		}
		c.LastSeq = 0 // stale copy: must not be written back
		before := c.UpdatedAt
		if err := store.UpdateChannel(ctx, db, c); err != nil {
			t.Fatal(err)
		}
		got, err := store.ChannelByID(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "New title" || got.Description != "New description" || got.ChannelSettings != c.ChannelSettings {
			t.Errorf("updated = %+v; want %+v", got, c)
		}
		if got.Slug != "settings" || got.LastSeq != 1 {
			t.Errorf("update wrote slug %q / last_seq %d; want settings / 1", got.Slug, got.LastSeq)
		}
		if !got.UpdatedAt.Equal(c.UpdatedAt) || c.UpdatedAt.Before(before) {
			t.Errorf("updated_at = %v (before %v)", got.UpdatedAt, before)
		}
		c.ID += 100
		if err := store.UpdateChannel(ctx, db, c); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("update of a missing channel: err = %v", err)
		}
	})
}

func TestChannelSessionsLive(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b, quiet := newChannel(t, db, "live-a"), newChannel(t, db, "live-b"), newChannel(t, db, "quiet")
		host := newUser(t, db, "host")
		if live, err := store.LiveChannelIDs(ctx, db); err != nil || len(live) != 0 {
			t.Fatalf("live before any session = %v, %v", live, err)
		}
		sa := &model.ChannelSession{ChannelID: a.ID, Title: "Week 1", StartedBy: &host.ID}
		sb := &model.ChannelSession{ChannelID: b.ID, Title: "Week 1"}
		for _, s := range []*model.ChannelSession{sa, sb} {
			if err := store.StartChannelSession(ctx, db, s); err != nil {
				t.Fatal(err)
			}
		}
		live, err := store.LiveChannelIDs(ctx, db)
		if err != nil || len(live) != 2 || !live[a.ID] || !live[b.ID] || live[quiet.ID] {
			t.Fatalf("live = %v, %v; want a and b", live, err)
		}
		got, err := store.ChannelSessionByID(ctx, db, sa.ID)
		if err != nil || got.Title != "Week 1" || got.ChannelID != a.ID || got.StartedBy == nil || *got.StartedBy != host.ID ||
			got.EndedAt != nil || !got.StartedAt.Equal(sa.StartedAt) {
			t.Fatalf("session by id = %+v, %v", got, err)
		}
		// A new session ends the live one.
		sa2 := &model.ChannelSession{ChannelID: a.ID, Title: "Week 2"}
		if err := store.StartChannelSession(ctx, db, sa2); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.ChannelSessionByID(ctx, db, sa.ID); got.EndedAt == nil {
			t.Error("starting week 2 did not end week 1")
		}
		if err := store.EndChannelSession(ctx, db, b.ID); err != nil {
			t.Fatal(err)
		}
		if live, _ := store.LiveChannelIDs(ctx, db); len(live) != 1 || !live[a.ID] {
			t.Errorf("live after ending b = %v; want only a", live)
		}
		if got, _ := store.ChannelSessionByID(ctx, db, sb.ID); got.EndedAt == nil || got.EndedAt.Before(got.StartedAt) {
			t.Errorf("ended session = %+v", got)
		}
		if _, err := store.ChannelSessionByID(ctx, db, sa2.ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing session: err = %v", err)
		}
	})
}

func TestMembers(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "members"), newChannel(t, db, "members-other")
		zoe, ada, bob := newUser(t, db, "zoe"), newUser(t, db, "ada"), newUser(t, db, "bob")
		for _, u := range []*model.User{zoe, ada, bob} {
			if err := store.AddMember(ctx, db, c.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.AddMember(ctx, db, other.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		ms, err := store.ListMembers(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.DisplayName)
			if m.JoinedAt.IsZero() || m.Email != m.DisplayName+"@example.org" {
				t.Errorf("member %+v", m)
			}
		}
		if !slices.Equal(names, []string{"ada", "bob", "zoe"}) || ms[0].UserID != ada.ID {
			t.Errorf("members = %+v; want ada, bob, zoe", ms)
		}
		if err := store.RemoveMember(ctx, db, c.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.RemoveMember(ctx, db, c.ID, bob.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second removal: err = %v; want ErrNotFound", err)
		}
		for _, tc := range []struct {
			channel, user int64
			want          bool
		}{
			{c.ID, bob.ID, false},
			{c.ID, ada.ID, true},
			{other.ID, bob.ID, true},
			{other.ID, ada.ID, false},
		} {
			if ok, err := store.IsMember(ctx, db, tc.channel, tc.user); err != nil || ok != tc.want {
				t.Errorf("is member(%d, %d) = %v, %v; want %v", tc.channel, tc.user, ok, err, tc.want)
			}
		}
		if ms, _ := store.ListMembers(ctx, db, c.ID); len(ms) != 2 {
			t.Errorf("members after removal = %+v", ms)
		}
	})
}

func TestMemberChannelsAndSlugs(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		ada := newUser(t, db, "ada")
		b, a, c := newChannel(t, db, "beta"), newChannel(t, db, "alpha"), newChannel(t, db, "gamma")
		for _, ch := range []*model.Channel{b, a} {
			if err := store.AddMember(ctx, db, ch.ID, ada.ID); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := store.MemberChannels(ctx, db, ada.ID)
		if err != nil || len(cs) != 2 || cs[0].Slug != "alpha" || cs[1].Slug != "beta" {
			t.Errorf("member channels = %+v, %v; want alpha, beta", cs, err)
		}
		slugs, err := store.ChannelSlugs(ctx, db)
		if err != nil || len(slugs) != 3 || slugs[c.ID] != "gamma" || slugs[a.ID] != "alpha" {
			t.Errorf("slugs = %v, %v", slugs, err)
		}
	})
}
