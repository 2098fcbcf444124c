package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backchannel/store"
	"backchannel/testenv"
)

func TestBumpVersion(t *testing.T) {
	t.Parallel()
	testenv.EachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		seen := map[string]bool{}
		at := time.Now()
		for i := range 5 {
			// The same time twice still gives a new value.
			if err := store.BumpVersion(ctx, db, "filters_version", at); err != nil {
				t.Fatal(err)
			}
			v, err := store.Setting(ctx, db, "filters_version", "")
			if err != nil || v == "" || seen[v] {
				t.Fatalf("bump %d = %q, %v; want a new value", i, v, err)
			}
			seen[v] = true
		}
		if v, _ := store.Setting(ctx, db, "other_version", "none"); v != "none" {
			t.Errorf("bumping one key set another: %q", v)
		}
	})
}

func TestVersionPoll(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	const every = 10 * time.Second
	var p store.VersionPoll

	stamp, ok := p.Due(t0, every)
	if !ok || stamp != t0.UnixNano() {
		t.Fatalf("zero value: due = %d, %v; want at once", stamp, ok)
	}
	if _, ok := p.Due(t0.Add(5*time.Second), every); ok {
		t.Error("due again within the interval")
	}
	if _, ok := p.Due(t0.Add(every), every); !ok {
		t.Error("not due after the interval")
	}
	// A failed ask is retried at once.
	s2, ok := p.Due(t0.Add(3*every), every)
	if !ok {
		t.Fatal("not due after three intervals")
	}
	p.Retry(s2)
	if _, ok := p.Due(t0.Add(3*every+time.Second), every); !ok {
		t.Error("not due at once after Retry")
	}
	// Retry with a stale stamp does nothing.
	p.Retry(s2)
	if _, ok := p.Due(t0.Add(3*every+2*time.Second), every); ok {
		t.Error("a stale Retry reset the poll")
	}
	// Loaded counts as an ask.
	p.Loaded(t0.Add(10 * every))
	if _, ok := p.Due(t0.Add(10*every+time.Second), every); ok {
		t.Error("due right after Loaded")
	}
	p.AskNow()
	if _, ok := p.Due(t0.Add(10*every+2*time.Second), every); !ok {
		t.Error("not due after AskNow")
	}

	// Of many goroutines asking at once, one is due.
	var q store.VersionPoll
	q.Loaded(t0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	due := 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := q.Due(t0.Add(every), every); ok {
				mu.Lock()
				due++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if due != 1 {
		t.Errorf("%d goroutines were due at once; want 1", due)
	}
}
