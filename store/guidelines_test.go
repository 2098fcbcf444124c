package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestChannelScope(t *testing.T) {
	t.Parallel()
	if got := store.ChannelScope(42); got != "channel:42" {
		t.Errorf("ChannelScope(42) = %q", got)
	}
	if store.ChannelScope(1) == store.SiteScope {
		t.Error("a channel scope equals the site scope")
	}
}

func TestGuidelineVersions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		if _, err := store.LatestGuideline(ctx, db, store.SiteScope); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("latest of an empty scope: err = %v", err)
		}
		first := &model.Guideline{Scope: store.SiteScope, Title: "Be kind", Body: "v1"}
		if err := store.EnsureGuideline(ctx, db, first); err != nil {
			t.Fatal(err)
		}
		if first.Version != 1 || !first.Material {
			t.Fatalf("ensured = %+v; want version 1, material", first)
		}
		if err := store.EnsureGuideline(ctx, db, &model.Guideline{Scope: store.SiteScope, Title: "Other", Body: "ignored"}); err != nil {
			t.Fatal(err)
		}
		for i, body := range []string{"v2", "v3", "v4"} {
			g := &model.Guideline{Scope: store.SiteScope, Title: "Be kind", Body: body, Material: i == 1}
			if err := store.AddGuidelineVersion(ctx, db, g); err != nil {
				t.Fatal(err)
			}
			if g.Version != i+2 || g.ID == 0 {
				t.Fatalf("added %+v; want version %d", g, i+2)
			}
		}
		// Another scope numbers its own versions.
		ch := &model.Guideline{Scope: store.ChannelScope(7), Title: "Channel", Body: "c1"}
		if err := store.AddGuidelineVersion(ctx, db, ch); err != nil || ch.Version != 1 {
			t.Fatalf("first channel version = %d, %v; want 1", ch.Version, err)
		}
		latest, err := store.LatestGuideline(ctx, db, store.SiteScope)
		if err != nil || latest.Version != 4 || latest.Body != "v4" {
			t.Fatalf("latest = %+v, %v", latest, err)
		}
		vs, err := store.GuidelineVersions(ctx, db, store.SiteScope, 10)
		if err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for _, v := range vs {
			bodies = append(bodies, v.Body)
		}
		if !slices.Equal(bodies, []string{"v4", "v3", "v2", "v1"}) {
			t.Errorf("versions = %v; want newest first, v1 kept by a second ensure", bodies)
		}
		if vs, _ := store.GuidelineVersions(ctx, db, store.SiteScope, 2); len(vs) != 2 || vs[0].Version != 4 {
			t.Errorf("two newest = %+v", vs)
		}
		if vs[1].Material != true || vs[2].Material != false {
			t.Errorf("material flags = %v, %v; want v3 material, v2 not", vs[1].Material, vs[2].Material)
		}
	})
}

func TestConcurrentGuidelineVersions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		// Writers racing for the next version either get a version of their
		// own or model.ErrConflict; no version is stored twice.
		const writers = 6
		type result struct {
			version int
			err     error
		}
		results := make(chan result, writers)
		for i := range writers {
			go func() {
				g := &model.Guideline{Scope: store.SiteScope, Title: "t", Body: "w" + strconv.Itoa(i)}
				err := store.AddGuidelineVersion(ctx, db, g)
				results <- result{g.Version, err}
			}()
		}
		var won []int
		for range writers {
			r := <-results
			switch {
			case r.err == nil:
				won = append(won, r.version)
			case !errors.Is(r.err, model.ErrConflict):
				t.Errorf("racing writer: err = %v; want nil or ErrConflict", r.err)
			}
		}
		slices.Sort(won)
		vs, err := store.GuidelineVersions(ctx, db, store.SiteScope, 100)
		if err != nil || len(vs) != len(won) || len(won) == 0 {
			t.Fatalf("stored %d versions, %v; %d writers won", len(vs), err, len(won))
		}
		for i, v := range won {
			if v != i+1 {
				t.Errorf("winning versions = %v; want 1..%d", won, len(won))
				break
			}
		}
	})
}

func TestCurrentGuideline(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "rules")
		if _, err := store.CurrentGuideline(ctx, db, c.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("no guideline anywhere: err = %v", err)
		}
		add := func(scope, body string) {
			if err := store.AddGuidelineVersion(ctx, db, &model.Guideline{Scope: scope, Title: "t", Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			name  string
			do    func()
			want  string
			scope string
		}{
			{"site only", func() { add(store.SiteScope, "site 1") }, "site 1", store.SiteScope},
			{"channel's own wins", func() { add(store.ChannelScope(c.ID), "channel 1") }, "channel 1", store.ChannelScope(c.ID)},
			{"newer site version does not override", func() { add(store.SiteScope, "site 2") }, "channel 1", store.ChannelScope(c.ID)},
			{"empty channel body goes back to the site", func() { add(store.ChannelScope(c.ID), "  \n") }, "site 2", store.SiteScope},
			{"channel sets its own again", func() { add(store.ChannelScope(c.ID), "channel 3") }, "channel 3", store.ChannelScope(c.ID)},
		}
		for _, s := range steps {
			s.do()
			g, err := store.CurrentGuideline(ctx, db, c.ID)
			if err != nil || g.Body != s.want || g.Scope != s.scope {
				t.Errorf("%s: current = %+v, %v; want %q of %s", s.name, g, err, s.want, s.scope)
			}
		}
		if g, err := store.CurrentGuideline(ctx, db, c.ID+100); err != nil || g.Body != "site 2" {
			t.Errorf("another channel = %+v, %v; want the site's", g, err)
		}
	})
}

