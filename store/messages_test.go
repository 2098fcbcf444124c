package store_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestInsertMessageWritesSeqEventReplyCountAndOutbox(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "insert")
		other := newChannel(t, db, "other")
		clearOutbox(t, db)

		root := post(t, db, &model.Message{ChannelID: c.ID, Body: "root", Kind: model.KindQuestion})
		if root.ID == 0 || root.Seq != 1 || root.State != model.StateVisible || root.CreatedAt.IsZero() {
			t.Fatalf("root = %+v; want id, seq 1, visible, created", root)
		}
		held := post(t, db, &model.Message{ChannelID: c.ID, Body: "held", State: model.StateHeld})
		if held.Seq != 2 || held.State != model.StateHeld {
			t.Fatalf("held = seq %d state %s", held.Seq, held.State)
		}
		if o := post(t, db, &model.Message{ChannelID: other.ID, Body: "elsewhere"}); o.Seq != 1 {
			t.Fatalf("another channel's first seq = %d; want 1", o.Seq)
		}
		r1 := post(t, db, &model.Message{ChannelID: c.ID, ParentID: &root.ID, Body: "reply 1"})
		r2 := post(t, db, &model.Message{ChannelID: c.ID, ParentID: &root.ID, Body: "reply 2"})
		// Each reply is followed by its thread's message.updated event.
		if r1.Seq != 3 || r2.Seq != 5 {
			t.Fatalf("reply seqs = %d, %d; want 3, 5", r1.Seq, r2.Seq)
		}

		got, err := store.MessageByID(ctx, db, root.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ReplyCount != 2 || got.Body != "root" || got.Kind != model.KindQuestion || !got.CreatedAt.Equal(root.CreatedAt) {
			t.Errorf("root read back = %+v; want 2 replies", got)
		}
		if ch, _ := store.ChannelByID(ctx, db, c.ID); ch.LastSeq != 6 {
			t.Errorf("channel last_seq = %d; want 6", ch.LastSeq)
		}
		es, err := store.EventsAfter(ctx, db, c.ID, 0, 0)
		if err != nil || len(es) != 6 {
			t.Fatalf("events = %+v, %v; want 6", es, err)
		}
		created, updated := model.EventMessageCreated, model.EventMessageUpdated
		for i, want := range []struct {
			kind model.EventKind
			m    *model.Message
		}{{created, root}, {created, held}, {created, r1}, {updated, root}, {created, r2}, {updated, root}} {
			e := es[i]
			if e.Seq != int64(i+1) || e.Kind != want.kind || e.MessageID == nil || *e.MessageID != want.m.ID {
				t.Errorf("event %d = %+v; want %s event of message %d", i, e, want.kind, want.m.ID)
			}
		}
		if ob := outboxIDs(t, db); len(ob) != 5 || !slices.Contains(ob, root.ID) || !slices.Contains(ob, r2.ID) {
			t.Errorf("outbox = %v; want every inserted message", ob)
		}

		// A failed insert inside a transaction leaves nothing behind.
		err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := store.InsertMessage(ctx, tx, &model.Message{ChannelID: c.ID, Kind: model.KindComment, AuthorName: "x", Body: "rolled back"}); err != nil {
				return err
			}
			return errors.New("abort")
		})
		if err == nil {
			t.Fatal("transaction did not fail")
		}
		if ch, _ := store.ChannelByID(ctx, db, c.ID); ch.LastSeq != 6 {
			t.Errorf("last_seq after rollback = %d; want 6", ch.LastSeq)
		}
		if n, _ := store.CountMessages(ctx, db); n != 5 {
			t.Errorf("messages after rollback = %d; want 5", n)
		}
		if err := store.InsertMessage(ctx, db, &model.Message{ChannelID: c.ID + 1000, Kind: model.KindComment, Body: "x"}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("insert into a missing channel: err = %v; want ErrNotFound", err)
		}
	})
}

