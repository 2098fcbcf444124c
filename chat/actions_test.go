package chat_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute:         "5 minutes",
		time.Minute:             "1 minute",
		90 * time.Second:        "90 seconds",
		time.Second:             "1 second",
		time.Hour:               "1 hour",
		2 * time.Hour:           "2 hours",
		90 * time.Minute:        "90 minutes",
		1500 * time.Millisecond: "2 seconds",
	} {
		if got := chat.HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestEdit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100, EditWindow: 2 * time.Minute})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "pub", chat.ChannelInput{MaxLength: ptr(20)})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vm := e.Viewer(ch, mod)
		vg, _ := e.Guest(ch, "Gus")
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		m := e.Post(ch, va, chat.PostInput{Body: "frist"})
		gm := e.Post(ch, vg, chat.PostInput{Body: "guest post"})
		om := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"})
		<-sub.C()
		at := func(d time.Duration) { e.Clock.Set(m.CreatedAt.Add(d)) }
		at(time.Minute)

		tests := []struct {
			name string
			v    chat.Viewer
			id   int64
			body string
			want want
		}{
			{name: "someone else", v: vb, id: m.ID, body: "first", want: want{Problem: "not_author"}},
			{name: "staff cannot edit others", v: vm, id: m.ID, body: "first", want: want{Problem: "not_author"}},
			{name: "visitor", v: chat.Viewer{}, id: m.ID, body: "first", want: want{Problem: "not_author"}},
			{name: "guest edits a user's post", v: vg, id: m.ID, body: "first", want: want{Problem: "not_author"}},
			{name: "empty", v: va, id: m.ID, body: "  ", want: want{Field: "body"}},
			{name: "too long", v: va, id: m.ID, body: strings.Repeat("x", 21), want: want{Field: "body"}},
			{name: "other channel's message", v: va, id: om.ID, body: "first", want: want{Is: model.ErrNotFound}},
			{name: "missing", v: va, id: 1 << 40, body: "first", want: want{Is: model.ErrNotFound}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				seq := e.Reload(ch).LastSeq
				got, err := e.Chat.Edit(e.Ctx, ch, tt.v, tt.id, tt.body)
				tt.want.Check(t, err)
				if tt.want.Problem != "" && !errors.Is(err, model.ErrForbidden) {
					t.Errorf("refusal %v is not ErrForbidden", err)
				}
				if got != nil || e.Reload(ch).LastSeq != seq || e.Message(m.ID).Body != "frist" {
					t.Error("refused edit changed something")
				}
				wantNoWake(t, sub)
			})
		}

		got, err := e.Chat.Edit(e.Ctx, ch, va, m.ID, " first\r\nreally ")
		if err != nil {
			t.Fatal(err)
		}
		stored := e.Message(m.ID)
		if got.Body != "first\nreally" || stored.Body != got.Body || stored.EditedAt == nil || got.EditedAt == nil {
			t.Errorf("edited %+v, stored %+v", got, stored)
		}
		seq := e.Reload(ch).LastSeq
		es, _ := store.EventsAfter(e.Ctx, db, ch.ID, seq-1, 0)
		if len(es) != 1 || es[0].Kind != model.EventMessageUpdated || *es[0].MessageID != m.ID {
			t.Errorf("edit events %+v", es)
		}
		wantWake(t, sub, seq)
		// The same text again changes nothing.
		if _, err := e.Chat.Edit(e.Ctx, ch, va, m.ID, "first\nreally"); err != nil || e.Reload(ch).LastSeq != seq {
			t.Errorf("unchanged edit: %v, last seq %d -> %d", err, seq, e.Reload(ch).LastSeq)
		}
		wantNoWake(t, sub)
		// Guests edit their own posts.
		if got, err := e.Chat.Edit(e.Ctx, ch, vg, gm.ID, "guest post!"); err != nil || got.Body != "guest post!" {
			t.Errorf("guest edit: %+v, %v", got, err)
		}
		<-sub.C()

		canEdit := func(v chat.Viewer) bool {
			f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), v, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range f.Items {
				if it.Message.ID == m.ID {
					return it.CanEdit
				}
			}
			t.Fatal("message not in feed")
			return false
		}
		// The edit window, measured from posting.
		at(2 * time.Minute)
		if !canEdit(va) || canEdit(vb) {
			t.Error("CanEdit at the end of the window: want true for the author only")
		}
		if _, err := e.Chat.Edit(e.Ctx, ch, va, m.ID, "first, at the limit"); err != nil {
			t.Errorf("edit at the end of the window: %v", err)
		}
		at(2*time.Minute + time.Microsecond)
		_, err = e.Chat.Edit(e.Ctx, ch, va, m.ID, "too late")
		wantProblem(t, err, "edit_window_closed", model.ErrForbidden)
		if err != nil && !strings.Contains(err.Error(), "2 minutes") {
			t.Errorf("message %q does not give the configured window", err)
		}
		if canEdit(va) {
			t.Error("CanEdit after the window")
		}
		if e.Message(m.ID).Body != "first, at the limit" {
			t.Error("late edit stored")
		}

		// A removed message cannot be edited.
		e.Clock.Set(time.Time{})
		if _, err := e.Chat.Delete(e.Ctx, ch, vg, gm.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Chat.Edit(e.Ctx, ch, vg, gm.ID, "back"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("edit of a removed message: %v", err)
		}
	})
}

