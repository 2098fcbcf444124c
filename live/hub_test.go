package live_test

import (
	"sync"
	"testing"
	"time"

	"backchannel/live"
)

// recv returns the next value of s within a deadline.
func recv(t *testing.T, s *live.Subscription) int64 {
	t.Helper()
	select {
	case v, ok := <-s.C():
		if !ok {
			t.Fatal("subscription closed")
		}
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up within 5s")
		return 0
	}
}

// noWake asserts that s has nothing pending (the hub delivers synchronously,
// so there is nothing to wait for).
func noWake(t *testing.T, s *live.Subscription) {
	t.Helper()
	select {
	case v, ok := <-s.C():
		t.Fatalf("unexpected wake-up %d (open %v)", v, ok)
	default:
	}
}

func closedWithin(t *testing.T, s *live.Subscription) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.C():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription not closed")
		}
	}
}

func TestHubFanOut(t *testing.T) {
	h := live.NewHub(nil)
	defer h.Close()
	const n = 100
	subs := make([]*live.Subscription, n)
	for i := range subs {
		subs[i] = h.Subscribe(7)
	}
	if got := h.Subscribers(7); got != n {
		t.Fatalf("Subscribers = %d, want %d", got, n)
	}
	h.Publish(7, 1)
	for i, s := range subs {
		if v := recv(t, s); v != 1 {
			t.Fatalf("sub %d got %d, want 1", i, v)
		}
	}
	h.Publish(7, 2)
	for _, s := range subs {
		if v := recv(t, s); v != 2 {
			t.Fatalf("got %d, want 2", v)
		}
		noWake(t, s)
	}
}

func TestHubChannelIsolation(t *testing.T) {
	h := live.NewHub(nil)
	defer h.Close()
	a, b := h.Subscribe(1), h.Subscribe(2)
	h.Publish(1, 10)
	if v := recv(t, a); v != 10 {
		t.Fatalf("a got %d", v)
	}
	noWake(t, b)
	h.Publish(2, 3)
	h.Publish(99, 4) // nobody listens
	if v := recv(t, b); v != 3 {
		t.Fatalf("b got %d", v)
	}
	noWake(t, a)
	if h.Subscribers(1) != 1 || h.Subscribers(2) != 1 || h.Subscribers(99) != 0 || h.Channels() != 2 {
		t.Fatalf("counts: %d %d %d channels %d", h.Subscribers(1), h.Subscribers(2), h.Subscribers(99), h.Channels())
	}
}

func TestHubCoalescesForSlowSubscriber(t *testing.T) {
	h := live.NewHub(nil)
	defer h.Close()
	slow := h.Subscribe(5)
	fast := h.Subscribe(5)
	other := h.Subscribe(6)

	var fastMax int64
	fastDone := make(chan struct{})
	go func() {
		defer close(fastDone)
		for v := range fast.C() {
			fastMax = max(fastMax, v)
			if v == 10_000 {
				return
			}
		}
	}()

	done := make(chan struct{})
	go func() {
		defer close(done)
		for seq := int64(1); seq <= 10_000; seq++ {
			h.Publish(5, seq)
		}
		h.Publish(5, 42) // late and stale: never replaces a larger pending seq
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publisher blocked by a subscriber that never reads")
	}
	<-fastDone
	if fastMax != 10_000 {
		t.Fatalf("fast subscriber max = %d", fastMax)
	}
	if v := recv(t, slow); v != 10_000 {
		t.Fatalf("slow subscriber got %d, want the max seq 10000", v)
	}
	noWake(t, slow)
	noWake(t, other)

	// A seq already given is not given again; Resync always wakes.
	h.Publish(5, 10_000)
	noWake(t, slow)
	h.ResyncAll()
	if v := recv(t, slow); v != live.Resync {
		t.Fatalf("after ResyncAll got %d, want Resync", v)
	}
	if v := recv(t, other); v != live.Resync {
		t.Fatalf("other after ResyncAll got %d, want Resync", v)
	}
	// A pending seq wins over a Resync that comes after it, and vice versa.
	h.Publish(5, 10_001)
	h.ResyncAll()
	if v := recv(t, slow); v != 10_001 {
		t.Fatalf("got %d, want 10001", v)
	}
	h.ResyncAll()
	h.Publish(5, 10_002)
	if v := recv(t, slow); v != 10_002 {
		t.Fatalf("got %d, want 10002", v)
	}
}

