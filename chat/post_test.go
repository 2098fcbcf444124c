package chat_test

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
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

func TestPostSeq(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		a := e.Channel(host, "alpha", chat.ChannelInput{})
		b := e.Channel(host, "beta", chat.ChannelInput{})
		va, vb := e.Ready(a, alice), e.Ready(b, alice)
		subA, subB := e.Hub.Subscribe(a.ID), e.Hub.Subscribe(b.ID)
		defer subA.Close()
		defer subB.Close()

		steps := []struct {
			ch  *model.Channel
			v   chat.Viewer
			seq int64
		}{{a, va, 1}, {a, va, 2}, {b, vb, 1}, {a, va, 3}, {b, vb, 2}, {b, vb, 3}, {a, va, 4}}
		for i, st := range steps {
			m := e.Post(st.ch, st.v, chat.PostInput{Body: fmt.Sprintf("message %d", i)})
			if m.Seq != st.seq || m.ID == 0 || m.ChannelID != st.ch.ID {
				t.Errorf("step %d: seq %d id %d channel %d, want seq %d in %s", i, m.Seq, m.ID, m.ChannelID, st.seq, st.ch.Slug)
			}
			if m.Kind != model.KindComment || m.State != model.StateVisible || m.AuthorName != "Alice" ||
				m.AuthorUserID == nil || *m.AuthorUserID != alice.ID || m.AuthorGuestID != nil {
				t.Errorf("step %d: message %+v", i, m)
			}
			sub, quiet := subA, subB
			if st.ch == b {
				sub, quiet = subB, subA
			}
			wantWake(t, sub, st.seq)
			wantNoWake(t, quiet)
		}
		for _, ch := range []*model.Channel{a, b} {
			es := e.Events(ch)
			for i, ev := range es {
				if ev.Seq != int64(i+1) || ev.Kind != model.EventMessageCreated || ev.MessageID == nil {
					t.Errorf("%s event %d: %+v", ch.Slug, i, ev)
					continue
				}
				if m := e.Message(*ev.MessageID); m.Seq != ev.Seq || m.ChannelID != ch.ID {
					t.Errorf("%s event %d names message %+v", ch.Slug, i, m)
				}
			}
			if c := e.Reload(ch); c.LastSeq != int64(len(es)) {
				t.Errorf("%s last seq %d, %d events", ch.Slug, c.LastSeq, len(es))
			}
		}
	})
}

func TestPostReplies(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vb := e.Ready(ch, alice), e.Ready(ch, bob)
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		q := e.Post(ch, va, chat.PostInput{Body: "Why is the sky blue?", Kind: model.KindQuestion})
		wantWake(t, sub, q.Seq)
		r1 := e.Post(ch, vb, chat.PostInput{Body: "Rayleigh scattering", ParentID: q.ID, Kind: model.KindQuestion})
		if r1.ParentID == nil || *r1.ParentID != q.ID || r1.Kind != model.KindComment {
			t.Errorf("reply %+v: want parent %d, kind comment (questions-only mode allows replies)", r1, q.ID)
		}
		// The parent's update event follows the reply's creation event.
		wantWake(t, sub, r1.Seq+1)
		es, _ := store.EventsAfter(e.Ctx, db, ch.ID, r1.Seq, 0)
		if len(es) != 1 || es[0].Kind != model.EventMessageUpdated || es[0].MessageID == nil || *es[0].MessageID != q.ID {
			t.Errorf("events after reply %+v, want message.updated of the parent", es)
		}
		r2 := e.Post(ch, va, chat.PostInput{Body: "Thanks!", ParentID: r1.ID})
		if r2.ParentID == nil || *r2.ParentID != q.ID {
			t.Errorf("reply to a reply has parent %v, want the top message %d", r2.ParentID, q.ID)
		}
		wantWake(t, sub, r2.Seq+1)
		if got := e.Message(q.ID); got.ReplyCount != 2 {
			t.Errorf("parent reply count %d, want 2", got.ReplyCount)
		}
		if got := e.Message(r1.ID); got.ReplyCount != 0 {
			t.Errorf("middle reply's reply count %d, want 0", got.ReplyCount)
		}

		before := e.Reload(ch).LastSeq
		om := e.Post(other, e.Ready(other, alice), chat.PostInput{Body: "elsewhere"})
		for name, id := range map[string]int64{"other channel": om.ID, "missing": 1 << 40} {
			_, err := e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "reply", ParentID: id})
			if wantField(t, err, "parent_id"); err == nil {
				t.Errorf("reply to %s message accepted", name)
			}
		}
		if e.Reload(ch).LastSeq != before {
			t.Error("refused replies wrote events")
		}

		feed, err := e.Chat.Feed(e.Ctx, e.Reload(ch), vb, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(feed.Items) != 1 || feed.Items[0].Message.ID != q.ID || len(feed.Items[0].Replies) != 2 ||
			feed.Items[0].Replies[0].Message.ID != r1.ID || feed.Items[0].Replies[1].Message.ID != r2.ID {
			t.Errorf("feed threads %+v", feed.Items)
		}
		if feed.LastSeq != before {
			t.Errorf("feed last seq %d, want %d", feed.LastSeq, before)
		}
	})
}

