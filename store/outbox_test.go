package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

func TestOutbox(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c := newChannel(t, db, "outbox")
		a := post(t, db, &model.Message{ChannelID: c.ID, Body: "a"})
		b := post(t, db, &model.Message{ChannelID: c.ID, Body: "b"})
		clearOutbox(t, db)
		if n, err := store.OutboxLen(ctx, db); err != nil || n != 0 {
			t.Fatalf("empty outbox length = %d, %v", n, err)
		}
		if err := store.EnqueueIndex(ctx, db); err != nil {
			t.Fatalf("enqueue nothing: %v", err)
		}
		if err := store.EnqueueIndex(ctx, db, b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.EnqueueIndex(ctx, db, b.ID); err != nil { // the same message again: a second entry
			t.Fatal(err)
		}
		if n, _ := store.OutboxLen(ctx, db); n != 3 {
			t.Fatalf("outbox length = %d; want 3", n)
		}
		batch, err := store.OutboxBatch(ctx, db, 2)
		if err != nil || len(batch) != 2 || batch[0].MessageID != b.ID || batch[1].MessageID != a.ID || batch[0].ID >= batch[1].ID {
			t.Fatalf("first batch = %+v, %v; want the two oldest in id order", batch, err)
		}
		if batch[0].CreatedAt.IsZero() {
			t.Error("entry without a time")
		}
		for _, tc := range []struct {
			ids  []int64
			want bool
		}{{[]int64{a.ID}, true}, {[]int64{b.ID + 100, b.ID}, true}, {[]int64{b.ID + 100}, false}} {
			if has, err := store.OutboxHas(ctx, db, tc.ids); err != nil || has != tc.want {
				t.Errorf("has %v = %v, %v; want %v", tc.ids, has, err, tc.want)
			}
		}
		if err := store.OutboxDone(ctx, db, nil); err != nil {
			t.Fatalf("done with nothing: %v", err)
		}
		if err := store.OutboxDone(ctx, db, []int64{batch[0].ID, batch[1].ID}); err != nil {
			t.Fatal(err)
		}
		rest, err := store.OutboxBatch(ctx, db, 10)
		if err != nil || len(rest) != 1 || rest[0].MessageID != b.ID {
			t.Fatalf("after done = %+v, %v; want b's second entry", rest, err)
		}
		if has, _ := store.OutboxHas(ctx, db, []int64{a.ID}); has {
			t.Error("a still waits after its entry was done")
		}
		// Entries written in a rolled-back transaction never appear.
		_ = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := store.EnqueueIndex(ctx, tx, a.ID); err != nil {
				t.Fatal(err)
			}
			return context.Canceled
		})
		if n, _ := store.OutboxLen(ctx, db); n != 1 {
			t.Errorf("outbox length after rollback = %d; want 1", n)
		}
	})
}