func TestDelete(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vm := e.Viewer(ch, mod)
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		own := e.Post(ch, va, chat.PostInput{Body: "oops, my phone number", Kind: model.KindQuestion})
		theirs := e.Post(ch, va, chat.PostInput{Body: "something rude"})
		kept := e.Post(ch, vb, chat.PostInput{Body: "fine"})
		if _, err := e.Chat.React(e.Ctx, ch, vb, own.ID, "👍"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Chat.Vote(e.Ctx, ch, vb, own.ID, true); err != nil {
			t.Fatal(err)
		}
		reply := e.Post(ch, vb, chat.PostInput{Body: "a reply", ParentID: own.ID})
		<-sub.C()

		seq := e.Reload(ch).LastSeq
		_, err := e.Chat.Delete(e.Ctx, ch, vb, theirs.ID)
		wantProblem(t, err, "not_author", model.ErrForbidden)
		if _, err := e.Chat.Delete(e.Ctx, ch, chat.Viewer{}, theirs.ID); err == nil {
			t.Error("visitor deleted a message")
		}
		if e.Reload(ch).LastSeq != seq || e.Message(theirs.ID).State != model.StateVisible {
			t.Error("refused delete changed something")
		}
		wantNoWake(t, sub)

		// The author removes their own; staff remove anyone's.
		for _, d := range []struct {
			v  chat.Viewer
			m  *model.Message
			by int64
		}{{va, own, alice.ID}, {vm, theirs, mod.ID}} {
			got, err := e.Chat.Delete(e.Ctx, ch, d.v, d.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored := e.Message(d.m.ID)
			if got.State != model.StateDeleted || stored.State != model.StateDeleted || stored.DeletedAt == nil || stored.Body != d.m.Body {
				t.Errorf("deleted %+v, stored %+v: want state deleted with the body kept", got, stored)
			}
			seq++
			es, _ := store.EventsAfter(e.Ctx, db, ch.ID, seq-1, 0)
			if len(es) != 1 || es[0].Kind != model.EventMessageUpdated || *es[0].MessageID != d.m.ID {
				t.Errorf("delete events %+v", es)
			}
			wantWake(t, sub, seq)
			audit, err := store.ListAudit(e.Ctx, db, store.AuditFilter{Action: "message.delete", ActorID: d.by})
			if err != nil || len(audit) != 1 || audit[0].Before != "visible" || audit[0].After != "deleted" {
				t.Errorf("audit of delete by %d: %+v, %v", d.by, audit, err)
			}
		}
		// Deleting again changes nothing; the author no longer sees it.
		if got, err := e.Chat.Delete(e.Ctx, ch, vm, own.ID); err != nil || got.State != model.StateDeleted || e.Reload(ch).LastSeq != seq {
			t.Errorf("second delete by staff: %+v, %v", got, err)
		}
		if _, err := e.Chat.Delete(e.Ctx, ch, va, own.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("second delete by the author: %v", err)
		}
		wantNoWake(t, sub)

		// Reactions, votes and replies on a removed message are refused.
		if _, err := e.Chat.React(e.Ctx, ch, vb, own.ID, "👍"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("participant reacts to a removed message: %v", err)
		}
		_, err = e.Chat.React(e.Ctx, ch, vm, own.ID, "👍")
		wantProblem(t, err, "message_removed", model.ErrConflict)
		if _, err := e.Chat.Vote(e.Ctx, ch, vb, own.ID, false); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("participant votes on a removed message: %v", err)
		}
		_, err = e.Chat.Vote(e.Ctx, ch, vm, own.ID, true)
		wantProblem(t, err, "message_removed", model.ErrConflict)
		_, err = e.Chat.Post(e.Ctx, ch, vb, chat.PostInput{Body: "reply", ParentID: own.ID})
		wantField(t, err, "parent_id")

		// Participants see tombstones, staff see the body.
		type seen struct {
			body      string
			state     model.MessageState
			reactions int
			canDelete bool
		}
		tomb := seen{"", model.StateDeleted, 0, false}
		for _, tt := range []struct {
			name string
			v    chat.Viewer
			own  seen
		}{
			{"author", va, tomb},
			{"peer", vb, tomb},
			{"staff", vm, seen{own.Body, model.StateDeleted, 1, false}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				feed, err := e.Chat.Feed(e.Ctx, e.Reload(ch), tt.v, "")
				if err != nil {
					t.Fatal(err)
				}
				byID := map[int64]chat.Item{}
				for _, it := range feed.Items {
					byID[it.Message.ID] = it
					for _, r := range it.Replies {
						byID[r.Message.ID] = r
					}
				}
				check := func(where string, it chat.Item, want seen) {
					t.Helper()
					got := seen{it.Message.Body, it.Message.State, len(it.Reactions), it.CanDelete}
					if got != want {
						t.Errorf("%s: %+v, want %+v", where, got, want)
					}
				}
				check("feed", byID[own.ID], tt.own)
				if r := byID[reply.ID]; r.Message.Body != "a reply" {
					t.Errorf("reply to a removed message: %+v", r.Message)
				}
				if k := byID[kept.ID]; k.Message.Body != "fine" || k.Message.State != model.StateVisible {
					t.Errorf("untouched message: %+v", k.Message)
				}
				if len(feed.Items) != 3 {
					t.Errorf("%d threads, want 3", len(feed.Items))
				}

				changes, err := e.Chat.Changes(e.Ctx, ch, tt.v, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range changes {
					if c.Event.MessageID != nil && *c.Event.MessageID == own.ID {
						if c.Item == nil {
							t.Errorf("change %d: no item", c.Event.Seq)
							continue
						}
						check("changes", *c.Item, tt.own)
					}
				}
				items, err := e.Chat.Messages(e.Ctx, ch, tt.v, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(items) != 4 {
					t.Errorf("%d messages, want 4", len(items))
				}
				for _, it := range items {
					if it.Message.ID == own.ID {
						check("messages", it, tt.own)
					}
				}
			})
		}
	})
}