func TestPostRules(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		emoji := func(n int) string { return strings.Repeat("😀", n) }

		type who int
		const (
			participant who = iota
			guest
			hostV
			staff
			visitor
			nonPoster
		)
		tests := []struct {
			name     string
			settings chat.ChannelInput
			who      who
			noJoin   bool
			in       chat.PostInput
			parent   bool // reply to a question posted by the host first
			want     want
			check    func(t *testing.T, m *model.Message)
		}{
			{name: "comment", in: chat.PostInput{Body: "hello"}},
			{name: "question", in: chat.PostInput{Body: "why?", Kind: model.KindQuestion},
				check: func(t *testing.T, m *model.Message) {
					if m.Kind != model.KindQuestion {
						t.Errorf("kind %q", m.Kind)
					}
				}},
			{name: "unknown kind", in: chat.PostInput{Body: "vote!", Kind: "poll"}, want: want{Field: "kind"}},
			{name: "body trimmed, CRLF normalised", in: chat.PostInput{Body: "  line one\r\nline two \n"},
				check: func(t *testing.T, m *model.Message) {
					if m.Body != "line one\nline two" {
						t.Errorf("body %q", m.Body)
					}
				}},
			{name: "empty body", in: chat.PostInput{Body: ""}, want: want{Field: "body"}},
			{name: "blank body", in: chat.PostInput{Body: " \r\n\t "}, want: want{Field: "body"}},
			{name: "NUL in body", in: chat.PostInput{Body: "a\x00b"}, want: want{Field: "body"}},
			{name: "invalid UTF-8", in: chat.PostInput{Body: "a\xffb"}, want: want{Field: "body"}},
			{name: "500 emoji at max 500", in: chat.PostInput{Body: emoji(500)},
				check: func(t *testing.T, m *model.Message) {
					if m.Body != emoji(500) {
						t.Errorf("body of %d bytes", len(m.Body))
					}
				}},
			{name: "501 emoji at max 500", in: chat.PostInput{Body: emoji(501)}, want: want{Field: "body"}},
			{name: "max 10, 10 runes", settings: chat.ChannelInput{MaxLength: ptr(10)}, in: chat.PostInput{Body: "ééééééééé!"}},
			{name: "max 10, 11 runes", settings: chat.ChannelInput{MaxLength: ptr(10)}, in: chat.PostInput{Body: "ééééééééé!!"}, want: want{Field: "body"}},
			{name: "anonymous allowed", in: chat.PostInput{Body: "psst", Anonymous: true},
				check: func(t *testing.T, m *model.Message) {
					if !m.Anonymous || m.AuthorUserID == nil {
						t.Errorf("anonymous %v author %v: the author is kept for staff", m.Anonymous, m.AuthorUserID)
					}
				}},
			{name: "anonymous not allowed", settings: chat.ChannelInput{AllowAnonymous: ptr(false)},
				in: chat.PostInput{Body: "psst", Anonymous: true}, want: want{Field: "anonymous"}},
			{name: "named post where anonymity is off", settings: chat.ChannelInput{AllowAnonymous: ptr(false)}, in: chat.PostInput{Body: "hi"}},
			{name: "questions only: comment", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				in: chat.PostInput{Body: "nice"}, want: want{Field: "kind"}},
			{name: "questions only: default kind", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				in: chat.PostInput{Body: "nice", Kind: ""}, want: want{Field: "kind"}},
			{name: "questions only: guest comment", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				who: guest, in: chat.PostInput{Body: "nice"}, want: want{Field: "kind"}},
			{name: "questions only: question", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				in: chat.PostInput{Body: "why?", Kind: model.KindQuestion}},
			{name: "questions only: reply", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				parent: true, in: chat.PostInput{Body: "me too"}},
			{name: "questions only: host comment", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				who: hostV, in: chat.PostInput{Body: "welcome"}},
			{name: "questions only: staff comment", settings: chat.ChannelInput{PostingMode: ptr(model.PostingQuestions)},
				who: staff, in: chat.PostInput{Body: "welcome"}},
			{name: "locked: participant", settings: chat.ChannelInput{PostingMode: ptr(model.PostingLocked)},
				in: chat.PostInput{Body: "hello"}, want: want{Problem: "channel_locked", Is: model.ErrForbidden}},
			{name: "locked: guest", settings: chat.ChannelInput{PostingMode: ptr(model.PostingLocked)},
				who: guest, in: chat.PostInput{Body: "hello"}, want: want{Problem: "channel_locked"}},
			{name: "locked: reply", settings: chat.ChannelInput{PostingMode: ptr(model.PostingLocked)},
				parent: true, in: chat.PostInput{Body: "hello"}, want: want{Problem: "channel_locked"}},
			{name: "locked: host", settings: chat.ChannelInput{PostingMode: ptr(model.PostingLocked)}, who: hostV, in: chat.PostInput{Body: "hello"}},
			{name: "locked: staff", settings: chat.ChannelInput{PostingMode: ptr(model.PostingLocked)}, who: staff, in: chat.PostInput{Body: "hello"}},
			{name: "guest", who: guest, in: chat.PostInput{Body: "hello"},
				check: func(t *testing.T, m *model.Message) {
					if m.AuthorGuestID == nil || m.AuthorUserID != nil || m.AuthorName != "Gus" {
						t.Errorf("guest message %+v", m)
					}
				}},
			{name: "visitor", who: visitor, in: chat.PostInput{Body: "hello"}, want: want{Is: model.ErrUnauthorized}},
			{name: "not a poster", who: nonPoster, in: chat.PostInput{Body: "hello"}, want: want{Problem: "cannot_post"}},
			{name: "not a member", settings: chat.ChannelInput{Visibility: ptr(model.VisibilityMembers)}, noJoin: true,
				in: chat.PostInput{Body: "hello"}, want: want{Problem: "not_a_member"}},
			{name: "join code not given", settings: chat.ChannelInput{Visibility: ptr(model.VisibilityJoinCode)}, noJoin: true,
				in: chat.PostInput{Body: "hello"}, want: want{Problem: "not_a_member"}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ch := e.Channel(host, fmt.Sprintf("rules-%d", i), tt.settings)
				in := tt.in
				if tt.parent {
					hv := e.Ready(ch, host)
					in.ParentID = e.Post(ch, hv, chat.PostInput{Body: "Question?", Kind: model.KindQuestion}).ID
				}
				var v chat.Viewer
				switch tt.who {
				case participant:
					if tt.noJoin {
						v = e.Viewer(ch, alice)
						e.Accept(ch, v)
					} else {
						v = e.Ready(ch, alice)
					}
				case guest:
					v, _ = e.Guest(ch, "Gus")
				case hostV:
					v = e.Ready(ch, host)
				case staff:
					v = e.Viewer(ch, mod)
					e.Accept(ch, v)
				case visitor:
				case nonPoster:
					v = e.Ready(ch, alice)
					v.Poster = false
				}
				before := e.Reload(ch)
				m, err := e.Chat.Post(e.Ctx, ch, v, in)
				tt.want.Check(t, err)
				if tt.want.Is != nil && tt.want.Problem != "" && !errors.Is(err, tt.want.Is) {
					t.Errorf("err %v is not %v", err, tt.want.Is)
				}
				after := e.Reload(ch)
				if err != nil {
					if m != nil || after.LastSeq != before.LastSeq || e.count(ch) != e.countBefore(before) {
						t.Errorf("refused post stored something: last seq %d -> %d", before.LastSeq, after.LastSeq)
					}
					return
				}
				if m.Seq != before.LastSeq+1 || after.LastSeq < m.Seq {
					t.Errorf("seq %d, last seq %d -> %d", m.Seq, before.LastSeq, after.LastSeq)
				}
				if stored := e.Message(m.ID); stored.Body != m.Body || stored.Kind != m.Kind || stored.Seq != m.Seq {
					t.Errorf("stored %+v, returned %+v", stored, m)
				}
				if tt.check != nil {
					tt.check(t, m)
				}
			})
		}
	})
}

