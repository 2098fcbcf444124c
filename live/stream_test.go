package live_test

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backchannel/live"
)

// clientConn is the client's end of a stream: what has been written so far,
// safe to read while Serve writes. Once broken, every write fails.
type clientConn struct {
	mu     sync.Mutex
	buf    strings.Builder
	broken atomic.Bool
}

func (c *clientConn) Write(p []byte) (int, error) {
	if c.broken.Load() {
		return 0, errors.New("client gone")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *clientConn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// waitFor waits until the stream satisfies ok and returns it.
func (c *clientConn) waitFor(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := c.String()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream never had %s; it is %q", what, s)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// sources are the stream sources of the tests: each flush writes one event whose
// id is "source:flush number" and counts the flush.
type sources struct {
	mu      sync.Mutex
	flushes []int // per source
	gate    chan struct{}
	fail    map[int]error // a flush of source i fails with fail[i]
}

func newSources(n int) *sources { return &sources{flushes: make([]int, n)} }

func (s *sources) flush(ctx context.Context, w *bufio.Writer, i int) error {
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	s.flushes[i]++
	n := s.flushes[i]
	err := s.fail[i]
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return live.WriteEventID(w, strconv.Itoa(i)+":"+strconv.Itoa(n), "", []byte("from "+strconv.Itoa(i)))
}

func (s *sources) count(i int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushes[i]
}

// serve runs st on a new client connection; done receives Serve's result.
func serve(ctx context.Context, st live.Stream) (*clientConn, <-chan error) {
	conn := &clientConn{}
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx, bufio.NewWriter(conn)) }()
	return conn, done
}

func ended(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
		return nil
	}
}

// ids lists the ids of the stream's events, in order.
func ids(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, ev := range parseSSE(t, s) {
		if ev.ID != "" {
			out = append(out, ev.ID)
		}
	}
	return out
}

// The retry line comes first, then every source's initial flush in order,
// then one flush of a source per wake-up of its subscription — whether the
// stream follows one subscription or merges several.
func TestStreamInitialFlushAndWakeUps(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(strconv.Itoa(n)+" sources", func(t *testing.T) {
			hub := live.NewHub(nil)
			defer hub.Close()
			src := newSources(n)
			subs := make([]*live.Subscription, n)
			for i := range subs {
				subs[i] = hub.Subscribe(int64(100 + i))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			conn, done := serve(ctx, live.Stream{Subs: subs, Flush: src.flush, Retry: 1500 * time.Millisecond, Heartbeat: time.Hour})

			var initial []string
			for i := range n {
				initial = append(initial, strconv.Itoa(i)+":1")
			}
			s := conn.waitFor(t, "the initial flushes", func(s string) bool { return strings.Count(s, "id: ") == n })
			if !strings.HasPrefix(s, "retry: 1500\n\n") {
				t.Fatalf("stream does not start with the retry line: %q", s)
			}
			if got := ids(t, s); strings.Join(got, ",") != strings.Join(initial, ",") {
				t.Fatalf("initial ids %v, want %v", got, initial)
			}

			last := n - 1
			hub.Publish(int64(100+last), 7)
			s = conn.waitFor(t, "the woken source's flush", func(s string) bool { return strings.Count(s, "id: ") == n+1 })
			if got := ids(t, s); got[n] != strconv.Itoa(last)+":2" {
				t.Fatalf("after a wake-up of source %d: ids %v", last, got)
			}
			hub.Publish(999, 1) // a channel the stream does not follow
			hub.Publish(100, live.Resync)
			s = conn.waitFor(t, "the resync's flush", func(s string) bool { return strings.Count(s, "id: ") == n+2 })
			want := "0:2"
			if n == 1 {
				want = "0:3"
			}
			if got := ids(t, s); got[n+1] != want {
				t.Fatalf("after a resync of source 0: ids %v, want last %s", got, want)
			}
			for i := 1; i < n-1; i++ {
				if c := src.count(i); c != 1 {
					t.Errorf("source %d, never woken, was flushed %d times", i, c)
				}
			}
			cancel()
			if err := ended(t, done); err != nil {
				t.Fatalf("Serve after ctx ended = %v, want nil", err)
			}
			for i := range n {
				if hub.Subscribers(int64(100+i)) != 0 {
					t.Fatalf("subscription %d not closed when Serve returned", i)
				}
			}
		})
	}
}

