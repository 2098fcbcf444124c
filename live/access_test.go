package live_test

import (
	"bufio"
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"backchannel/live"
)

// versionSource is a stored version a test changes by hand.
type versionSource struct {
	mu sync.Mutex
	v  string
}

func (s *versionSource) set(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v = v
}

func (s *versionSource) read(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v, nil
}

// A change of the version wakes every watcher once; an unchanged version
// wakes nobody.
func TestAccessWatchWakesOnChange(t *testing.T) {
	src := &versionSource{v: "1"}
	w := live.NewAccessWatch(src.read, time.Hour) // the test checks by hand
	ctx := context.Background()
	if err := w.Check(ctx); err != nil { // the first read learns the version
		t.Fatal(err)
	}
	c1, stop1 := w.Watch()
	c2, stop2 := w.Watch()
	defer stop1()
	defer stop2()
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c1:
		t.Fatal("woken without a change")
	default:
	}
	src.set("2")
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []<-chan struct{}{c1, c2} {
		select {
		case <-c:
		default:
			t.Fatal("a watcher was not woken by the change")
		}
	}
	next := w.Next()
	select {
	case <-next:
		t.Fatal("the next change's channel is closed already")
	default:
	}
}

// A stream re-checks its viewer when access changes, and ends cleanly when
// the viewer is no longer let in; while it is, the stream goes on.
func TestStreamEndsWhenRecheckRefuses(t *testing.T) {
	hub := live.NewHub(nil)
	defer hub.Close()
	src := &versionSource{v: "1"}
	w := live.NewAccessWatch(src.read, 10*time.Millisecond)
	allowed := make(chan bool, 4)
	checks := make(chan struct{}, 16)
	st := live.Stream{
		Subs:   []*live.Subscription{hub.Subscribe(1)},
		Flush:  func(context.Context, *bufio.Writer, int) error { return nil },
		Access: w,
		Recheck: func(context.Context) (bool, error) {
			checks <- struct{}{}
			select {
			case ok := <-allowed:
				return ok, nil
			default:
				return true, nil
			}
		},
	}
	done := make(chan error, 1)
	var buf bytes.Buffer
	go func() { done <- st.Serve(context.Background(), bufio.NewWriter(&buf)) }()
	waitCheck := func() {
		t.Helper()
		select {
		case <-checks:
		case <-time.After(10 * time.Second):
			t.Fatal("the stream never re-checked its viewer")
		}
	}
	waitCheck() // the watch's first read
	src.set("2")
	waitCheck()
	select {
	case err := <-done:
		t.Fatalf("the stream ended while its viewer was let in: %v", err)
	default:
	}
	allowed <- false
	src.set("3")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the stream ended with %v, want a clean end", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream went on after its viewer was refused")
	}
}
