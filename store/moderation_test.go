package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestActiveSanctions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "sanctions"), newChannel(t, db, "sanctions-other")
		mod := newUser(t, db, "mod")
		live := &model.ChannelSession{ChannelID: c.ID, Title: "live"}
		ended := &model.ChannelSession{ChannelID: other.ID, Title: "ended"}
		for _, s := range []*model.ChannelSession{ended, live} {
			if err := store.StartChannelSession(ctx, db, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.EndChannelSession(ctx, db, other.ID); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		const subject = "u:7"
		mk := func(name string, s model.Sanction) *model.Sanction {
			s.Subject, s.Reason, s.CreatedBy = subject, name, &mod.ID
			if s.Kind == "" {
				s.Kind = model.SanctionMute
			}
			if err := store.CreateSanction(ctx, db, &s); err != nil {
				t.Fatal(err)
			}
			if s.ID == 0 || s.CreatedAt.IsZero() {
				t.Fatalf("created %+v", s)
			}
			return &s
		}
		inC := mk("mute in c", model.Sanction{ChannelID: &c.ID, ExpiresAt: ptr(now.Add(time.Hour))})
		expired := mk("expired", model.Sanction{ChannelID: &c.ID, ExpiresAt: ptr(now.Add(-time.Minute))})
		site := mk("site ban", model.Sanction{Kind: model.SanctionBan})
		mk("warning", model.Sanction{Kind: model.SanctionWarn, ChannelID: &c.ID})
		revoked := mk("revoked", model.Sanction{ChannelID: &c.ID})
		session := mk("rest of live session", model.Sanction{ChannelID: &c.ID, SessionID: &live.ID})
		sessionOver := mk("rest of ended session", model.Sanction{ChannelID: &other.ID, SessionID: &ended.ID})
		inOther := mk("shadow in other", model.Sanction{Kind: model.SanctionShadowMute, ChannelID: &other.ID})
		if err := store.CreateSanction(ctx, db, &model.Sanction{Subject: "u:8", Kind: model.SanctionBan}); err != nil {
			t.Fatal(err)
		}
		if err := store.RevokeSanction(ctx, db, revoked.ID, mod.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			channel int64
			at      time.Time
			want    []*model.Sanction
		}{
			{"in c now", c.ID, now, []*model.Sanction{session, site, inC}},
			{"in the other channel", other.ID, now, []*model.Sanction{inOther, site}},
			{"site-wide only", 0, now, []*model.Sanction{site}},
			{"in c in two hours: the timed mute is over", c.ID, now.Add(2 * time.Hour), []*model.Sanction{session, site}},
			{"in c two minutes ago: the expired one was on", c.ID, now.Add(-2 * time.Minute), []*model.Sanction{session, site, expired, inC}},
		} {
			ss, err := store.ActiveSanctions(ctx, db, subject, tc.channel, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for _, s := range ss {
				got = append(got, s.ID)
			}
			for _, s := range tc.want {
				want = append(want, s.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: active = %v; want %v", tc.name, got, want)
			}
		}

		all, err := store.SanctionsOf(ctx, db, subject, 100)
		if err != nil || len(all) != 8 || all[0].ID != inOther.ID || all[7].ID != inC.ID {
			t.Fatalf("sanctions of = %d, %v; want all 8 newest first", len(all), err)
		}
		if few, _ := store.SanctionsOf(ctx, db, subject, 2); len(few) != 2 || few[1].ID != sessionOver.ID {
			t.Errorf("two newest = %+v", few)
		}
		got, err := store.SanctionByID(ctx, db, revoked.ID)
		if err != nil || got.RevokedAt == nil || got.RevokedBy == nil || *got.RevokedBy != mod.ID || got.Reason != "revoked" {
			t.Errorf("revoked sanction = %+v, %v", got, err)
		}
		if err := store.RevokeSanction(ctx, db, revoked.ID, mod.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second revoke: err = %v; want ErrNotFound", err)
		}
		if err := store.RevokeSanction(ctx, db, site.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := store.SanctionByID(ctx, db, site.ID); got.RevokedAt == nil || got.RevokedBy != nil {
			t.Errorf("revoked by the system = %+v; want revoked_at, no revoked_by", got)
		}
		if _, err := store.SanctionByID(ctx, db, inOther.ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing sanction: err = %v", err)
		}
	})
}

func TestReports(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		a, b, c := newChannel(t, db, "reports-a"), newChannel(t, db, "reports-b"), newChannel(t, db, "reports-c")
		mod := newUser(t, db, "mod")
		ma := post(t, db, &model.Message{ChannelID: a.ID, Body: "a"})
		ma2 := post(t, db, &model.Message{ChannelID: a.ID, Body: "a2"})
		mb := post(t, db, &model.Message{ChannelID: b.ID, Body: "b"})
		mc := post(t, db, &model.Message{ChannelID: c.ID, Body: "c"})
		var rs []*model.Report
		for _, r := range []model.Report{
			{ChannelID: a.ID, MessageID: ma.ID, Reporter: "u:1", Reason: "spam"},
			{ChannelID: a.ID, MessageID: ma.ID, Reporter: "g:2", Reason: "rude"},
			{ChannelID: b.ID, MessageID: mb.ID, Reporter: "u:1"},
			{ChannelID: a.ID, MessageID: ma2.ID, Reporter: "u:1"},
			{ChannelID: c.ID, MessageID: mc.ID, Reporter: "u:1"},
		} {
			if err := store.CreateReport(ctx, db, &r); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, &r)
		}
		if err := store.CreateReport(ctx, db, &model.Report{ChannelID: a.ID, MessageID: ma.ID, Reporter: "u:1"}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second report by the same person: err = %v; want ErrConflict", err)
		}
		open := func(chans ...int64) []int64 {
			t.Helper()
			got, err := store.OpenReports(ctx, db, chans)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range got {
				out = append(out, r.ID)
			}
			return out
		}
		if got := open(a.ID, b.ID); !slices.Equal(got, []int64{rs[0].ID, rs[1].ID, rs[2].ID, rs[3].ID}) {
			t.Errorf("open in a and b = %v; want oldest first without c", got)
		}
		if got := open(); got != nil {
			t.Errorf("open in no channel = %v", got)
		}
		n, err := store.ResolveReports(ctx, db, ma.ID, mod.ID)
		if err != nil || n != 2 {
			t.Fatalf("resolve = %d, %v; want 2", n, err)
		}
		if n, _ := store.ResolveReports(ctx, db, ma.ID, mod.ID); n != 0 {
			t.Errorf("resolve again = %d; want 0", n)
		}
		if got := open(a.ID, b.ID, c.ID); !slices.Equal(got, []int64{rs[2].ID, rs[3].ID, rs[4].ID}) {
			t.Errorf("open after resolving = %v", got)
		}
		var resolved model.Report
		if err := db.NewSelect().Model(&resolved).Where("id = ?", rs[0].ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if resolved.ResolvedAt == nil || resolved.ResolvedBy == nil || *resolved.ResolvedBy != mod.ID || resolved.Reason != "spam" {
			t.Errorf("resolved report = %+v", resolved)
		}
	})
}