// countBefore is the number of messages a channel held at ch's snapshot:
// every message took one event, so count messages with seq <= last seq.
func (e *env) countBefore(ch *model.Channel) int {
	e.T.Helper()
	n, err := e.DB.NewSelect().Model((*model.Message)(nil)).Where("channel_id = ?", ch.ID).Where("seq <= ?", ch.LastSeq).Count(e.Ctx)
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

func TestPostSession(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		v, vo := e.Ready(ch, alice), e.Ready(other, alice)

		if m := e.Post(ch, v, chat.PostInput{Body: "before"}); m.SessionID != nil {
			t.Errorf("session %v without a live session", *m.SessionID)
		}
		sess, err := e.Chat.StartSession(e.Ctx, host.ID, ch, "Week 1")
		if err != nil {
			t.Fatal(err)
		}
		m := e.Post(ch, v, chat.PostInput{Body: "during"})
		if m.SessionID == nil || *m.SessionID != sess.ID {
			t.Errorf("session %v, want %d", m.SessionID, sess.ID)
		}
		if got := e.Message(m.ID); got.SessionID == nil || *got.SessionID != sess.ID {
			t.Errorf("stored session %v", got.SessionID)
		}
		if m := e.Post(other, vo, chat.PostInput{Body: "elsewhere"}); m.SessionID != nil {
			t.Errorf("another channel's post took session %d", *m.SessionID)
		}
		next, err := e.Chat.StartSession(e.Ctx, host.ID, ch, "Week 2")
		if err != nil {
			t.Fatal(err)
		}
		if m := e.Post(ch, v, chat.PostInput{Body: "next"}); m.SessionID == nil || *m.SessionID != next.ID {
			t.Errorf("session %v, want the new session %d", m.SessionID, next.ID)
		}
		if _, err := e.Chat.EndSession(e.Ctx, host.ID, ch); err != nil {
			t.Fatal(err)
		}
		if m := e.Post(ch, v, chat.PostInput{Body: "after"}); m.SessionID != nil {
			t.Errorf("session %v after the session ended", *m.SessionID)
		}
	})
}

