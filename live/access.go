package live

import (
	"context"
	"sync"
	"time"
)

// AccessPoll is how often, at most, an AccessWatch asks whether access
// changed while streams are open: an open stream re-checks its viewer
// within about this long of a change made on any instance.
const AccessPoll = 500 * time.Millisecond

// AccessWatch tells open streams that access may have changed somewhere: a
// role granted or revoked (the policy version), an account disabled, a
// session ended, a token revoked, a ban or a mute given or lifted (the
// access version). Each stream then re-checks its own viewer once, so a
// change costs one check per open stream, never a database read per stream
// per event.
//
// It asks the database (through read) at most once per interval, from one
// goroutine, and only while some stream watches: an instance without open
// streams asks nothing. Safe for concurrent use.
type AccessWatch struct {
	read     func(ctx context.Context) (string, error)
	interval time.Duration

	mu       sync.Mutex
	version  string        // the version last read ("" before the first read)
	changed  chan struct{} // closed when version changes; then replaced
	watchers int
	stop     chan struct{} // closed to stop the poller; nil while none runs
}

// NewAccessWatch returns a watch that reads the current access version with
// read every interval (AccessPoll when <= 0). read returns any text that
// changes whenever access may have changed.
func NewAccessWatch(read func(ctx context.Context) (string, error), interval time.Duration) *AccessWatch {
	if interval <= 0 {
		interval = AccessPoll
	}
	return &AccessWatch{read: read, interval: interval, changed: make(chan struct{})}
}

// Watch registers a stream: it returns the channel closed at the next
// change, and a function to end the watch. A nil AccessWatch never changes.
func (w *AccessWatch) Watch() (<-chan struct{}, func()) {
	if w == nil {
		return nil, func() {}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.watchers++
	if w.stop == nil {
		w.stop = make(chan struct{})
		go w.poll(w.stop)
	}
	var once sync.Once
	return w.changed, func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.watchers--
			if w.watchers == 0 {
				close(w.stop)
				w.stop = nil
			}
		})
	}
}

// Next returns the channel closed at the change after the one that closed
// the channel a stream held (Watch's, or Next's).
func (w *AccessWatch) Next() <-chan struct{} {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// Check reads the version now and, when it changed, wakes every watcher.
// The poller calls it every interval; tests and a change made on this
// instance may call it to be told at once.
func (w *AccessWatch) Check(ctx context.Context) error {
	v, err := w.read(ctx)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if v != w.version {
		// The first read wakes the watchers too: a change made between a
		// stream's own check (when it opened) and that read would
		// otherwise go unseen. One spare check per stream.
		close(w.changed)
		w.changed = make(chan struct{})
		w.version = v
	}
	return nil
}

// poll checks every interval until stop is closed. The version read last
// is kept while no stream watches, so a change made meanwhile wakes the
// streams that open later (a spare check for them).
func (w *AccessWatch) poll(stop chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		_ = w.Check(ctx) // a failed read is read again at the next tick
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
