package search_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
	"backchannel/transcripts"
)

// ixSetup is a fresh database with one channel, its message source and the
// built-in engine over it.
func ixSetup(t *testing.T, db *bun.DB) (search.Source, search.Engine, *model.Channel) {
	t.Helper()
	ctx := context.Background()
	ch := &model.Channel{Slug: "ix-test", Title: "Indexer", ChannelSettings: model.ChannelSettings{
		Visibility: model.VisibilityPublic, PostingMode: model.PostingOpen, PremodMode: model.PremodOff, MaxLength: 500}}
	if err := store.CreateChannel(ctx, db, ch); err != nil {
		t.Fatal(err)
	}
	e := search.NewSQL(db)
	if err := e.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	return transcripts.NewIndexSource(db), e, ch
}

func ixPost(t *testing.T, db *bun.DB, ch *model.Channel, body string) *model.Message {
	t.Helper()
	m := &model.Message{ChannelID: ch.ID, AuthorName: "Kim", Kind: model.KindComment, Body: body}
	if err := store.InsertMessage(context.Background(), db, m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ixFind(t *testing.T, e search.Engine, ch *model.Channel, text string) []int64 {
	t.Helper()
	res, err := e.Search(context.Background(), search.Query{Text: text, Scopes: []search.Scope{{ChannelIDs: []int64{ch.ID}}}, Sort: search.SortOldest, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func ixOutbox(t *testing.T, db *bun.DB) int {
	t.Helper()
	n, err := store.OutboxLen(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The indexer writes new and changed messages and removes those whose
// body retention removed; handled outbox entries are gone.
func TestIndexerFollowsChanges(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		src, e, ch := ixSetup(t, db)
		ix := search.NewIndexer(e, src, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a := ixPost(t, db, ch, "osmosis across membranes")
		b := ixPost(t, db, ch, "diffusion and osmosis")
		if n := ixOutbox(t, db); n != 2 {
			t.Fatalf("outbox = %d entries, want 2", n)
		}
		if got := ixFind(t, e, ch, "osmosis"); len(got) != 0 {
			t.Fatalf("found %v before indexing", got)
		}
		if err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ixFind(t, e, ch, "osmosis"); len(got) != 2 || got[0] != a.ID || got[1] != b.ID {
			t.Errorf("osmosis finds %v, want %d %d", got, a.ID, b.ID)
		}
		if n := ixOutbox(t, db); n != 0 {
			t.Errorf("outbox = %d after draining", n)
		}

		a.Body = "tonicity of solutions"
		if err := store.UpdateMessage(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if _, err := db.NewUpdate().Model((*model.Message)(nil)).Set("body = ''").Set("body_removed_at = ?", now).Where("id = ?", b.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := store.EnqueueIndex(ctx, db, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := ix.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ixFind(t, e, ch, "osmosis"); len(got) != 0 {
			t.Errorf("osmosis still finds %v after the edit and the removal", got)
		}
		if got := ixFind(t, e, ch, "tonicity"); len(got) != 1 || got[0] != a.ID {
			t.Errorf("tonicity finds %v, want %d", got, a.ID)
		}
	})
}

// flaky is the real engine behind a switch that makes writes fail, as when
// the engine is down.
type flaky struct {
	search.Engine
	down  atomic.Bool
	fails atomic.Int32
}

func (f *flaky) Upsert(ctx context.Context, docs []search.Doc) error {
	if f.down.Load() {
		f.fails.Add(1)
		return errors.New("engine down")
	}
	return f.Engine.Upsert(ctx, docs)
}

// While the engine fails, changes wait in the outbox and the indexer
// retries; when it is back, everything is indexed.
func TestIndexerRetriesWhileEngineDown(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		src, e, ch := ixSetup(t, db)
		f := &flaky{Engine: e}
		f.down.Store(true)
		ix := search.NewIndexer(f, src, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ix.Idle, ix.MaxBackoff = 10*time.Millisecond, 50*time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = ix.Run(ctx) }()
		defer func() { cancel(); <-done }()

		for i := 0; i < 5; i++ {
			ixPost(t, db, ch, "photosynthesis needs light")
		}
		deadline := time.Now().Add(10 * time.Second)
		for f.fails.Load() < 3 {
			if time.Now().After(deadline) {
				t.Fatalf("the indexer tried %d times in 10 s", f.fails.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if n := ixOutbox(t, db); n != 5 {
			t.Fatalf("outbox = %d while the engine is down, want 5", n)
		}
		f.down.Store(false)
		for ixOutbox(t, db) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("outbox still holds %d entries", ixOutbox(t, db))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if got := ixFind(t, e, ch, "photosynthesis"); len(got) != 5 {
			t.Errorf("found %d messages, want 5", len(got))
		}
	})
}

// One instance at a time holds the indexer lease; another takes it over
// once it expires.
func TestIndexerLease(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		src, _, _ := ixSetup(t, db)
		take := func(holder string, ttl time.Duration) bool {
			t.Helper()
			ok, err := src.TakeLease(ctx, holder, ttl)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a", time.Minute) {
			t.Fatal("a cannot take a free lease")
		}
		if take("b", time.Minute) {
			t.Fatal("b took a's lease")
		}
		// a renews for a time already over: its lease has expired (no
		// sleeping on the wall clock).
		if !take("a", -time.Second) {
			t.Fatal("a cannot renew its lease")
		}
		if !take("b", time.Minute) {
			t.Fatal("b cannot take an expired lease")
		}
		if take("a", time.Minute) {
			t.Fatal("a took b's lease back")
		}
	})
}

// Rebuild writes every message again into an emptied index.
func TestRebuild(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		src, e, ch := ixSetup(t, db)
		for i := 0; i < 25; i++ {
			ixPost(t, db, ch, "mitochondria power cells")
		}
		var calls, last int
		if err := search.Rebuild(ctx, e, src, 10, func(done, total int) { calls++; last = done }); err != nil {
			t.Fatal(err)
		}
		if calls != 3 || last != 25 {
			t.Errorf("progress called %d times, last %d; want 3 and 25", calls, last)
		}
		if got := ixFind(t, e, ch, "mitochondria"); len(got) != 25 {
			t.Errorf("found %d after rebuild, want 25", len(got))
		}
	})
}

// TestRebuildPausesIndexer: a rebuild run beside a server takes the lease
// from its indexer; changes made during the rebuild wait in the outbox and
// are indexed once the rebuild ends.
func TestRebuildPausesIndexer(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src, e, ch := ixSetup(t, db)
		for i := 0; i < 30; i++ {
			ixPost(t, db, ch, "ribosome protein")
		}
		ix := search.NewIndexer(e, src, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ix.Idle = 20 * time.Millisecond
		done := make(chan struct{})
		go func() { defer close(done); _ = ix.Run(ctx) }()
		defer func() { cancel(); <-done }()
		ixEventually(t, 10*time.Second, func() bool { return ixOutbox(t, db) == 0 })

		var late *model.Message
		pendingAtEnd := -1
		err := search.Rebuild(ctx, e, src, 10, func(done, total int) {
			if late == nil {
				late = ixPost(t, db, ch, "ribosome assembly")
				time.Sleep(300 * time.Millisecond) // ten indexer turns
			}
			if done == total {
				pendingAtEnd = ixOutbox(t, db)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if pendingAtEnd != 1 {
			t.Errorf("the outbox held %d entries when the rebuild ended, want the 1 change made during it", pendingAtEnd)
		}
		ixEventually(t, 20*time.Second, func() bool { return len(ixFind(t, e, ch, "assembly")) == 1 })
		if got := ixFind(t, e, ch, "ribosome"); len(got) != 31 {
			t.Errorf("found %d after the rebuild and the indexer, want 31", len(got))
		}
	})
}

// ixEventually waits until cond holds, failing the test after limit.
func ixEventually(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not so after %s", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