func TestSlowMode(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 100})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		bob := e.User("Bob", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "slow", chat.ChannelInput{SlowModeSeconds: ptr(30)})
		other := e.Channel(host, "fast", chat.ChannelInput{})
		va, vb, vh, vo := e.Ready(ch, alice), e.Ready(ch, bob), e.Ready(ch, host), e.Ready(other, alice)
		vm := e.Viewer(ch, mod)
		e.Accept(ch, vm)
		vg, _ := e.Guest(ch, "Gus")

		rate := func(err error, retry int) {
			t.Helper()
			var rl *model.RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, model.ErrRateLimited) {
				t.Fatalf("err = %v (%T), want a RateLimitError", err, err)
			}
			msg := fmt.Sprintf("you can post again in %d s", retry)
			if rl.RetryAfter != retry || !strings.Contains(rl.Message, msg) || !strings.HasPrefix(rl.Message, "Slow mode") {
				t.Errorf("retry after %d, message %q; want %d and %q", rl.RetryAfter, rl.Message, retry, msg)
			}
		}

		one := e.Post(ch, va, chat.PostInput{Body: "one"})
		at := func(d time.Duration) { e.Clock.Set(one.CreatedAt.Add(d)) }
		at(0)
		seq := e.Reload(ch).LastSeq
		_, err := e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "two"})
		rate(err, 30)
		if e.Reload(ch).LastSeq != seq {
			t.Error("slowed post stored")
		}
		// Alice's post does not hold back others; staff and hosts are exempt
		// from slow mode; slow mode is per channel.
		bobs := e.Post(ch, vb, chat.PostInput{Body: "bob"})
		e.Post(ch, vg, chat.PostInput{Body: "guest"})
		for i := range 3 {
			e.Post(ch, vm, chat.PostInput{Body: fmt.Sprintf("mod %d", i)})
			e.Post(ch, vh, chat.PostInput{Body: fmt.Sprintf("host %d", i)})
			e.Post(other, vo, chat.PostInput{Body: fmt.Sprintf("elsewhere %d", i)})
		}
		e.Clock.Set(bobs.CreatedAt.Add(12 * time.Second))
		_, err = e.Chat.Post(e.Ctx, ch, vb, chat.PostInput{Body: "bob again"})
		rate(err, 18)

		at(20 * time.Second)
		_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "two"})
		rate(err, 10)
		at(29*time.Second + 500*time.Millisecond)
		_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "two"})
		rate(err, 1) // half a second left: rounded up
		at(30 * time.Second)
		two := e.Post(ch, va, chat.PostInput{Body: "two"})
		e.Clock.Set(two.CreatedAt)
		_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "three"})
		rate(err, 30)

		// Slow mode off: Alice may post again at once.
		if _, err := e.Chat.UpdateChannel(e.Ctx, host.ID, ch.Slug, chat.ChannelInput{SlowModeSeconds: ptr(0)}); err != nil {
			t.Fatal(err)
		}
		e.Post(e.Reload(ch), va, chat.PostInput{Body: "three"})
	})
}

