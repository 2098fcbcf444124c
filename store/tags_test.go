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

func TestEnsureTag(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		staff := newUser(t, db, "staff")
		if ts, err := store.Tags(ctx, db); err != nil || len(ts) != 0 {
			t.Fatalf("no tags = %v, %v", ts, err)
		}
		q, err := store.EnsureTag(ctx, db, "question", "#fde68a", staff.ID)
		if err != nil || q.ID == 0 || q.Colour != "#fde68a" || q.CreatedBy == nil || *q.CreatedBy != staff.ID {
			t.Fatalf("created = %+v, %v", q, err)
		}
		again, err := store.EnsureTag(ctx, db, "question", "#bfdbfe", 0)
		if err != nil || again.ID != q.ID || again.Colour != "#fde68a" {
			t.Errorf("ensure again = %+v, %v; want the first tag, colour kept", again, err)
		}
		anon, err := store.EnsureTag(ctx, db, "Answered", "#bbf7d0", 0)
		if err != nil || anon.CreatedBy != nil {
			t.Fatalf("tag by nobody = %+v, %v", anon, err)
		}
		if _, err := store.EnsureTag(ctx, db, "bug", "#fecaca", 0); err != nil {
			t.Fatal(err)
		}
		ts, err := store.Tags(ctx, db)
		var names []string
		for _, tg := range ts {
			names = append(names, tg.Name)
		}
		if err != nil || !slices.Equal(names, []string{"Answered", "bug", "question"}) {
			t.Errorf("tags = %v, %v; want sorted by name", names, err)
		}
		if got, err := store.TagByName(ctx, db, "bug"); err != nil || got.Colour != "#fecaca" {
			t.Errorf("by name = %+v, %v", got, err)
		}
		if _, err := store.TagByName(ctx, db, "nope"); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("missing tag: err = %v", err)
		}
	})
}

func TestTagAndUntagMessages(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "tagging")
		staff := newUser(t, db, "staff")
		a := post(t, db, &model.Message{ChannelID: c.ID, Body: "a"})
		b := post(t, db, &model.Message{ChannelID: c.ID, Body: "b"})
		d := post(t, db, &model.Message{ChannelID: c.ID, Body: "d"})
		red, _ := store.EnsureTag(ctx, db, "red", "#fecaca", 0)
		blue, _ := store.EnsureTag(ctx, db, "blue", "#bfdbfe", 0)
		clearOutbox(t, db)

		added, err := store.TagMessages(ctx, db, red.ID, []int64{a.ID, b.ID}, staff.ID)
		if err != nil || !slices.Equal(added, []int64{a.ID, b.ID}) {
			t.Fatalf("tag = %v, %v", added, err)
		}
		if ob := outboxIDs(t, db); !slices.Equal(ob, []int64{a.ID, b.ID}) {
			t.Errorf("outbox after tagging = %v", ob)
		}
		clearOutbox(t, db)
		added, err = store.TagMessages(ctx, db, red.ID, []int64{b.ID, d.ID}, 0)
		if err != nil || !slices.Equal(added, []int64{d.ID}) {
			t.Fatalf("tag again = %v, %v; want only the new one", added, err)
		}
		if ob := outboxIDs(t, db); !slices.Equal(ob, []int64{d.ID}) {
			t.Errorf("outbox after tagging again = %v; want only d", ob)
		}
		if _, err := store.TagMessages(ctx, db, blue.ID, []int64{b.ID}, 0); err != nil {
			t.Fatal(err)
		}
		var mt model.MessageTag
		if err := db.NewSelect().Model(&mt).Where("message_id = ?", a.ID).Where("tag_id = ?", red.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if mt.TaggedBy == nil || *mt.TaggedBy != staff.ID || mt.CreatedAt.IsZero() {
			t.Errorf("message tag = %+v; want tagged by staff", mt)
		}
		names, err := store.TagNamesOf(ctx, db, []int64{a.ID, b.ID, d.ID, d.ID + 100})
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64][]string{a.ID: {"red"}, b.ID: {"blue", "red"}, d.ID: {"red"}, d.ID + 100: nil} {
			if !slices.Equal(names[id], want) {
				t.Errorf("names of %d = %v; want %v", id, names[id], want)
			}
		}
		if names, err := store.TagNamesOf(ctx, db, nil); err != nil || names == nil || len(names) != 0 {
			t.Errorf("names of nothing = %v, %v; want an empty map", names, err)
		}

		clearOutbox(t, db)
		removed, err := store.UntagMessages(ctx, db, red.ID, []int64{d.ID, a.ID, d.ID + 100})
		if err != nil || !slices.Equal(removed, []int64{a.ID, d.ID}) {
			t.Fatalf("untag = %v, %v; want a and d in id order", removed, err)
		}
		if ob := outboxIDs(t, db); len(ob) != 2 || !slices.Contains(ob, a.ID) || !slices.Contains(ob, d.ID) {
			t.Errorf("outbox after untagging = %v", ob)
		}
		clearOutbox(t, db)
		if removed, err := store.UntagMessages(ctx, db, red.ID, []int64{a.ID}); err != nil || removed != nil {
			t.Errorf("untag again = %v, %v; want nothing", removed, err)
		}
		if removed, err := store.UntagMessages(ctx, db, red.ID, nil); err != nil || removed != nil {
			t.Errorf("untag nothing = %v, %v", removed, err)
		}
		if ob := outboxIDs(t, db); len(ob) != 0 {
			t.Errorf("untagging nothing queued %v", ob)
		}
		names, _ = store.TagNamesOf(ctx, db, []int64{a.ID, b.ID, d.ID})
		if len(names[a.ID]) != 0 || !slices.Equal(names[b.ID], []string{"blue", "red"}) || len(names[d.ID]) != 0 {
			t.Errorf("names after untagging = %v", names)
		}
	})
}

