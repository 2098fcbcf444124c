package live

import "sync"

// FrameKey names one encoded event for one audience: the channel, the
// event's seq, and what about the viewer changes the encoding (the
// audience: staff or not, the author or not, their own votes and
// reactions, the stream's format).
type FrameKey struct {
	Channel  int64
	Seq      int64
	Audience string
}

// Frames keeps recently encoded events so that an event is encoded once per
// audience, not once per stream: the first stream of an audience encodes,
// the others (even at the same moment) wait for it and reuse the bytes. It
// holds at most Max frames, the oldest going first. Safe for concurrent use.
type Frames struct {
	mu    sync.RWMutex
	max   int
	m     map[FrameKey]*frame
	order []FrameKey // a ring of the keys, oldest at next
	next  int
}

// frame is one encoding: done is closed once data and err are set, which
// wakes every stream waiting for it at once (a mutex would hand it on to
// them one by one).
type frame struct {
	done chan struct{}
	data []byte
	err  error
}

// NewFrames returns a cache of at most max frames (4,096 when max <= 0).
func NewFrames(max int) *Frames {
	if max <= 0 {
		max = 4096
	}
	return &Frames{max: max, m: make(map[FrameKey]*frame, max)}
}

// Get returns the frame of k, building it with build the first time. When
// an event reaches thousands of streams at once, they all find its frame
// under the read lock; one builds it, the others wait for it.
func (f *Frames) Get(k FrameKey, build func() ([]byte, error)) ([]byte, error) {
	f.mu.RLock()
	e := f.m[k]
	f.mu.RUnlock()
	if e == nil {
		f.mu.Lock()
		if e = f.m[k]; e == nil {
			e = &frame{done: make(chan struct{})}
			if len(f.order) < f.max {
				f.order = append(f.order, k)
			} else {
				delete(f.m, f.order[f.next])
				f.order[f.next] = k
				f.next = (f.next + 1) % f.max
			}
			f.m[k] = e
			f.mu.Unlock()
			func() {
				defer close(e.done)
				e.data, e.err = build()
			}()
			return e.data, e.err
		}
		f.mu.Unlock()
	}
	<-e.done
	return e.data, e.err
}