func TestRateLimit(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 3, RateWindow: time.Minute})
		host := e.User("Hana", model.RoleHost)
		alice := e.User("Alice", model.RoleParticipant)
		mod := e.User("Mo", model.RoleModerator)
		ch := e.Channel(host, "pub", chat.ChannelInput{})
		other := e.Channel(host, "other", chat.ChannelInput{})
		va, vo, vh := e.Ready(ch, alice), e.Ready(other, alice), e.Ready(ch, host)
		vm := e.Viewer(ch, mod)
		e.Accept(ch, vm)

		rate := func(err error, retry int) {
			t.Helper()
			var rl *model.RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, model.ErrRateLimited) {
				t.Fatalf("err = %v (%T), want a RateLimitError", err, err)
			}
			if rl.RetryAfter != retry || !strings.Contains(rl.Message, fmt.Sprintf("You can post again in %d s.", retry)) {
				t.Errorf("retry after %d, message %q; want %d", rl.RetryAfter, rl.Message, retry)
			}
		}
		first := e.Post(ch, va, chat.PostInput{Body: "msg 0"})
		e.Post(ch, va, chat.PostInput{Body: "msg 1"})
		e.Post(ch, va, chat.PostInput{Body: "msg 2"})
		e.Clock.Set(first.CreatedAt.Add(30 * time.Second))
		_, err := e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "too fast"})
		rate(err, 30) // the first leaves the window 60 s after it was posted
		if n := e.count(ch); n != 3 {
			t.Errorf("%d messages, want 3", n)
		}
		// Per channel; staff and hosts are exempt.
		for i := range 5 {
			if i < 3 {
				e.Post(other, vo, chat.PostInput{Body: fmt.Sprintf("other %d", i)})
			}
			e.Post(ch, vm, chat.PostInput{Body: fmt.Sprintf("mod %d", i)})
			e.Post(ch, vh, chat.PostInput{Body: fmt.Sprintf("host %d", i)})
		}
		e.Clock.Set(first.CreatedAt.Add(time.Minute))
		e.Post(ch, va, chat.PostInput{Body: "now"})
		// Three in the window again (msg 1, msg 2 and now): wait until msg 1
		// leaves it, less than a second later, rounded up.
		_, err = e.Chat.Post(e.Ctx, ch, va, chat.PostInput{Body: "too fast"})
		rate(err, 1)
	})
}