// Wake-ups that arrive while a flush runs are merged: a source is flushed
// again once, not once per wake-up.
func TestStreamMergesWakeUps(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(strconv.Itoa(n)+" sources", func(t *testing.T) {
			hub := live.NewHub(nil)
			defer hub.Close()
			src := newSources(n)
			subs := subscribeEach(hub, n)
			conn, done := serve(context.Background(), live.Stream{Subs: subs, Flush: src.flush, Heartbeat: time.Hour})
			conn.waitFor(t, "the initial flushes", func(s string) bool { return strings.Count(s, "id: ") == n })

			src.mu.Lock()
			src.gate = make(chan struct{}) // flushes wait until it is closed
			gate := src.gate
			src.mu.Unlock()
			hub.Publish(1, 1) // starts a flush of source 0, which waits
			time.Sleep(20 * time.Millisecond)
			for seq := int64(2); seq <= 20; seq++ {
				for i := range n {
					hub.Publish(int64(i+1), seq)
				}
			}
			time.Sleep(20 * time.Millisecond)
			close(gate)
			conn.waitFor(t, "a flush of every source", func(string) bool {
				for i := range n {
					if src.count(i) < 2 {
						return false
					}
				}
				return true
			})
			time.Sleep(50 * time.Millisecond)
			for i := range n {
				// The initial flush, the one that waited, at most one for
				// everything published while it waited.
				if c := src.count(i); c > 3 {
					t.Errorf("source %d flushed %d times for 20 wake-ups: not merged", i, c)
				}
			}
			hub.Close()
			if err := ended(t, done); err != nil {
				t.Fatalf("Serve after the hub closed = %v, want nil", err)
			}
		})
	}
}

// An idle stream writes a heartbeat comment every Heartbeat.
func TestStreamHeartbeat(t *testing.T) {
	hub := live.NewHub(nil)
	defer hub.Close()
	src := newSources(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, done := serve(ctx, live.Stream{
		Subs:      []*live.Subscription{hub.Subscribe(1), hub.Subscribe(2)},
		Flush:     src.flush,
		Heartbeat: 5 * time.Millisecond,
	})
	s := conn.waitFor(t, "three heartbeats", func(s string) bool { return strings.Count(s, "\n: ping\n\n") >= 3 })
	if !strings.HasPrefix(s, "retry: 2000\n\n") {
		t.Fatalf("default retry: stream starts %q", s)
	}
	if strings.Index(s, ": ping") < strings.Index(s, "id: 1:1") {
		t.Fatalf("heartbeat before the initial flush: %q", s)
	}
	for _, ev := range parseSSE(t, s)[3:] {
		if len(ev.Comments) != 1 || ev.Comments[0] != "ping" || ev.ID != "" || ev.Data != "" {
			t.Fatalf("idle stream wrote %+v", ev)
		}
	}
	cancel()
	if err := ended(t, done); err != nil {
		t.Fatal(err)
	}
}

func TestStreamStops(t *testing.T) {
	errFlush := errors.New("database gone")
	tests := []struct {
		name string
		// stop ends the running stream; want is Serve's result.
		stop    func(hub *live.Hub, subs []*live.Subscription, conn *clientConn, src *sources)
		wantErr func(error) bool
	}{
		{"hub closed", func(hub *live.Hub, _ []*live.Subscription, _ *clientConn, _ *sources) { hub.Close() },
			func(err error) bool { return err == nil }},
		{"one subscription closed (access changed)", func(_ *live.Hub, subs []*live.Subscription, _ *clientConn, _ *sources) {
			subs[len(subs)-1].Close()
		}, func(err error) bool { return err == nil }},
		{"client gone: the heartbeat write fails", func(_ *live.Hub, _ []*live.Subscription, conn *clientConn, _ *sources) {
			conn.broken.Store(true)
		}, func(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "live: ") }},
		{"a flush fails", func(hub *live.Hub, _ []*live.Subscription, _ *clientConn, src *sources) {
			src.mu.Lock()
			src.fail = map[int]error{0: errFlush}
			src.mu.Unlock()
			hub.Publish(1, 5)
		}, func(err error) bool { return errors.Is(err, errFlush) }},
	}
	for _, n := range []int{1, 2} {
		for _, tt := range tests {
			t.Run(strconv.Itoa(n)+" sources/"+tt.name, func(t *testing.T) {
				hub := live.NewHub(nil)
				defer hub.Close()
				src := newSources(n)
				subs := make([]*live.Subscription, n)
				for i := range subs {
					subs[i] = hub.Subscribe(int64(i + 1))
				}
				conn, done := serve(context.Background(), live.Stream{Subs: subs, Flush: src.flush, Heartbeat: 5 * time.Millisecond})
				conn.waitFor(t, "the initial flushes", func(s string) bool { return strings.Count(s, "id: ") == n })
				tt.stop(hub, subs, conn, src)
				if err := ended(t, done); !tt.wantErr(err) {
					t.Fatalf("Serve = %v", err)
				}
				for i := range n {
					if hub.Subscribers(int64(i+1)) != 0 {
						t.Fatalf("subscription %d not closed when Serve returned", i)
					}
				}
			})
		}
	}
}