func TestNextSeqAndAddEvent(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "events")
		m := post(t, db, &model.Message{ChannelID: c.ID, Body: "m"})
		if seq, err := store.NextSeq(ctx, db, c.ID); err != nil || seq != 2 {
			t.Fatalf("next seq = %d, %v; want 2", seq, err)
		}
		seq, err := store.AddEvent(ctx, db, c.ID, model.EventMessageUpdated, &m.ID)
		if err != nil || seq != 3 {
			t.Fatalf("add event = %d, %v; want 3", seq, err)
		}
		if seq, err := store.AddEvent(ctx, db, c.ID, model.EventChannelUpdated, nil); err != nil || seq != 4 {
			t.Fatalf("add channel event = %d, %v; want 4", seq, err)
		}
		if _, err := store.NextSeq(ctx, db, c.ID+1000); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("next seq of a missing channel: err = %v", err)
		}
		if _, err := store.AddEvent(ctx, db, c.ID+1000, model.EventChannelUpdated, nil); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("event in a missing channel: err = %v", err)
		}
		for _, tc := range []struct {
			after int64
			limit int
			want  []int64
		}{
			{0, 0, []int64{1, 3, 4}}, // seq 2 was taken but never written
			{1, 0, []int64{3, 4}},
			{0, 2, []int64{1, 3}},
			{4, 0, nil},
		} {
			es, err := store.EventsAfter(ctx, db, c.ID, tc.after, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.Seq)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("events after %d limit %d = %v; want %v", tc.after, tc.limit, got, tc.want)
			}
		}
		es, _ := store.EventsAfter(ctx, db, c.ID, 2, 1)
		if es[0].Kind != model.EventMessageUpdated || es[0].MessageID == nil || *es[0].MessageID != m.ID {
			t.Errorf("event 3 = %+v", es[0])
		}
		es, _ = store.EventsAfter(ctx, db, c.ID, 3, 1)
		if es[0].Kind != model.EventChannelUpdated || es[0].MessageID != nil {
			t.Errorf("event 4 = %+v", es[0])
		}
	})
}

func TestListMessages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "list")
		other := newChannel(t, db, "list-other")
		ada := newUser(t, db, "ada")
		g := newGuest(t, db, c.ID, "guest")
		m1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "1"})
		m2 := post(t, db, &model.Message{ChannelID: c.ID, Body: "2 held by ada", State: model.StateHeld, AuthorUserID: &ada.ID})
		m3 := post(t, db, &model.Message{ChannelID: c.ID, Body: "3 reply", ParentID: &m1.ID})
		m4 := post(t, db, &model.Message{ChannelID: c.ID, Body: "4 hidden"})
		if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("state = ?", model.StateHidden).Where("id = ?", m4.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		m5 := post(t, db, &model.Message{ChannelID: c.ID, Body: "5 held by guest", State: model.StateHeld, AuthorGuestID: &g.ID})
		m6 := post(t, db, &model.Message{ChannelID: c.ID, Body: "6 deleted by ada", State: model.StateDeleted, AuthorUserID: &ada.ID})
		m7 := post(t, db, &model.Message{ChannelID: c.ID, Body: "7 reply to 3", ParentID: &m3.ID})
		post(t, db, &model.Message{ChannelID: other.ID, Body: "elsewhere"})
		for _, m := range []*model.Message{m7, m7, m1} { // votes: 7 → 2, 1 → 1
			if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("vote_count = vote_count + 1").Where("id = ?", m.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		visible := []model.MessageState{model.StateVisible}
		for _, tc := range []struct {
			name string
			f    store.MessageFilter
			want []*model.Message
		}{
			{"every state in seq order", store.MessageFilter{}, []*model.Message{m1, m2, m3, m4, m5, m6, m7}},
			{"after seq", store.MessageFilter{AfterSeq: m4.Seq}, []*model.Message{m5, m6, m7}},
			{"visible only", store.MessageFilter{States: visible}, []*model.Message{m1, m3, m7}},
			{"two states", store.MessageFilter{States: []model.MessageState{model.StateHeld, model.StateHidden}}, []*model.Message{m2, m4, m5}},
			{"visible or ada's own, not deleted", store.MessageFilter{States: visible, VisibleOr: &model.Actor{UserID: ada.ID}}, []*model.Message{m1, m2, m3, m7}},
			{"visible or the guest's own", store.MessageFilter{States: visible, VisibleOr: &model.Actor{GuestID: g.ID}}, []*model.Message{m1, m3, m5, m7}},
			{"zero actor is everyone", store.MessageFilter{States: visible, VisibleOr: &model.Actor{}}, []*model.Message{m1, m3, m7}},
			{"top level", store.MessageFilter{TopLevel: true}, []*model.Message{m1, m2, m4, m5, m6}},
			{"replies to", store.MessageFilter{ParentIDs: []int64{m1.ID, m3.ID}}, []*model.Message{m3, m7}},
			{"top by votes then seq", store.MessageFilter{States: visible, Sort: "top"}, []*model.Message{m7, m1, m3}},
			{"top with limit", store.MessageFilter{Sort: "top", Limit: 2}, []*model.Message{m7, m1}},
			{"oldest with limit", store.MessageFilter{Limit: 2}, []*model.Message{m1, m2}},
			{"newest with limit, ascending", store.MessageFilter{Limit: 3, Newest: true}, []*model.Message{m5, m6, m7}},
			{"newest visible", store.MessageFilter{States: visible, Limit: 2, Newest: true}, []*model.Message{m3, m7}},
			{"other channel", store.MessageFilter{ChannelID: other.ID}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := tc.f
				if f.ChannelID == 0 {
					f.ChannelID = c.ID
				}
				ms, err := store.ListMessages(ctx, db, f)
				if err != nil {
					t.Fatal(err)
				}
				var want []int64
				for _, m := range tc.want {
					want = append(want, m.ID)
				}
				if f.ChannelID == other.ID {
					if len(ms) != 1 || ms[0].Body != "elsewhere" {
						t.Errorf("other channel = %+v", ms)
					}
					return
				}
				if got := ids(ms); !slices.Equal(got, want) {
					t.Errorf("ids = %v; want %v", got, want)
				}
			})
		}
	})
}