func TestConcurrentPosts(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{RateCount: 1000})
		host := e.User("Hana", model.RoleHost)
		ch, err := e.Chat.CreateChannel(e.Ctx, host.ID, chat.ChannelInput{Slug: ptr("busy"), Title: ptr("Busy")})
		if err != nil {
			t.Fatal(err)
		}
		const writers, each = 4, 25
		viewers := make([]chat.Viewer, writers)
		for i := range viewers {
			viewers[i] = e.Ready(ch, e.User(fmt.Sprintf("W%d", i), model.RoleParticipant))
		}
		sub := e.Hub.Subscribe(ch.ID)
		defer sub.Close()

		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if _, err := e.Chat.Post(e.Ctx, ch, viewers[w], chat.PostInput{Body: fmt.Sprintf("w%d-%d", w, i)}); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("post: %v", err)
		}
		ms, err := store.ListMessages(e.Ctx, db, store.MessageFilter{ChannelID: ch.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != writers*each {
			t.Fatalf("%d messages, want %d", len(ms), writers*each)
		}
		bodies := map[string]bool{}
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("message %d has seq %d: gap or duplicate", i, m.Seq)
			}
			bodies[m.Body] = true
		}
		if len(bodies) != writers*each {
			t.Errorf("%d distinct bodies", len(bodies))
		}
		es := e.Events(ch)
		if len(es) != writers*each || e.Reload(ch).LastSeq != writers*each {
			t.Errorf("%d events, last seq %d", len(es), e.Reload(ch).LastSeq)
		}
		for i, ev := range es {
			if ev.Seq != int64(i+1) || ev.Kind != model.EventMessageCreated || ev.MessageID == nil || *ev.MessageID != ms[i].ID {
				t.Fatalf("event %d: %+v, message %d", i, ev, ms[i].ID)
			}
		}
		wantWake(t, sub, writers*each)
	})
}

// A message's links are found once, when it is written or edited, and stored
// with it.
func TestPostStoresLinks(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "links", chat.ChannelInput{})
		v := e.Ready(ch, e.User("Alice", model.RoleParticipant))
		stored := func(id int64) string {
			t.Helper()
			m := e.Message(id)
			if m.Links == nil {
				t.Fatalf("message %d stored without its links", id)
			}
			return *m.Links
		}
		m := e.Post(ch, v, chat.PostInput{Body: "slides: example.org/talk and https://example.net/a?b=1"})
		if got := stored(m.ID); got != "8-24,29-54" {
			t.Errorf("links = %q; want 8-24,29-54", got)
		}
		if plain := e.Post(ch, v, chat.PostInput{Body: "no links, ada@example.org"}); stored(plain.ID) != "" {
			t.Errorf("a body without links stored %q", stored(plain.ID))
		}
		if _, err := e.Chat.Edit(e.Ctx, ch, v, m.ID, "now at  example.com"); err != nil {
			t.Fatal(err)
		}
		if got := stored(m.ID); got != "8-19" {
			t.Errorf("links after the edit = %q; want 8-19", got)
		}
	})
}

// The item of a message just posted, built without reading, is what reading
// it back gives.
func TestPostedItemIsTheStoredOne(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		e := newEnv(t, db, chat.Options{})
		host := e.User("Hana", model.RoleHost)
		ch := e.Channel(host, "posted", chat.ChannelInput{AllowAnonymous: ptr(true)})
		v := e.Ready(ch, e.User("Alice", model.RoleParticipant))
		var root int64
		for _, in := range []chat.PostInput{
			{Body: "a question at example.org", Kind: model.KindQuestion},
			{Body: "anonymous", Anonymous: true},
			{Body: "a reply", ParentID: -1},
		} {
			if in.ParentID == -1 {
				in.ParentID = root
			}
			m := e.Post(ch, v, in)
			root = cmp.Or(root, m.ID)
			read, err := e.Chat.MessageItem(e.Ctx, ch, v, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			posted := e.Chat.PostedItem(v, m)
			if !posted.Message.CreatedAt.Equal(read.Message.CreatedAt) {
				t.Errorf("message %d: created at %v posted, %v read", m.ID, posted.Message.CreatedAt, read.Message.CreatedAt)
			}
			posted.Message.CreatedAt = read.Message.CreatedAt
			if !reflect.DeepEqual(posted, *read) {
				t.Errorf("message %d:\nposted %+v\nread   %+v", m.ID, posted, *read)
			}
		}
	})
}