func TestNotesAndStaffMessages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "staff"), newChannel(t, db, "staff-other")
		mod := newUser(t, db, "mod")
		for _, n := range []model.ModNote{
			{Subject: "u:5", Body: "first", CreatedBy: &mod.ID},
			{Subject: "g:5", Body: "a guest"},
			{Subject: "u:5", Body: "second"},
		} {
			if err := store.CreateNote(ctx, db, &n); err != nil || n.ID == 0 {
				t.Fatalf("note %+v: %v", n, err)
			}
		}
		ns, err := store.NotesOf(ctx, db, "u:5")
		if err != nil || len(ns) != 2 || ns[0].Body != "second" || ns[1].Body != "first" {
			t.Fatalf("notes = %+v, %v; want newest first", ns, err)
		}
		if ns[1].CreatedBy == nil || *ns[1].CreatedBy != mod.ID || ns[0].CreatedBy != nil {
			t.Errorf("note authors = %v, %v", ns[1].CreatedBy, ns[0].CreatedBy)
		}
		if ns, _ := store.NotesOf(ctx, db, "u:6"); len(ns) != 0 {
			t.Errorf("notes of nobody = %+v", ns)
		}

		var sent []*model.StaffMessage
		for i, body := range []string{"one", "two", "three", "four"} {
			ch := c.ID
			if i == 2 {
				ch = other.ID
			}
			m := &model.StaffMessage{ChannelID: ch, AuthorID: &mod.ID, AuthorName: "mod", Body: body}
			if err := store.CreateStaffMessage(ctx, db, m); err != nil || m.ID == 0 || m.CreatedAt.IsZero() {
				t.Fatalf("staff message %+v: %v", m, err)
			}
			sent = append(sent, m)
		}
		for _, tc := range []struct {
			limit int
			want  []string
		}{{10, []string{"one", "two", "four"}}, {2, []string{"two", "four"}}, {1, []string{"four"}}} {
			ms, err := store.StaffMessages(ctx, db, c.ID, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.Body)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("staff messages limit %d = %v; want the newest, oldest first %v", tc.limit, got, tc.want)
			}
		}
		m, err := store.StaffMessageByID(ctx, db, sent[2].ID)
		if err != nil || m.Body != "three" || m.ChannelID != other.ID || m.AuthorID == nil || *m.AuthorID != mod.ID {
			t.Errorf("staff message by id = %+v, %v", m, err)
		}
		if _, err := store.StaffMessageByID(ctx, db, sent[3].ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing staff message: err = %v", err)
		}
	})
}