func TestIndexRows(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		c1, c2 := newChannel(t, db, "index-one"), newChannel(t, db, "index-two")
		var ms []*model.Message
		for i, ch := range []*model.Channel{c1, c2, c1, c2, c1} {
			ms = append(ms, post(t, db, &model.Message{ChannelID: ch.ID, Body: "m" + string(rune('0'+i))}))
		}
		ta, err := store.EnsureTag(ctx, db, "alpha", "#fde68a", 0)
		if err != nil {
			t.Fatal(err)
		}
		tz, err := store.EnsureTag(ctx, db, "zulu", "#bfdbfe", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range []*model.Tag{tz, ta} {
			if _, err := store.TagMessages(ctx, db, tag.ID, []int64{ms[0].ID}, 0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.TagMessages(ctx, db, tz.ID, []int64{ms[3].ID}, 0); err != nil {
			t.Fatal(err)
		}
		if rows, err := store.IndexRows(ctx, db, nil); err != nil || rows != nil {
			t.Errorf("no ids = %v, %v", rows, err)
		}
		rows, err := store.IndexRows(ctx, db, []int64{ms[3].ID, ms[0].ID, ms[4].ID + 100})
		if err != nil || len(rows) != 2 {
			t.Fatalf("index rows = %+v, %v; want 2 (the missing one left out)", rows, err)
		}
		byID := map[int64]store.IndexRow{}
		for _, r := range rows {
			byID[r.ID] = r
		}
		if r := byID[ms[0].ID]; r.ChannelSlug != "index-one" || !slices.Equal(r.Tags, []string{"alpha", "zulu"}) || r.Body != "m0" {
			t.Errorf("row of m0 = %+v", r)
		}
		if r := byID[ms[3].ID]; r.ChannelSlug != "index-two" || !slices.Equal(r.Tags, []string{"zulu"}) || r.Body != "m3" {
			t.Errorf("row of m3 = %+v", r)
		}
		// Rebuilding walks every message in id order, page by page.
		var walked []int64
		after := int64(0)
		for page := 0; ; page++ {
			rows, err := store.IndexRowsAfter(ctx, db, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				break
			}
			if len(rows) > 2 || page > 3 {
				t.Fatalf("page %d has %d rows", page, len(rows))
			}
			for _, r := range rows {
				walked = append(walked, r.ID)
				if r.ChannelSlug == "" {
					t.Errorf("row %d without its channel slug", r.ID)
				}
				after = r.ID
			}
		}
		var want []int64
		for _, m := range ms {
			want = append(want, m.ID)
		}
		if !slices.Equal(walked, want) {
			t.Errorf("walked %v; want %v", walked, want)
		}
		if n, err := store.CountMessages(ctx, db); err != nil || n != 5 {
			t.Errorf("count = %d, %v; want 5", n, err)
		}
	})
}

func TestLeases(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		const name = "indexer"
		steps := []struct {
			name   string
			do     func() (bool, error)
			want   bool
			holder string // who holds it afterwards ("" none)
		}{
			{"a takes a free lease", func() (bool, error) { return store.TakeLease(ctx, db, name, "a", time.Minute) }, true, "a"},
			{"b cannot take a's live lease", func() (bool, error) { return store.TakeLease(ctx, db, name, "b", time.Minute) }, false, "a"},
			{"a renews", func() (bool, error) { return store.TakeLease(ctx, db, name, "a", time.Minute) }, true, "a"},
			{"b's release does not free a's lease", func() (bool, error) { return true, store.ReleaseLease(ctx, db, name, "b") }, true, "a"},
			{"a releases", func() (bool, error) { return true, store.ReleaseLease(ctx, db, name, "a") }, true, ""},
			{"b takes it once free", func() (bool, error) { return store.TakeLease(ctx, db, name, "b", -time.Second) }, true, "b"},
			{"a takes b's expired lease", func() (bool, error) { return store.TakeLease(ctx, db, name, "a", time.Minute) }, true, "a"},
			{"b seizes a's live lease and is told", func() (bool, error) { return store.SeizeLease(ctx, db, name, "b", time.Minute) }, true, "b"},
			{"b seizes its own lease: nobody else had it", func() (bool, error) { return store.SeizeLease(ctx, db, name, "b", -time.Second) }, false, "b"},
			{"a seizes b's expired lease: nobody at work", func() (bool, error) { return store.SeizeLease(ctx, db, name, "a", time.Minute) }, false, "a"},
			{"c seizes a free lease", func() (bool, error) {
				if err := store.ReleaseLease(ctx, db, name, "a"); err != nil {
					return false, err
				}
				return store.SeizeLease(ctx, db, name, "c", time.Minute)
			}, false, "c"},
		}
		for _, s := range steps {
			got, err := s.do()
			if err != nil || got != s.want {
				t.Fatalf("%s: = %v, %v; want %v", s.name, got, err, s.want)
			}
			var holders []string
			if err := db.NewSelect().Table("leases").Column("holder").Where("name = ?", name).Scan(ctx, &holders); err != nil {
				t.Fatal(err)
			}
			if want := s.holder; (want == "" && len(holders) != 0) || (want != "" && !slices.Equal(holders, []string{want})) {
				t.Fatalf("%s: holders = %v; want %q", s.name, holders, want)
			}
		}
		// Leases are independent by name.
		if ok, err := store.TakeLease(ctx, db, "other", "a", time.Minute); err != nil || !ok {
			t.Errorf("another lease name = %v, %v", ok, err)
		}
	})
}

func TestTakeLeaseRace(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		const n = 8
		won := make(chan bool, n)
		for i := range n {
			go func() {
				ok, err := store.TakeLease(ctx, db, "race", "holder-"+string(rune('a'+i)), time.Minute)
				if err != nil {
					t.Error(err)
				}
				won <- ok
			}()
		}
		winners := 0
		for range n {
			if <-won {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("%d holders took the same lease; want 1", winners)
		}
	})
}
