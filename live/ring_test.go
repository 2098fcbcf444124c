package live_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"backchannel/live"
)

// events is a fake database: per channel, the seqs 1..n committed so far.
type events struct {
	mu      sync.Mutex
	n       map[int64]int64
	fetches atomic.Int64
	fail    atomic.Bool
}

func (e *events) commit(ch int64) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n[ch]++
	return e.n[ch]
}

func (e *events) fetch(_ context.Context, ch, after int64, limit int) ([]int64, error) {
	e.fetches.Add(1)
	if e.fail.Load() {
		return nil, errors.New("database down")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []int64
	for s := after + 1; s <= e.n[ch] && len(out) < limit; s++ {
		out = append(out, s)
	}
	return out, nil
}

func newRing(t *testing.T, o live.RingOptions) (*live.Ring[int64], *events, *live.Hub) {
	t.Helper()
	db := &events{n: map[int64]int64{}}
	r := live.NewRing(o, db.fetch, func(s int64) int64 { return s })
	hub := live.NewHub(nil)
	t.Cleanup(hub.Close)
	hub.Observe(r)
	return r, db, hub
}

func contiguous(t *testing.T, got []int64, after int64, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("after %d: got %v, want %d entries", after, got, n)
	}
	for i, s := range got {
		if s != after+int64(i)+1 {
			t.Fatalf("after %d: got %v, want %d.. in order", after, got, after+1)
		}
	}
}

// However many streams ask after a publication, the database is read once.
func TestRingReadsOncePerPublication(t *testing.T) {
	r, db, hub := newRing(t, live.RingOptions{})
	ctx := context.Background()
	const streams = 1000
	pos := make([]int64, streams)
	for round := 1; round <= 5; round++ {
		seq := db.commit(7)
		hub.Publish(7, seq)
		before := db.fetches.Load()
		var wg sync.WaitGroup
		for i := range pos {
			wg.Go(func() {
				got, err := r.After(ctx, 7, pos[i], 0)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) != 1 || got[0] != pos[i]+1 {
					t.Errorf("stream %d after %d: %v", i, pos[i], got)
					return
				}
				pos[i] = got[0]
			})
		}
		wg.Wait()
		if n := db.fetches.Load() - before; n != 1 {
			t.Errorf("round %d: %d database reads for %d streams, want 1", round, n, streams)
		}
	}
}

// A stream that asks before the ring has seen a publication, or after a
// Resync, still gets everything; a stream older than the ring is served
// from the database; the ring keeps at most Size entries.
func TestRingCoverage(t *testing.T) {
	r, db, hub := newRing(t, live.RingOptions{Size: 4, Batch: 3})
	ctx := context.Background()
	for range 10 {
		hub.Publish(1, db.commit(1))
	}
	got, err := r.After(ctx, 1, 0, 100) // the first ask starts the ring at 0
	if err != nil {
		t.Fatal(err)
	}
	contiguous(t, got, 6, 4) // only Size entries stay: 7..10
	got, _ = r.After(ctx, 1, 2, 100)
	contiguous(t, got, 2, 8) // older than the ring: from the database
	got, _ = r.After(ctx, 1, 8, 1)
	contiguous(t, got, 8, 1)

	// A commit the hub never announced (a lost notification): Resync.
	db.commit(1)
	if got, _ := r.After(ctx, 1, 10, 100); len(got) != 0 {
		t.Fatalf("before the resync the ring does not know: %v", got)
	}
	hub.ResyncAll()
	got, _ = r.After(ctx, 1, 10, 100)
	contiguous(t, got, 10, 1)

	// A stream ahead of the ring (it read a newer position elsewhere, such as
	// a page's first paint) makes it catch up.
	db.commit(1)
	db.commit(1)
	got, _ = r.After(ctx, 1, 12, 100)
	contiguous(t, got, 12, 1)
	got, _ = r.After(ctx, 1, 11, 100)
	contiguous(t, got, 11, 2)
}

// A failed read is an error for the stream and is retried on the next ask.
func TestRingFailedReadRetries(t *testing.T) {
	r, db, hub := newRing(t, live.RingOptions{})
	ctx := context.Background()
	hub.Publish(3, db.commit(3))
	db.fail.Store(true)
	if _, err := r.After(ctx, 3, 0, 0); err == nil {
		t.Fatal("no error while the database is down")
	}
	db.fail.Store(false)
	got, err := r.After(ctx, 3, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	contiguous(t, got, 0, 1)
}

// Without a hub telling it what was published, the ring reads on every ask.
func TestRingUnobserved(t *testing.T) {
	db := &events{n: map[int64]int64{}}
	r := live.NewRing(live.RingOptions{}, db.fetch, func(s int64) int64 { return s })
	ctx := context.Background()
	db.commit(1)
	got, _ := r.After(ctx, 1, 0, 0)
	contiguous(t, got, 0, 1)
	db.commit(1)
	got, _ = r.After(ctx, 1, 1, 0)
	contiguous(t, got, 1, 1)
}

// Only Channels channels are kept; the least recently asked goes first and
// is read afresh when asked again.
func TestRingEvictsChannels(t *testing.T) {
	r, db, hub := newRing(t, live.RingOptions{Channels: 2})
	ctx := context.Background()
	for ch := int64(1); ch <= 3; ch++ {
		hub.Publish(ch, db.commit(ch))
		got, err := r.After(ctx, ch, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		contiguous(t, got, 0, 1)
	}
	before := db.fetches.Load()
	got, _ := r.After(ctx, 1, 0, 0) // evicted: starts again from the database
	contiguous(t, got, 0, 1)
	if db.fetches.Load() == before {
		t.Error("an evicted channel was served without reading")
	}
}

// An event is encoded once per audience however many streams ask, even at
// once; the cache keeps at most its size.
func TestFramesEncodeOncePerAudience(t *testing.T) {
	f := live.NewFrames(2)
	var builds atomic.Int64
	build := func(s string) func() ([]byte, error) {
		return func() ([]byte, error) { builds.Add(1); return []byte(s), nil }
	}
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Go(func() {
			aud := "participant"
			if i%10 == 0 {
				aud = "staff"
			}
			got, err := f.Get(live.FrameKey{Channel: 1, Seq: 5, Audience: aud}, build(aud))
			if err != nil || string(got) != aud {
				t.Errorf("got %q, %v", got, err)
			}
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 2 {
		t.Errorf("%d encodings for 2 audiences", n)
	}
	g := live.NewFrames(2)
	builds.Store(0)
	for _, seq := range []int64{1, 2, 3, 1} { // 3 pushes 1 out
		g.Get(live.FrameKey{Channel: 1, Seq: seq}, build("x"))
	}
	if n := builds.Load(); n != 4 {
		t.Errorf("%d encodings, want 4 once the oldest was dropped", n)
	}
}