func TestMessagesByAndCountApproved(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "by"), newChannel(t, db, "by-other")
		ada := newUser(t, db, "ada")
		g := newGuest(t, db, c.ID, "gus")
		a1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "a1", AuthorUserID: &ada.ID})
		a2 := post(t, db, &model.Message{ChannelID: c.ID, Body: "a2 held", AuthorUserID: &ada.ID, State: model.StateHeld})
		a3 := post(t, db, &model.Message{ChannelID: other.ID, Body: "a3", AuthorUserID: &ada.ID})
		g1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "g1", AuthorGuestID: &g.ID})
		post(t, db, &model.Message{ChannelID: c.ID, Body: "anonymous"})
		for _, tc := range []struct {
			actor model.Actor
			limit int
			want  []int64
		}{
			{model.Actor{UserID: ada.ID}, 10, []int64{a3.ID, a2.ID, a1.ID}},
			{model.Actor{UserID: ada.ID}, 2, []int64{a3.ID, a2.ID}},
			{model.Actor{GuestID: g.ID}, 10, []int64{g1.ID}},
			{model.Actor{UserID: ada.ID + 100}, 10, nil},
		} {
			ms, err := store.MessagesBy(ctx, db, tc.actor, tc.limit)
			if err != nil || !slices.Equal(ids(ms), tc.want) {
				t.Errorf("messages by %+v limit %d = %v, %v; want %v", tc.actor, tc.limit, ids(ms), err, tc.want)
			}
		}
		for _, tc := range []struct {
			channel int64
			actor   model.Actor
			want    int
		}{
			{c.ID, model.Actor{UserID: ada.ID}, 1}, // the held one does not count
			{other.ID, model.Actor{UserID: ada.ID}, 1},
			{c.ID, model.Actor{GuestID: g.ID}, 1},
			{other.ID, model.Actor{GuestID: g.ID}, 0},
		} {
			if n, err := store.CountApproved(ctx, db, tc.channel, tc.actor); err != nil || n != tc.want {
				t.Errorf("approved of %+v in %d = %d, %v; want %d", tc.actor, tc.channel, n, err, tc.want)
			}
		}
	})
}

func TestFilterRules(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		admin := newUser(t, db, "admin")
		if err := store.CreateFilterRules(ctx, db, nil); err != nil {
			t.Fatalf("no rules: %v", err)
		}
		rs := []*model.FilterRule{
			{Scope: store.SiteScope, Pattern: "spam", Kind: "word", Action: "block", Enabled: true, CreatedBy: &admin.ID},
			{Scope: store.ChannelScope(1), Pattern: "heck", Kind: "word", Action: "mask", Enabled: true},
			{Scope: store.SiteScope, Pattern: "*.ru", Kind: "link", Action: "hold", Allow: "mail.ru|ya.ru", Guideline: "2.1"},
			{Scope: store.ChannelScope(2), Pattern: "x", Kind: "word", Action: "flag"},
		}
		if err := store.CreateFilterRules(ctx, db, rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.ID == 0 || r.CreatedAt.IsZero() || !r.UpdatedAt.Equal(r.CreatedAt) {
				t.Fatalf("created %+v", r)
			}
		}
		for _, tc := range []struct {
			scopes []string
			want   []int64
		}{
			{nil, []int64{rs[0].ID, rs[1].ID, rs[2].ID, rs[3].ID}},
			{[]string{store.SiteScope}, []int64{rs[0].ID, rs[2].ID}},
			{[]string{store.SiteScope, store.ChannelScope(2)}, []int64{rs[0].ID, rs[2].ID, rs[3].ID}},
			{[]string{store.ChannelScope(9)}, nil},
		} {
			got, err := store.ListFilterRules(ctx, db, tc.scopes...)
			var gotIDs []int64
			for _, r := range got {
				gotIDs = append(gotIDs, r.ID)
			}
			if err != nil || !slices.Equal(gotIDs, tc.want) {
				t.Errorf("rules of %v = %v, %v; want %v", tc.scopes, gotIDs, err, tc.want)
			}
		}
		r, err := store.FilterRuleByID(ctx, db, rs[2].ID)
		if err != nil || r.Allow != "mail.ru|ya.ru" || r.Guideline != "2.1" || r.Enabled || r.Kind != "link" {
			t.Fatalf("by id = %+v, %v", r, err)
		}
		r.Pattern, r.Action, r.Allow, r.Enabled, r.Guideline, r.Scope = "*.xyz", "block", "", true, "3", "channel:5"
		if err := store.UpdateFilterRule(ctx, db, r); err != nil {
			t.Fatal(err)
		}
		got, _ := store.FilterRuleByID(ctx, db, rs[2].ID)
		if got.Pattern != "*.xyz" || got.Action != "block" || got.Allow != "" || !got.Enabled || got.Guideline != "3" {
			t.Errorf("updated = %+v", got)
		}
		if got.Scope != store.SiteScope {
			t.Errorf("update moved the rule to scope %q; the scope is not updatable", got.Scope)
		}
		if got.UpdatedAt.Before(got.CreatedAt) {
			t.Errorf("updated_at %v before created_at %v", got.UpdatedAt, got.CreatedAt)
		}
		if err := store.DeleteFilterRule(ctx, db, rs[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := store.DeleteFilterRule(ctx, db, rs[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second delete: err = %v; want ErrNotFound", err)
		}
		if _, err := store.FilterRuleByID(ctx, db, rs[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("deleted rule: err = %v", err)
		}
		r.ID = rs[3].ID + 100
		if err := store.UpdateFilterRule(ctx, db, r); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("update of a missing rule: err = %v", err)
		}
	})
}