func TestThreadIDsAndAuthorNames(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "threads")
		r1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "root 1"})
		r2 := post(t, db, &model.Message{ChannelID: c.ID, Body: "root 2"})
		x1 := post(t, db, &model.Message{ChannelID: c.ID, Body: "reply to 1", ParentID: &r1.ID})
		x2 := post(t, db, &model.Message{ChannelID: c.ID, Body: "reply to 2", ParentID: &r2.ID})
		x3 := post(t, db, &model.Message{ChannelID: c.ID, Body: "another reply to 1", ParentID: &r1.ID})
		for _, tc := range []struct {
			roots []int64
			want  []int64
		}{
			{[]int64{r1.ID}, []int64{r1.ID, x1.ID, x3.ID}},
			{[]int64{r2.ID, r1.ID}, []int64{r1.ID, r2.ID, x1.ID, x2.ID, x3.ID}},
			{[]int64{x1.ID}, []int64{x1.ID}},
			{nil, nil},
		} {
			if got, err := store.ThreadIDs(ctx, db, tc.roots); err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("threads of %v = %v, %v; want %v", tc.roots, got, err, tc.want)
			}
		}

		newUser(t, db, "Ada Lovelace")
		u2 := &model.User{Email: "ada2@example.org", DisplayName: "Ada Lovelace", PasswordHash: "h"}
		if err := store.CreateUser(ctx, db, u2); err != nil {
			t.Fatal(err)
		}
		newUser(t, db, "Bob")
		newGuest(t, db, c.ID, "Visitor")
		names, err := store.AuthorNames(ctx, db)
		slices.Sort(names)
		if err != nil || !slices.Equal(names, []string{"Ada Lovelace", "Bob", "Visitor"}) {
			t.Errorf("author names = %v, %v; want each name once, guests included", names, err)
		}
	})
}

func TestSetTagColour(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		tag, err := store.EnsureTag(ctx, db, "exam", "blue", 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SetTagColour(ctx, db, tag, "green"); err != nil || tag.Colour != "green" {
			t.Fatalf("set colour: %v, %q", err, tag.Colour)
		}
		if got, _ := store.TagByName(ctx, db, "exam"); got.Colour != "green" {
			t.Errorf("stored colour %q", got.Colour)
		}
	})
}