func TestMessagesByIDAndUpdateMessage(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "update")
		a := post(t, db, &model.Message{ChannelID: c.ID, Body: "a"})
		b := post(t, db, &model.Message{ChannelID: c.ID, Body: "b"})
		if ms, err := store.MessagesByID(ctx, db, nil); err != nil || ms != nil {
			t.Errorf("no ids = %v, %v", ms, err)
		}
		ms, err := store.MessagesByID(ctx, db, []int64{b.ID, a.ID, b.ID + 100})
		got := ids(ms)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, []int64{a.ID, b.ID}) {
			t.Fatalf("by id = %v, %v", got, err)
		}
		if _, err := store.MessageByID(ctx, db, b.ID+100); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing message: err = %v", err)
		}

		clearOutbox(t, db)
		edited := time.Now().UTC().Truncate(time.Second)
		m, _ := store.MessageByID(ctx, db, a.ID)
		m.Body, m.State, m.EditedAt, m.Pinned, m.Highlighted, m.Answered, m.Flagged, m.ModReason =
			"a edited", model.StateHidden, &edited, true, true, true, true, "off topic"
		m.VoteCount, m.ReplyCount, m.AuthorName, m.Seq = 99, 99, "Mallory", 99 // not columns UpdateMessage writes
		if err := store.UpdateMessage(ctx, db, m); err != nil {
			t.Fatal(err)
		}
		got2, _ := store.MessageByID(ctx, db, a.ID)
		if got2.Body != "a edited" || got2.State != model.StateHidden || got2.EditedAt == nil || !got2.EditedAt.Equal(edited) ||
			!got2.Pinned || !got2.Highlighted || !got2.Answered || !got2.Flagged || got2.ModReason != "off topic" {
			t.Errorf("updated = %+v", got2)
		}
		if got2.VoteCount != 0 || got2.ReplyCount != 0 || got2.AuthorName != "Ada" || got2.Seq != a.Seq {
			t.Errorf("update wrote columns it should not: %+v", got2)
		}
		if ob := outboxIDs(t, db); !slices.Equal(ob, []int64{a.ID}) {
			t.Errorf("outbox = %v; want [%d]", ob, a.ID)
		}
		m.ID = b.ID + 100
		if err := store.UpdateMessage(ctx, db, m); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("update of a missing message: err = %v", err)
		}
	})
}

