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
	mu    sync.Mutex
	max   int
	m     map[FrameKey]*frame
	order []FrameKey // a ring of the keys, oldest at next
	next  int
}

type frame struct {
	once sync.Once
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

// Get returns the frame of k, building it with build the first time.
func (f *Frames) Get(k FrameKey, build func() ([]byte, error)) ([]byte, error) {
	f.mu.Lock()
	e := f.m[k]
	if e == nil {
		e = &frame{}
		if len(f.order) < f.max {
			f.order = append(f.order, k)
		} else {
			delete(f.m, f.order[f.next])
			f.order[f.next] = k
			f.next = (f.next + 1) % f.max
		}
		f.m[k] = e
	}
	f.mu.Unlock()
	e.once.Do(func() { e.data, e.err = build() })
	return e.data, e.err
}
