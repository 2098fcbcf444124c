package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestChannelSessionsAndSessionMessages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "transcripts"), newChannel(t, db, "transcripts-other")
		if ss, err := store.ChannelSessions(ctx, db, c.ID); err != nil || len(ss) != 0 {
			t.Fatalf("no sessions = %v, %v", ss, err)
		}
		s1 := &model.ChannelSession{ChannelID: c.ID, Title: "Week 1"}
		if err := store.StartChannelSession(ctx, db, s1); err != nil {
			t.Fatal(err)
		}
		m1 := post(t, db, &model.Message{ChannelID: c.ID, SessionID: &s1.ID, Body: "w1 a"})
		m2 := post(t, db, &model.Message{ChannelID: c.ID, SessionID: &s1.ID, Body: "w1 held", State: model.StateHeld})
		m3 := post(t, db, &model.Message{ChannelID: c.ID, SessionID: &s1.ID, Body: "w1 b"})
		post(t, db, &model.Message{ChannelID: c.ID, Body: "between sessions"})
		s2 := &model.ChannelSession{ChannelID: c.ID, Title: "Week 2"}
		if err := store.StartChannelSession(ctx, db, s2); err != nil {
			t.Fatal(err)
		}
		m4 := post(t, db, &model.Message{ChannelID: c.ID, SessionID: &s2.ID, Body: "w2 deleted", State: model.StateDeleted})
		s3 := &model.ChannelSession{ChannelID: c.ID, Title: "Week 3, empty"}
		if err := store.StartChannelSession(ctx, db, s3); err != nil {
			t.Fatal(err)
		}
		so := &model.ChannelSession{ChannelID: other.ID, Title: "Elsewhere"}
		if err := store.StartChannelSession(ctx, db, so); err != nil {
			t.Fatal(err)
		}
		post(t, db, &model.Message{ChannelID: other.ID, SessionID: &so.ID, Body: "elsewhere"})

		ss, err := store.ChannelSessions(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id                int64
			messages, visible int
		}
		var got []row
		for _, s := range ss {
			got = append(got, row{s.ID, s.Messages, s.Visible})
		}
		want := []row{{s3.ID, 0, 0}, {s2.ID, 1, 0}, {s1.ID, 3, 2}}
		if !slices.Equal(got, want) {
			t.Errorf("sessions = %+v; want newest first with counts %+v", got, want)
		}
		if ss[0].Title != "Week 3, empty" || ss[0].EndedAt != nil || ss[2].EndedAt == nil {
			t.Errorf("session fields = %+v", ss)
		}
		for _, tc := range []struct {
			session int64
			channel int64
			want    []*model.Message
		}{
			{s1.ID, c.ID, []*model.Message{m1, m2, m3}},
			{s2.ID, c.ID, []*model.Message{m4}},
			{s3.ID, c.ID, nil},
			{s1.ID, other.ID, nil}, // a session is read only through its own channel
		} {
			ms, err := store.SessionMessages(ctx, db, tc.channel, tc.session)
			var want []int64
			for _, m := range tc.want {
				want = append(want, m.ID)
			}
			if err != nil || !slices.Equal(ids(ms), want) {
				t.Errorf("messages of session %d in %d = %v, %v; want %v", tc.session, tc.channel, ids(ms), err, want)
			}
		}
	})
}

func TestTagsOf(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "tags-of")
		a := post(t, db, &model.Message{ChannelID: c.ID, Body: "a"})
		b := post(t, db, &model.Message{ChannelID: c.ID, Body: "b"})
		zt, _ := store.EnsureTag(ctx, db, "zeta", "#fbcfe8", 0)
		at, _ := store.EnsureTag(ctx, db, "alpha", "#a5f3fc", 0)
		for _, tg := range []*model.Tag{zt, at} {
			if _, err := store.TagMessages(ctx, db, tg.ID, []int64{a.ID}, 0); err != nil {
				t.Fatal(err)
			}
		}
		got, err := store.TagsOf(ctx, db, []int64{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []model.Tag{{ID: at.ID, Name: "alpha", Colour: "#a5f3fc"}, {ID: zt.ID, Name: "zeta", Colour: "#fbcfe8"}}
		if !slices.Equal(got[a.ID], want) || len(got[b.ID]) != 0 || len(got) != 1 {
			t.Errorf("tags of = %+v; want %+v on a only", got, want)
		}
		if got, err := store.TagsOf(ctx, db, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("tags of nothing = %v, %v", got, err)
		}
	})
}