func TestReact(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vg, _ := e.Guest(ch, "Gus")
		m := e.Post(ch, va, chat.PostInput{Body: "react to me"})
		om := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		for _, emoji := range []string{"🍕", "", "👍🏽", "❤", "👍👍", ":+1:"} {
			seq := e.Reload(ch).LastSeq
			_, err := e.Chat.React(e.Ctx, ch, va, m.ID, emoji)
			wantField(t, err, "emoji")
			if e.Reload(ch).LastSeq != seq {
				t.Errorf("refused reaction %q wrote an event", emoji)
			}
		}
		if _, err := e.Chat.React(e.Ctx, ch, chat.Viewer{}, m.ID, "👍"); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("visitor reacts: %v", err)
		}
		if _, err := e.Chat.React(e.Ctx, ch, va, om.ID, "👍"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("reaction to another channel's message: %v", err)
		}
		wantNoWake(t, sub)

		steps := []struct {
			v     chat.Viewer
			emoji string
			on    bool
		}{
			{va, "👍", true}, {va, "👍", false}, {va, "👍", true}, {vb, "👍", true},
			{vb, "🎉", true}, {va, "❤️", true}, {vg, "👍", true}, {vb, "🎉", false},
		}
		for i, st := range steps {
			on, err := e.Chat.React(e.Ctx, ch, st.v, m.ID, st.emoji)
			if err != nil || on != st.on {
				t.Errorf("step %d: %s by %s = %v, %v; want %v", i, st.emoji, st.v.Actor.Name, on, err, st.on)
			}
			wantWake(t, sub, e.Reload(ch).LastSeq)
		}
		// Every palette emoji is accepted.
		vc := e.Ready(ch, e.User("Carol", model.RoleParticipant))
		for _, emoji := range model.Reactions() {
			if on, err := e.Chat.React(e.Ctx, ch, vc, m.ID, emoji); err != nil || !on {
				t.Errorf("palette emoji %q: %v, %v", emoji, on, err)
			}
			if on, err := e.Chat.React(e.Ctx, ch, vc, m.ID, emoji); err != nil || on {
				t.Errorf("palette emoji %q off: %v, %v", emoji, on, err)
			}
		}

		rs := func(emoji string, n int, mine bool) store.ReactionSummary {
			return store.ReactionSummary{Emoji: emoji, Count: n, Mine: mine}
		}
		reactions := func(v chat.Viewer) []store.ReactionSummary {
			f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), v, "")
			if err != nil || len(f.Items) != 1 {
				t.Fatalf("feed: %+v, %v", f, err)
			}
			return f.Items[0].Reactions
		}
		// Palette order, counts, and the viewer's own.
		for _, tt := range []struct {
			name string
			v    chat.Viewer
			want []store.ReactionSummary
		}{
			{"alice", va, []store.ReactionSummary{rs("👍", 3, true), rs("❤️", 1, true)}},
			{"bob", vb, []store.ReactionSummary{rs("👍", 3, true), rs("❤️", 1, false)}},
			{"guest", vg, []store.ReactionSummary{rs("👍", 3, true), rs("❤️", 1, false)}},
			{"visitor", chat.Viewer{}, []store.ReactionSummary{rs("👍", 3, false), rs("❤️", 1, false)}},
		} {
			if got := reactions(tt.v); !slices.Equal(got, tt.want) {
				t.Errorf("%s sees %+v, want %+v", tt.name, got, tt.want)
			}
		}
	})
}

