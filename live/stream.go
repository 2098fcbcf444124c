package live

import (
	"bufio"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// RetryDelay is the reconnection delay a stream announces first: a client
// that loses the connection waits this long before reconnecting (and then
// resumes from its Last-Event-ID).
const RetryDelay = 2 * time.Second

// Header is one HTTP response header of an event stream.
type Header struct{ Name, Value string }

// StreamHeaders returns the response headers of every event stream: the
// content type, no caching, a kept-alive connection, and no buffering by a
// proxy in front (nginx's X-Accel-Buffering).
func StreamHeaders() []Header {
	return []Header{
		{"Content-Type", "text/event-stream; charset=utf-8"},
		{"Cache-Control", "no-cache, no-store"},
		{"Connection", "keep-alive"},
		{"X-Accel-Buffering", "no"},
	}
}

// FlushFunc writes to w everything source i (the stream's i-th subscription)
// has that the client has not been sent yet, reading it from the database.
// It keeps the source's position itself. An error ends the stream.
type FlushFunc func(ctx context.Context, w *bufio.Writer, i int) error

// Stream is the one SSE loop every event stream runs: it follows one or
// more hub subscriptions (a channel page follows its channel; the
// moderators' wall merges every channel it shows) and writes what each
// source has whenever its subscription wakes.
//
// Serve writes, in order:
//
//   - the retry line (Retry, or RetryDelay when zero);
//   - Flush of every source, in order: what the client missed (the replay
//     from Last-Event-ID or ?since=, which Flush knows from its position);
//   - then, as the subscriptions wake, Flush of each source that woke, in
//     source order (wake-ups coming while a flush runs are merged: a source
//     is flushed once more for any number of them), and a heartbeat comment
//     (": ping") every Heartbeat (HeartbeatInterval when zero), so that a
//     client that has gone is noticed by the failed write.
//
// Serve stops when ctx ends, when a subscription is closed (Hub.Close on
// shutdown closes them all), or when Flush or a write fails. It closes every
// subscription before returning: the caller hands them over to Serve and
// must not use them after.
type Stream struct {
	// Subs are the subscriptions followed; source i is Subs[i].
	Subs []*Subscription
	// Flush writes what source i has after its position.
	Flush FlushFunc
	// Retry is the reconnection delay announced first; RetryDelay when zero.
	Retry time.Duration
	// Heartbeat is the interval of the heartbeat comment; HeartbeatInterval
	// when zero. Tests set it shorter.
	Heartbeat time.Duration
	// Coalesce is the least time between two writes of events
	// (CoalesceWindow when zero, none when negative): events that arrive
	// sooner after a write wait for the window's end and go out together,
	// so a busy channel costs each stream one write per window instead of
	// one per event, while the first event after a quiet spell goes out at
	// once.
	Coalesce time.Duration
	// Access, when set with Recheck, tells the stream that access may have
	// changed (a role, an account, a session or token, a sanction): the
	// stream then calls Recheck once, and ends (cleanly: the client
	// reconnects and is asked again) when it answers false. Recheck may
	// also refresh what Flush uses of the viewer; it runs on the loop's
	// goroutine, never beside Flush.
	Access  *AccessWatch
	Recheck func(ctx context.Context) (bool, error)
}

// CoalesceWindow is the default least time between a stream's writes of
// events. A class reading along does not notice 25 ms; at 200 messages a
// second it turns five writes (system calls) into one.
const CoalesceWindow = 25 * time.Millisecond

// Serve runs the stream on w until it stops (see Stream). It returns nil
// when ctx ended or the hub closed a subscription, and the error of Flush or
// of the failed write otherwise.
func (s Stream) Serve(ctx context.Context, w *bufio.Writer) error {
	return s.run(ctx, fixedWriter{w})
}

// writers hands the loop a writer for each burst of writes (the retry
// line, a flush, a heartbeat) and takes it back after, sending what it
// holds: a stream on its own connection (Conns.Serve) holds a buffer only
// while it has bytes to send, so an idle stream holds none.
type writers interface {
	get() *bufio.Writer
	// put flushes what w still holds and takes it back.
	put(w *bufio.Writer) error
}

// fixedWriter is one writer for the whole stream (Serve).
type fixedWriter struct{ w *bufio.Writer }

func (f fixedWriter) get() *bufio.Writer { return f.w }
func (fixedWriter) put(w *bufio.Writer) error {
	return w.Flush()
}

// run is the loop of Serve over ws.
func (s Stream) run(ctx context.Context, ws writers) error {
	wake := s.merge()
	defer wake.stop()
	var access <-chan struct{}
	if s.Recheck != nil {
		var unwatch func()
		access, unwatch = s.Access.Watch()
		defer unwatch()
	}

	retry := s.Retry
	if retry <= 0 {
		retry = RetryDelay
	}
	// burst writes with one writer from ws and sends what it wrote.
	burst := func(write func(w *bufio.Writer) error) error {
		w := ws.get()
		err := write(w)
		if perr := ws.put(w); err == nil {
			err = perr
		}
		return err
	}
	err := burst(func(w *bufio.Writer) error {
		err := WriteRetry(w, int(retry.Milliseconds()))
		for i := 0; err == nil && i < len(s.Subs); i++ {
			err = s.Flush(ctx, w, i)
		}
		return err
	})
	if err != nil {
		return err
	}
	every := s.Heartbeat
	if every <= 0 {
		every = HeartbeatInterval
	}
	heartbeat := time.NewTicker(every)
	defer heartbeat.Stop()
	window := s.Coalesce
	if window == 0 {
		window = CoalesceWindow
	}
	var (
		lastWrite time.Time
		due       *time.Timer
		dueC      <-chan time.Time // set while events wait for the window's end
	)
	defer func() {
		if due != nil {
			due.Stop()
		}
	}()
	flush := func() error {
		lastWrite = time.Now()
		return burst(func(w *bufio.Writer) error {
			var err error
			for i := 0; err == nil && i < len(s.Subs); i++ {
				if wake.dirty(i) {
					err = s.Flush(ctx, w, i)
				}
			}
			return err
		})
	}
	for {
		// While a flush is due, the loop does not take kicks: the hub's
		// next wake-ups find the kick already pending and return at once,
		// without scheduling this goroutine for nothing.
		kick := wake.kick
		if dueC != nil {
			kick = nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake.closed:
			return nil
		case _, open := <-kick:
			if !open {
				return nil
			}
			if wait := window - time.Since(lastWrite); window > 0 && wait > 0 {
				if due == nil {
					due = time.NewTimer(wait)
				} else {
					due.Reset(wait)
				}
				dueC = due.C
				continue
			}
			err = flush()
		case <-dueC:
			dueC = nil
			select { // the flush covers the pending kick, if any
			case _, open := <-wake.kick:
				if !open {
					return nil
				}
			default:
			}
			err = flush()
		case <-heartbeat.C:
			err = burst(func(w *bufio.Writer) error { return WriteComment(w, "ping") })
		case <-access:
			access = s.Access.Next()
			ok, cerr := s.Recheck(ctx)
			if cerr != nil {
				return cerr
			}
			if !ok {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}

// wakeups merges the subscriptions' channels into one for the loop: a value
// on kick means some source has woken since the last look (a closed kick, or
// a closed closed, means a subscription was closed), and dirty(i) tells, once,
// whether source i has.
type wakeups struct {
	kick   <-chan int64
	closed <-chan struct{}
	dirty  func(i int) bool
	stop   func() // closes every subscription and waits for the merge to end
}

// merge starts following the subscriptions. One subscription (every channel
// page) needs no goroutine: its own channel is the kick. Several get one
// small goroutine each, which marks its source dirty and kicks.
func (s Stream) merge() wakeups {
	closeAll := func() {
		for _, sub := range s.Subs {
			sub.Close()
		}
	}
	if len(s.Subs) == 1 {
		return wakeups{
			kick:  s.Subs[0].C(),
			dirty: func(int) bool { return true },
			stop:  closeAll,
		}
	}
	kick := make(chan int64, 1) // never closed: closed says it
	closed := make(chan struct{})
	dirty := make([]atomic.Bool, len(s.Subs))
	var closeOnce sync.Once
	var wg sync.WaitGroup
	for i, sub := range s.Subs {
		wg.Go(func() {
			for range sub.C() {
				dirty[i].Store(true)
				select {
				case kick <- 0:
				default: // a kick is pending: the loop will see this source too
				}
			}
			closeOnce.Do(func() { close(closed) })
		})
	}
	if len(s.Subs) == 0 {
		close(closed) // nothing to follow: nothing will ever come
	}
	return wakeups{
		kick:   kick,
		closed: closed,
		dirty:  func(i int) bool { return dirty[i].Swap(false) },
		stop: func() {
			closeAll()
			wg.Wait()
		},
	}
}