func TestMessageAuditAndAuditBetween(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "audit-t"), newChannel(t, db, "audit-t-other")
		m1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "1"})
		m2 := post(t, db, &model.Message{ChannelID: c.ID, Body: "2"})
		now := time.Now().UTC().Truncate(time.Microsecond) // what both databases keep
		type spec struct {
			channel int64
			action  string
			ttype   string
			target  string
			age     time.Duration
		}
		var es []int64
		for _, s := range []spec{
			{c.ID, "message.hide", "message", strconv.FormatInt(m1.ID, 10), 3 * time.Hour},
			{c.ID, "message.pin", "message", strconv.FormatInt(m2.ID, 10), 2 * time.Hour},
			{c.ID, "message.unhide", "message", strconv.FormatInt(m1.ID, 10), time.Hour},
			{c.ID, "sanction.mute", "actor", strconv.FormatInt(m1.ID, 10), time.Hour}, // same id, other target type
			{other.ID, "message.hide", "message", strconv.FormatInt(m1.ID, 10), time.Hour},
			{c.ID, "channel.update", "channel", strconv.FormatInt(c.ID, 10), 0},
		} {
			e := &model.AuditEntry{ChannelID: &s.channel, Action: s.action, TargetType: s.ttype, TargetID: s.target}
			if err := insertAudit(ctx, db, e); err != nil {
				t.Fatal(err)
			}
			if _, err := db.NewUpdate().Model((*model.AuditEntry)(nil)).Set("created_at = ?", now.Add(-s.age)).Where("id = ?", e.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			es = append(es, e.ID)
		}
		byMsg, err := store.MessageAudit(ctx, db, c.ID, []int64{m1.ID, m2.ID, m2.ID + 100})
		if err != nil {
			t.Fatal(err)
		}
		actions := func(list []model.AuditEntry) []string {
			var out []string
			for _, e := range list {
				out = append(out, e.Action)
			}
			return out
		}
		if got := actions(byMsg[m1.ID]); !slices.Equal(got, []string{"message.hide", "message.unhide"}) {
			t.Errorf("audit of m1 = %v; want its two message actions in this channel, oldest first", got)
		}
		if got := actions(byMsg[m2.ID]); !slices.Equal(got, []string{"message.pin"}) {
			t.Errorf("audit of m2 = %v", got)
		}
		if len(byMsg) != 2 {
			t.Errorf("audit keys = %d; want 2", len(byMsg))
		}
		if got, err := store.MessageAudit(ctx, db, c.ID, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("audit of nothing = %v, %v", got, err)
		}
		for _, tc := range []struct {
			name     string
			channel  int64
			from, to time.Time
			want     []int64
		}{
			{"everything", c.ID, now.Add(-4 * time.Hour), now.Add(time.Minute), []int64{es[0], es[1], es[2], es[3], es[5]}},
			{"bounds are inclusive", c.ID, now.Add(-2 * time.Hour), now.Add(-time.Hour), []int64{es[1], es[2], es[3]}},
			{"other channel", other.ID, now.Add(-4 * time.Hour), now, []int64{es[4]}},
			{"before anything", c.ID, now.Add(-10 * time.Hour), now.Add(-5 * time.Hour), nil},
		} {
			got, err := store.AuditBetween(ctx, db, tc.channel, tc.from, tc.to)
			var gotIDs []int64
			for _, e := range got {
				gotIDs = append(gotIDs, e.ID)
			}
			if err != nil || !slices.Equal(gotIDs, tc.want) {
				t.Errorf("%s: between = %v, %v; want %v", tc.name, gotIDs, err, tc.want)
			}
		}
	})
}