// A batch of posts is numbered in order, counts each thread's replies once
// and wakes each thread with one event, in five statements.
func TestInsertPostsBatch(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "batch")
		root := post(t, db, &model.Message{ChannelID: c.ID, Body: "root"})
		other := post(t, db, &model.Message{ChannelID: c.ID, Body: "other root"})
		clearOutbox(t, db)
		batch := []*model.Message{
			{ChannelID: c.ID, Kind: model.KindComment, AuthorName: "a", Body: "one"},
			{ChannelID: c.ID, Kind: model.KindComment, AuthorName: "b", Body: "two", ParentID: &root.ID},
			{ChannelID: c.ID, Kind: model.KindComment, AuthorName: "c", Body: "three", ParentID: &other.ID, State: model.StateHeld},
			{ChannelID: c.ID, Kind: model.KindComment, AuthorName: "d", Body: "four", ParentID: &root.ID},
		}
		log := &statements{}
		db.AddQueryHook(log)
		var last int64
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			last, err = store.InsertPosts(ctx, tx, c.ID, batch)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := log.count(); n > 5+2 { // BEGIN and COMMIT besides
			t.Errorf("a batch of 4 took %d statements; want at most 5", n-2)
		}
		// 2 messages before; 4 created and 2 threads updated now.
		if last != 8 {
			t.Errorf("last seq = %d; want 8", last)
		}
		for i, m := range batch {
			if m.ID == 0 || m.Seq != int64(3+i) || m.CreatedAt.IsZero() {
				t.Errorf("message %d = id %d seq %d; want an id and seq %d", i, m.ID, m.Seq, 3+i)
			}
			got, err := store.MessageByID(ctx, db, m.ID)
			if err != nil || got.Body != m.Body || got.Seq != m.Seq {
				t.Errorf("message %d read back = %+v, %v", i, got, err)
			}
		}
		if batch[0].State != model.StateVisible || batch[2].State != model.StateHeld {
			t.Errorf("states = %s, %s; want visible, held", batch[0].State, batch[2].State)
		}
		for _, want := range []struct {
			m       *model.Message
			replies int
		}{{root, 2}, {other, 1}} {
			if got, _ := store.MessageByID(ctx, db, want.m.ID); got.ReplyCount != want.replies {
				t.Errorf("%q has %d replies; want %d", want.m.Body, got.ReplyCount, want.replies)
			}
		}
		es, err := store.EventsAfter(ctx, db, c.ID, 6, 0)
		if err != nil || len(es) != 2 {
			t.Fatalf("events after the created ones = %+v, %v; want 2", es, err)
		}
		if es[0].Kind != model.EventMessageUpdated || *es[0].MessageID != root.ID || es[1].Seq != 8 || *es[1].MessageID != other.ID {
			t.Errorf("update events = %+v, %+v; want the threads in order of first reply", es[0], es[1])
		}
		if ob := outboxIDs(t, db); len(ob) != 4 {
			t.Errorf("outbox = %v; want the 4 new messages", ob)
		}
		if _, err := store.InsertPosts(ctx, db, c.ID+1000, []*model.Message{{ChannelID: c.ID + 1000, Body: "x"}}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("batch to a missing channel: err = %v; want not found", err)
		}
		if _, err := store.InsertPosts(ctx, db, c.ID, []*model.Message{{ChannelID: c.ID + 1, Body: "x"}}); err == nil {
			t.Error("a message for another channel was accepted in the batch")
		}
	})
}