func TestHasAccepted(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "accept"), newChannel(t, db, "accept-other")
		// site v1 material, v2 not, v3 not, v4 material, v5 not.
		var vs []*model.Guideline
		for i, material := range []bool{true, false, false, true, false} {
			g := &model.Guideline{Scope: store.SiteScope, Title: "t", Body: "v" + strconv.Itoa(i+1), Material: material}
			if err := store.AddGuidelineVersion(ctx, db, g); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, g)
		}
		chG := &model.Guideline{Scope: store.ChannelScope(c.ID), Title: "t", Body: "own", Material: false}
		if err := store.AddGuidelineVersion(ctx, db, chG); err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			if err := store.AcceptGuideline(ctx, db, c.ID, "u:1", vs[0].ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.AcceptGuideline(ctx, db, c.ID, "g:2", vs[3].ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			channel int64
			actor   string
			g       int64
			want    bool
		}{
			{"the version accepted", c.ID, "u:1", vs[0].ID, true},
			{"a later non-material version", c.ID, "u:1", vs[1].ID, true},
			{"two later non-material versions", c.ID, "u:1", vs[2].ID, true},
			{"past a material version", c.ID, "u:1", vs[3].ID, false},
			{"past a material version and beyond", c.ID, "u:1", vs[4].ID, false},
			{"accepted v4 covers v5", c.ID, "g:2", vs[4].ID, true},
			{"accepting v4 does not cover an earlier one", c.ID, "g:2", vs[2].ID, false},
			{"acceptance is per channel", other.ID, "u:1", vs[0].ID, false},
			{"acceptance is per actor", c.ID, "u:3", vs[0].ID, false},
			{"acceptance is per scope", c.ID, "u:1", chG.ID, false},
			{"a missing guideline", c.ID, "u:1", vs[4].ID + 100, false},
		} {
			ok, err := store.HasAccepted(ctx, db, tc.channel, tc.actor, tc.g)
			if err != nil || ok != tc.want {
				t.Errorf("%s: has accepted = %v, %v; want %v", tc.name, ok, err, tc.want)
			}
		}
	})
}

func TestGuidelineActionCounts(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b := newChannel(t, db, "counts-a"), newChannel(t, db, "counts-b")
		now := time.Now().UTC()
		type entry struct {
			channel   int64
			action    string
			guideline string
			age       time.Duration
			undone    bool
		}
		for _, e := range []entry{
			{a.ID, "message.hide", "1.2", 0, false},
			{a.ID, "message.hide", "1.2", 0, false},
			{a.ID, "sanction.mute", "3", 0, false},
			{a.ID, "message.hide", "3", 48 * time.Hour, false},
			{a.ID, "message.hide", "4", 0, true},       // undone: not counted
			{a.ID, "message.hide.undo", "4", 0, false}, // an undo: not counted
			{a.ID, "message.pin", "", 0, false},        // cites nothing
			{b.ID, "message.hide", "1.2", 0, false},
			{b.ID, "message.hide", "9", 72 * time.Hour, false},
		} {
			ae := &model.AuditEntry{Action: e.action, TargetType: "message", TargetID: "1", ChannelID: &e.channel, Guideline: e.guideline}
			if err := insertAudit(ctx, db, ae); err != nil {
				t.Fatal(err)
			}
			if e.age > 0 {
				if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set("created_at = ?", now.Add(-e.age)).Where("id = ?", ae.ID).Exec(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if e.undone {
				if err := store.MarkAuditUndone(ctx, db, ae.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tc := range []struct {
			name     string
			channel  int64
			from, to time.Time
			want     []store.GuidelineCount
		}{
			{"channel a", a.ID, time.Time{}, time.Time{}, []store.GuidelineCount{{"1.2", 2}, {"3", 2}}},
			{"every channel", 0, time.Time{}, time.Time{}, []store.GuidelineCount{{"1.2", 3}, {"3", 2}, {"9", 1}}},
			{"since yesterday", 0, now.Add(-24 * time.Hour), time.Time{}, []store.GuidelineCount{{"1.2", 3}, {"3", 1}}},
			{"until yesterday", 0, time.Time{}, now.Add(-24 * time.Hour), []store.GuidelineCount{{"3", 1}, {"9", 1}}},
			{"a window in b", b.ID, now.Add(-100 * time.Hour), now.Add(-50 * time.Hour), []store.GuidelineCount{{"9", 1}}},
			{"an empty window", a.ID, now.Add(time.Hour), time.Time{}, nil},
		} {
			var got []store.GuidelineCount
			var err error
			if tc.from.IsZero() && tc.to.IsZero() {
				got, err = store.GuidelineActionCounts(ctx, db, tc.channel)
			} else {
				got, err = store.GuidelineActionCountsBetween(ctx, db, tc.channel, tc.from, tc.to)
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%s: counts = %v, %v; want %v", tc.name, got, err, tc.want)
			}
		}
	})
}