func TestVote(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		vg, _ := e.Guest(ch, "Gus")
		q := e.Post(ch, va, chat.PostInput{Body: "Why?", Kind: model.KindQuestion})
		c := e.Post(ch, va, chat.PostInput{Body: "A comment"})
		r := e.Post(ch, vb, chat.PostInput{Body: "Because", ParentID: q.ID})
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		for name, id := range map[string]int64{"comment": c.ID, "reply": r.ID} {
			_, err := e.Chat.Vote(e.Ctx, ch, vb, id, true)
			if wantProblem(t, err, "not_a_question", model.ErrConflict); err == nil {
				t.Errorf("vote on a %s accepted", name)
			}
			_, err = e.Chat.ToggleVote(e.Ctx, ch, vb, id)
			wantProblem(t, err, "not_a_question", model.ErrConflict)
		}
		if _, err := e.Chat.Vote(e.Ctx, ch, chat.Viewer{}, q.ID, true); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("visitor votes: %v", err)
		}
		if _, err := e.Chat.ToggleVote(e.Ctx, ch, chat.Viewer{}, q.ID); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("visitor toggles a vote: %v", err)
		}
		wantNoWake(t, sub)

		steps := []struct {
			name   string
			v      chat.Viewer
			toggle bool
			up     bool
			want   int
		}{
			{"bob up", vb, false, true, 1},
			{"bob up again: one vote each", vb, false, true, 1},
			{"alice up on her own", va, false, true, 2},
			{"guest up", vg, false, true, 3},
			{"bob takes it back", vb, false, false, 2},
			{"bob takes it back again", vb, false, false, 2},
			{"bob toggles on", vb, true, false, 3},
			{"guest toggles off", vg, true, false, 2},
			{"guest toggles on", vg, true, false, 3},
			{"alice toggles off", va, true, false, 2},
		}
		for _, st := range steps {
			var n int
			var err error
			if st.toggle {
				n, err = e.Chat.ToggleVote(e.Ctx, ch, st.v, q.ID)
			} else {
				n, err = e.Chat.Vote(e.Ctx, ch, st.v, q.ID, st.up)
			}
			if err != nil || n != st.want {
				t.Errorf("%s: %d, %v; want %d", st.name, n, err, st.want)
			}
			if got := e.Message(q.ID).VoteCount; got != st.want {
				t.Errorf("%s: stored count %d, want %d", st.name, got, st.want)
			}
			wantWake(t, sub, e.Reload(ch).LastSeq)
		}
		voted := func(v chat.Viewer) (bool, int) {
			f, err := e.Chat.Feed(e.Ctx, e.Reload(ch), v, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range f.Items {
				if it.Message.ID == q.ID {
					return it.Voted, it.Message.VoteCount
				}
			}
			t.Fatal("question not in feed")
			return false, 0
		}
		for _, tt := range []struct {
			name  string
			v     chat.Viewer
			voted bool
		}{{"alice", va, false}, {"bob", vb, true}, {"guest", vg, true}, {"visitor", chat.Viewer{}, false}} {
			if got, n := voted(tt.v); got != tt.voted || n != 2 {
				t.Errorf("%s: voted %v count %d; want %v, 2", tt.name, got, n, tt.voted)
			}
		}
	})
}

func TestConcurrentVotes(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "busy", chat.ChannelInput{})
		q := e.Post(ch, e.Ready(ch, host), chat.PostInput{Body: "Which topic next?", Kind: model.KindQuestion})
		vs := make([]chat.Viewer, 12)
		for i := range vs {
			vs[i], _ = e.Guest(ch, fmt.Sprintf("Guest %d", i))
		}
		// Everyone votes at once, twice (the second is a no-op); then half
		// take it back at once.
		all := func(vs []chat.Viewer, up bool) {
			var wg sync.WaitGroup
			for _, v := range vs {
				wg.Go(func() {
					if _, err := e.Chat.Vote(e.Ctx, ch, v, q.ID, up); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		all(append(vs, vs...), true)
		if n := e.Message(q.ID).VoteCount; n != len(vs) {
			t.Errorf("vote count %d after %d concurrent voters, want %d", n, len(vs), len(vs))
		}
		all(vs[:6], false)
		if n := e.Message(q.ID).VoteCount; n != len(vs)-6 {
			t.Errorf("vote count %d after 6 took their vote back, want %d", n, len(vs)-6)
		}
	})
}