func TestRecentPosts(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "recent")
		other := newChannel(t, db, "recent-other")
		ada := newUser(t, db, "ada")
		g := newGuest(t, db, c.ID, "gus")
		now := time.Now().UTC()
		at := func(m *model.Message, ago time.Duration) {
			if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("created_at = ?", now.Add(-ago)).Where("id = ?", m.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		at(post(t, db, &model.Message{ChannelID: c.ID, Body: "old", AuthorUserID: &ada.ID}), time.Hour)
		at(post(t, db, &model.Message{ChannelID: c.ID, Body: "recent", AuthorUserID: &ada.ID}), 20*time.Second)
		at(post(t, db, &model.Message{ChannelID: c.ID, Body: "newest", AuthorUserID: &ada.ID}), 5*time.Second)
		at(post(t, db, &model.Message{ChannelID: other.ID, Body: "elsewhere", AuthorUserID: &ada.ID}), time.Second)
		at(post(t, db, &model.Message{ChannelID: c.ID, Body: "guest", AuthorGuestID: &g.ID}), 2*time.Second)

		adaKey, gusKey := model.Actor{UserID: ada.ID}.Key(), model.Actor{GuestID: g.ID}.Key()
		both := []model.Actor{{UserID: ada.ID}, {GuestID: g.ID}}
		recent, err := store.RecentPostsBy(ctx, db, c.ID, both, now.Add(-time.Minute))
		ts := recent[adaKey]
		if err != nil || len(ts) != 2 {
			t.Fatalf("ada's recent posts = %v, %v; want 2", recent, err)
		}
		if !ts[0].After(ts[1]) || now.Sub(ts[0]) < 4*time.Second || now.Sub(ts[0]) > 6*time.Second {
			t.Errorf("recent posts not newest first: %v", ts)
		}
		if len(recent[gusKey]) != 1 || len(recent) != 2 {
			t.Errorf("recent posts = %v; want ada's 2 and the guest's 1", recent)
		}
		if r, _ := store.RecentPostsBy(ctx, db, c.ID, both[:1], now.Add(-2*time.Hour)); len(r[adaKey]) != 3 || len(r) != 1 {
			t.Errorf("ada's posts in two hours = %v; want 3 and nobody else's", r)
		}
		if r, _ := store.RecentPostsBy(ctx, db, c.ID, both, now); len(r) != 0 {
			t.Errorf("posts since now = %v; want none", r)
		}
		if r, err := store.RecentPostsBy(ctx, db, c.ID, nil, now.Add(-time.Hour)); err != nil || len(r) != 0 {
			t.Errorf("posts of nobody = %v, %v", r, err)
		}
	})
}

func TestReactions(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "react")
		a := post(t, db, &model.Message{ChannelID: c.ID, Body: "a"})
		b := post(t, db, &model.Message{ChannelID: c.ID, Body: "b"})
		pal := model.Reactions() // 👍 ❤️ 😂 🎉 😮 👏
		for _, tc := range []struct {
			msg   int64
			actor string
			emoji string
			want  bool
		}{
			{a.ID, "u:1", pal[5], true}, // added first but sorts last
			{a.ID, "u:1", pal[0], true},
			{a.ID, "u:2", pal[0], true},
			{a.ID, "g:3", pal[0], true},
			{a.ID, "u:2", pal[5], true},
			{a.ID, "u:2", pal[5], false}, // toggled off again
			{b.ID, "u:2", pal[1], true},
		} {
			on, err := store.ToggleReaction(ctx, db, tc.msg, tc.actor, tc.emoji)
			if err != nil || on != tc.want {
				t.Fatalf("toggle %d %s %s = %v, %v; want %v", tc.msg, tc.actor, tc.emoji, on, err, tc.want)
			}
		}
		for _, tc := range []struct {
			viewer string
			want   map[int64][]store.ReactionSummary
		}{
			{"u:1", map[int64][]store.ReactionSummary{
				a.ID: {{Emoji: pal[0], Count: 3, Mine: true}, {Emoji: pal[5], Count: 1, Mine: true}},
				b.ID: {{Emoji: pal[1], Count: 1}},
			}},
			{"u:2", map[int64][]store.ReactionSummary{
				a.ID: {{Emoji: pal[0], Count: 3, Mine: true}, {Emoji: pal[5], Count: 1}},
				b.ID: {{Emoji: pal[1], Count: 1, Mine: true}},
			}},
			{"", map[int64][]store.ReactionSummary{
				a.ID: {{Emoji: pal[0], Count: 3}, {Emoji: pal[5], Count: 1}},
				b.ID: {{Emoji: pal[1], Count: 1}},
			}},
		} {
			got, err := store.Reactions(ctx, db, []int64{a.ID, b.ID}, tc.viewer)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("viewer %q: %v; want %v", tc.viewer, got, tc.want)
			}
			for id, want := range tc.want {
				if !slices.Equal(got[id], want) {
					t.Errorf("viewer %q, message %d: %v; want %v", tc.viewer, id, got[id], want)
				}
			}
		}
		if got, err := store.Reactions(ctx, db, nil, "u:1"); err != nil || got == nil || len(got) != 0 {
			t.Errorf("no messages = %v, %v; want an empty map", got, err)
		}
		if got, _ := store.Reactions(ctx, db, []int64{b.ID}, "u:1"); len(got) != 1 {
			t.Errorf("only b = %v", got)
		}
	})
}