func TestActiveActors(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "actors"), newChannel(t, db, "actors-other")
		m := post(t, db, &model.Message{ChannelID: c.ID, Body: "m"})
		mo := post(t, db, &model.Message{ChannelID: other.ID, Body: "mo"})
		g := &model.Guideline{Scope: store.SiteScope, Title: "t", Body: "b"}
		if err := store.AddGuidelineVersion(ctx, db, g); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			msg   int64
			actor string
		}{{m.ID, "u:1"}, {m.ID, "u:2"}, {mo.ID, "u:9"}} {
			if _, err := store.ToggleReaction(ctx, db, r.msg, r.actor, model.Reactions()[0]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.ToggleReaction(ctx, db, m.ID, "u:1", model.Reactions()[1]); err != nil { // u:1 twice
			t.Fatal(err)
		}
		for _, v := range []string{"g:3", "u:1"} {
			if _, err := store.SetVote(ctx, db, m.ID, v, true); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.SetVote(ctx, db, mo.ID, "u:8", true); err != nil {
			t.Fatal(err)
		}
		if err := store.AcceptGuideline(ctx, db, c.ID, "g:4", g.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.AcceptGuideline(ctx, db, other.ID, "u:7", g.ID); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		keys, err := store.ActiveActors(ctx, db, c.ID, now.Add(-time.Hour), now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]int{}
		for _, k := range keys {
			set[k]++
		}
		want := map[string]int{"u:1": 2, "u:2": 1, "g:3": 1, "g:4": 1} // u:1 reacted and voted
		if len(set) != len(want) {
			t.Errorf("active actors = %v; want %v", keys, want)
		}
		for k, n := range want {
			if set[k] != n {
				t.Errorf("active actors = %v; want %s %d times", keys, k, n)
			}
		}
		if keys, err := store.ActiveActors(ctx, db, c.ID, now.Add(time.Hour), now.Add(2*time.Hour)); err != nil || len(keys) != 0 {
			t.Errorf("actors in a later window = %v, %v; want none", keys, err)
		}
	})
}

func TestRecentSessionsAndTheirMessages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c, other := newChannel(t, db, "recent"), newChannel(t, db, "recent-other")
		var ss []*model.ChannelSession
		for _, s := range []*model.ChannelSession{{ChannelID: c.ID, Title: "1"}, {ChannelID: other.ID, Title: "2"}, {ChannelID: c.ID, Title: "3"}} {
			if err := store.StartChannelSession(ctx, db, s); err != nil {
				t.Fatal(err)
			}
			ss = append(ss, s)
		}
		titles := func(got []model.ChannelSession) []string {
			var out []string
			for _, s := range got {
				out = append(out, s.Title)
			}
			return out
		}
		if got, err := store.RecentSessions(ctx, db, c.ID, 5); err != nil || !slices.Equal(titles(got), []string{"3", "1"}) {
			t.Errorf("channel's sessions = %v, %v; want 3, 1", titles(got), err)
		}
		if got, err := store.RecentSessions(ctx, db, 0, 2); err != nil || !slices.Equal(titles(got), []string{"3", "2"}) {
			t.Errorf("latest two = %v, %v; want 3, 2", titles(got), err)
		}
		m1 := post(t, db, &model.Message{ChannelID: c.ID, SessionID: &ss[0].ID, Body: "one"})
		post(t, db, &model.Message{ChannelID: c.ID, SessionID: &ss[0].ID, Body: "gone", State: model.StateDeleted})
		m3 := post(t, db, &model.Message{ChannelID: other.ID, SessionID: &ss[1].ID, Body: "two"})
		post(t, db, &model.Message{ChannelID: c.ID, SessionID: &ss[2].ID, Body: "not asked for"})
		got, err := store.SessionsMessages(ctx, db, []int64{ss[0].ID, ss[1].ID}, 10)
		if err != nil || !slices.Equal(ids(got), []int64{m1.ID, m3.ID}) {
			t.Errorf("messages = %v, %v; want %d, %d", ids(got), err, m1.ID, m3.ID)
		}
		if got, _ := store.SessionsMessages(ctx, db, []int64{ss[0].ID, ss[1].ID}, 1); len(got) != 1 {
			t.Errorf("limit 1 gave %d", len(got))
		}
	})
}