// A client already gone before anything is written: Serve fails on the
// retry line and flushes nothing.
func TestStreamClientGoneAtStart(t *testing.T) {
	hub := live.NewHub(nil)
	defer hub.Close()
	src := newSources(1)
	conn := &clientConn{}
	conn.broken.Store(true)
	err := live.Stream{Subs: []*live.Subscription{hub.Subscribe(1)}, Flush: src.flush}.Serve(context.Background(), bufio.NewWriter(conn))
	if err == nil || src.count(0) != 0 || hub.Subscribers(1) != 0 {
		t.Fatalf("Serve = %v, flushes %d, subscribers %d", err, src.count(0), hub.Subscribers(1))
	}
}

func TestStreamHeaders(t *testing.T) {
	got := map[string]string{}
	for _, h := range live.StreamHeaders() {
		got[h.Name] = h.Value
	}
	if got["Content-Type"] != "text/event-stream; charset=utf-8" || got["Cache-Control"] != "no-cache, no-store" ||
		got["X-Accel-Buffering"] != "no" {
		t.Fatalf("headers %v", got)
	}
}

// Events that come within the coalescing window after a write go out
// together at its end; the first after a quiet spell goes out at once.
func TestStreamCoalescesWrites(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(strconv.Itoa(n)+" sources", func(t *testing.T) {
			hub := live.NewHub(nil)
			defer hub.Close()
			src := newSources(n)
			subs := subscribeEach(hub, n)
			const window = time.Second
			conn, done := serve(context.Background(), live.Stream{Subs: subs, Flush: src.flush, Heartbeat: time.Hour, Coalesce: window})
			conn.waitFor(t, "the initial flushes", func(s string) bool { return strings.Count(s, "id: ") == n })

			// Quiet so far: the first wake-up is written at once, well
			// before a window could have passed.
			start := time.Now()
			hub.Publish(1, 1)
			conn.waitFor(t, "the first event", func(string) bool { return src.count(0) == 2 })
			if time.Since(start) >= window {
				t.Fatalf("the first event after a quiet spell waited %v", time.Since(start))
			}
			// A burst right after that write waits for the window's end
			// and goes out in one flush per source.
			for seq := int64(2); seq <= 10; seq++ {
				for i := range n {
					hub.Publish(int64(i+1), seq)
				}
			}
			time.Sleep(window / 4)
			if c := src.count(0); c != 2 {
				t.Errorf("source 0 flushed %d times within the window; want 2 (no write before its end)", c)
			}
			// Source 0: the initial flush, the first event, the burst;
			// the others: the initial flush and the burst.
			want := func(i int) int { return 2 + min(1, 1-i) }
			conn.waitFor(t, "the burst", func(string) bool {
				for i := range n {
					if src.count(i) < want(i) {
						return false
					}
				}
				return true
			})
			time.Sleep(window / 4)
			for i := range n {
				if c := src.count(i); c != want(i) {
					t.Errorf("source %d flushed %d times in all; want %d (one for the whole burst)", i, c, want(i))
				}
			}
			hub.Close()
			if err := ended(t, done); err != nil {
				t.Fatalf("Serve after the hub closed = %v, want nil", err)
			}
		})
	}
}

// subscribeEach subscribes to channels 1 to n, one subscription each.
func subscribeEach(hub *live.Hub, n int) []*live.Subscription {
	subs := make([]*live.Subscription, n)
	for i := range subs {
		subs[i] = hub.Subscribe(int64(i + 1))
	}
	return subs
}