func TestVotes(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "votes")
		q := post(t, db, &model.Message{ChannelID: c.ID, Body: "q", Kind: model.KindQuestion})
		r := post(t, db, &model.Message{ChannelID: c.ID, Body: "r", Kind: model.KindQuestion})
		clearOutbox(t, db)
		for i, tc := range []struct {
			actor   string
			up      bool
			want    int
			queued  bool
			message int64
		}{
			{"u:1", true, 1, true, q.ID},
			{"u:1", true, 1, false, q.ID}, // a second up vote changes nothing
			{"u:2", true, 2, true, q.ID},
			{"g:3", true, 3, true, q.ID},
			{"u:2", false, 2, true, q.ID},
			{"u:2", false, 2, false, q.ID}, // nothing to take back
			{"u:9", false, 0, false, r.ID},
			{"u:2", true, 1, true, r.ID},
		} {
			clearOutbox(t, db)
			n, err := store.SetVote(ctx, db, tc.message, tc.actor, tc.up)
			if err != nil || n != tc.want {
				t.Fatalf("step %d: vote %s up=%v = %d, %v; want %d", i, tc.actor, tc.up, n, err, tc.want)
			}
			if ob := outboxIDs(t, db); (len(ob) == 1 && ob[0] == tc.message) != tc.queued || len(ob) > 1 {
				t.Errorf("step %d: outbox = %v; queued want %v", i, ob, tc.queued)
			}
		}
		if m, _ := store.MessageByID(ctx, db, q.ID); m.VoteCount != 2 {
			t.Errorf("stored vote count = %d; want 2", m.VoteCount)
		}
		for _, tc := range []struct {
			actor string
			want  map[int64]bool
		}{
			{"u:1", map[int64]bool{q.ID: true}},
			{"u:2", map[int64]bool{r.ID: true}},
			{"g:3", map[int64]bool{q.ID: true}},
			{"u:9", map[int64]bool{}},
			{"", map[int64]bool{}},
		} {
			got, err := store.VotedBy(ctx, db, []int64{q.ID, r.ID}, tc.actor)
			if err != nil || len(got) != len(tc.want) {
				t.Errorf("voted by %q = %v, %v; want %v", tc.actor, got, err, tc.want)
			}
			for id := range tc.want {
				if !got[id] {
					t.Errorf("voted by %q = %v; want %v", tc.actor, got, tc.want)
				}
			}
		}
		if got, err := store.VotedBy(ctx, db, nil, "u:1"); err != nil || len(got) != 0 {
			t.Errorf("voted by with no messages = %v, %v", got, err)
		}
		if _, err := store.SetVote(ctx, db, r.ID+100, "u:1", false); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("vote on a missing message: err = %v; want ErrNotFound", err)
		}
	})
}

func TestConcurrentVotesAreCounted(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "race")
		q := post(t, db, &model.Message{ChannelID: c.ID, Body: "q", Kind: model.KindQuestion})
		const voters = 8
		errs := make(chan error, voters)
		for i := range voters {
			go func() {
				errs <- db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					_, err := store.SetVote(ctx, tx, q.ID, "u:"+string(rune('a'+i)), true)
					return err
				})
			}()
		}
		for range voters {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := store.MessageByID(ctx, db, q.ID); m.VoteCount != voters {
			t.Errorf("vote count after %d concurrent votes = %d", voters, m.VoteCount)
		}
	})
}

func TestLockChannel(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "lock")
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := store.LockChannel(ctx, tx, c.ID); err != nil {
				return err
			}
			_, err := store.NextSeq(ctx, tx, c.ID)
			return err
		})
		if err != nil {
			t.Fatalf("lock inside a transaction: %v", err)
		}
		if !store.IsPostgres(db) {
			return
		}
		// On PostgreSQL the lock holds a second writer until the first commits.
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := store.LockChannel(ctx, tx, c.ID); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if err := db.RunInTx(wctx, nil, func(ctx context.Context, tx2 bun.Tx) error {
			return store.LockChannel(ctx, tx2, c.ID)
		}); err == nil {
			t.Error("second lock taken while the first transaction holds it")
		}
	})
}

// statements counts the statements run through a bun.DB.
type statements struct{ n atomic.Int64 }

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (s *statements) AfterQuery(context.Context, *bun.QueryEvent)                        { s.n.Add(1) }
func (s *statements) count() int                                                         { return int(s.n.Load()) }