func TestSubscriptionClose(t *testing.T) {
	h := live.NewHub(nil)
	defer h.Close()
	s, keep := h.Subscribe(3), h.Subscribe(3)
	h.Publish(3, 1)
	s.Close()
	s.Close() // idempotent
	if h.Subscribers(3) != 1 {
		t.Fatalf("Subscribers after Close = %d, want 1", h.Subscribers(3))
	}
	closedWithin(t, s) // the pending value may still be read first
	h.Publish(3, 2)    // must not panic on the closed subscription
	if v := recv(t, keep); v != 2 {
		t.Fatalf("keep got %d", v)
	}
	keep.Close()
	if h.Subscribers(3) != 0 || h.Channels() != 0 {
		t.Fatalf("counts after all closed: %d, %d", h.Subscribers(3), h.Channels())
	}
}

func TestHubClose(t *testing.T) {
	h := live.NewHub(nil)
	a, b := h.Subscribe(1), h.Subscribe(2)
	h.Close()
	h.Close() // idempotent
	closedWithin(t, a)
	closedWithin(t, b)
	a.Close() // closing after the hub is fine
	h.Publish(1, 5)
	h.ResyncAll()

	late := h.Subscribe(1)
	if _, ok := <-late.C(); ok {
		t.Fatal("Subscribe on a closed hub returned an open subscription")
	}
	late.Close()
	if h.Subscribers(1) != 0 {
		t.Fatalf("Subscribers on closed hub = %d", h.Subscribers(1))
	}
}

func TestHubConcurrent(t *testing.T) {
	const last = 3000 // every publisher publishes 1..last
	h := live.NewHub(nil)
	// Readers that keep their subscription until the hub closes, subscribed
	// before anything is published: each must end up woken with last.
	type reader struct {
		ch   int64
		got  chan int64 // every value received, in order
		done chan struct{}
	}
	var readers []*reader
	var wg sync.WaitGroup
	for i := range 4 {
		r := &reader{ch: int64(i % 2), got: make(chan int64, 4*last+100), done: make(chan struct{})}
		s := h.Subscribe(r.ch)
		readers = append(readers, r)
		go func() {
			defer close(r.done)
			for seq := range s.C() {
				r.got <- seq
			}
		}()
	}
	var publishers sync.WaitGroup
	for p := range 4 {
		publishers.Go(func() {
			for seq := int64(1); seq <= last; seq++ {
				h.Publish(int64(p%2), seq)
				if seq%100 == 0 {
					h.ResyncAll()
				}
			}
		})
	}
	for i := range 16 {
		wg.Go(func() {
			for range 200 {
				s := h.Subscribe(int64(i % 2))
				select {
				case <-s.C():
				default:
				}
				_ = h.Subscribers(int64(i % 2))
				if i%3 == 0 {
					wg.Go(s.Close) // Close racing with Publish and another Close
				}
				s.Close()
			}
		})
	}
	publishers.Wait()
	wg.Wait()
	// Every churning subscription is gone; the four long-lived ones remain.
	for ch := range int64(2) {
		if n := h.Subscribers(ch); n != 2 {
			t.Errorf("channel %d has %d subscribers after the churn, want 2", ch, n)
		}
	}
	// Each long-lived reader sees increasing seqs (Resync aside) and is
	// woken with the last one: a wake-up may be coalesced, never lost.
	deadline := time.After(time.Minute) // a generous bound, so a lost wake-up fails rather than hangs
	for i, r := range readers {
		prev := int64(0)
		for prev != last {
			var seq int64
			select {
			case seq = <-r.got:
			case <-deadline:
				t.Fatalf("reader %d: never woken with %d (last seq seen %d)", i, last, prev)
			}
			if seq != live.Resync && seq <= prev {
				t.Errorf("reader %d: seq %d after %d", i, seq, prev)
			}
			if seq != live.Resync {
				prev = seq
			}
		}
	}
	h.Close() // ends the long-lived readers
	for i, r := range readers {
		<-r.done
		close(r.got)
		for seq := range r.got {
			if seq != live.Resync {
				t.Errorf("reader %d: woken with %d after the last seq", i, seq)
			}
		}
	}
	if s := h.Subscribe(0); s != nil {
		if _, open := <-s.C(); open {
			t.Error("a subscription made after Close is open")
		}
	}
	for ch := range int64(2) {
		if n := h.Subscribers(ch); n != 0 {
			t.Errorf("channel %d has %d subscribers after Close", ch, n)
		}
	}
}
