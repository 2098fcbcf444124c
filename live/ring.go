package live

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Ring keeps the recent entries of every channel this instance streams, so
// that however many streams a channel has, its new events are read from the
// database once per instance: the first stream to ask after a wake-up
// fetches them, every other stream of the channel is served from memory.
// A stream asking for entries older than the ring holds (a reconnect after a
// long while) is served from the database, uncached.
//
// The database stays the truth: entries are read from it, in seq order, and
// the ring covers one contiguous run of seqs per channel, so a stream never
// sees a gap or a repeat. The hub tells the ring what has been published
// (Observe), which is how it knows its copy is behind.
//
// T is what one fetch returns per event; seqOf gives its position.
type Ring[T any] struct {
	size     int // entries kept per channel
	channels int // channels kept at most (the least recently used go first)
	batch    int
	fetch    func(ctx context.Context, channelID, after int64, limit int) ([]T, error)
	seqOf    func(T) int64

	observed atomic.Bool // a hub reports publications; without one every ask fetches
	mu       sync.Mutex  // guards chans
	chans    map[int64]*ringChannel[T]
}

type ringChannel[T any] struct {
	known atomic.Int64 // the highest seq published; the ring is behind while head < known
	stale atomic.Bool  // a Resync: fetch whatever is new whatever known says
	used  atomic.Int64 // UnixNano of the last ask, for eviction

	mu      sync.RWMutex // read-held while serving from memory, held while fetching
	init    bool
	base    int64 // entries cover the seqs after base, up to head
	head    int64
	entries []T
}

// RingOptions size a Ring; zero fields take the defaults.
type RingOptions struct {
	Size     int // entries per channel (default 1,024)
	Channels int // channels (default 1,024)
	Batch    int // entries per database read (default 200)
}

// NewRing returns a Ring that reads with fetch: the entries of a channel
// after a seq, in seq order, at most limit.
func NewRing[T any](o RingOptions, fetch func(ctx context.Context, channelID, after int64, limit int) ([]T, error), seqOf func(T) int64) *Ring[T] {
	if o.Size <= 0 {
		o.Size = 1024
	}
	if o.Channels <= 0 {
		o.Channels = 1024
	}
	if o.Batch <= 0 {
		o.Batch = 200
	}
	return &Ring[T]{size: o.Size, channels: o.Channels, batch: o.Batch, fetch: fetch, seqOf: seqOf,
		chans: make(map[int64]*ringChannel[T])}
}

// Published records that seq was published in a channel (Resync: anything
// may have been); the hub calls it before it wakes the channel's streams.
func (r *Ring[T]) Published(channelID, seq int64) {
	r.observed.Store(true)
	r.mu.Lock()
	c := r.chans[channelID]
	r.mu.Unlock()
	if c == nil {
		return
	}
	if seq == Resync {
		c.stale.Store(true)
		return
	}
	for {
		k := c.known.Load()
		if seq <= k || c.known.CompareAndSwap(k, seq) {
			return
		}
	}
}

// ResyncAll marks every channel's copy as possibly behind (the bus may have
// missed publications).
func (r *Ring[T]) ResyncAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.chans {
		c.stale.Store(true)
	}
}

// After returns a channel's entries after seq after, in seq order, at most
// limit (0: the ring's batch size). The entries may be the ring's own
// (every stream of a channel shares them): read them, never change them.
func (r *Ring[T]) After(ctx context.Context, channelID, after int64, limit int) ([]T, error) {
	if limit <= 0 {
		limit = r.batch
	}
	c := r.channel(channelID)
	// Most asks (every stream of a channel after a wake-up but the first)
	// find the ring current: they share the read lock.
	c.mu.RLock()
	if c.init && after >= c.base && after <= c.head && c.head >= c.known.Load() && !c.stale.Load() && r.observed.Load() {
		out := r.entriesAfter(c, after, limit)
		c.mu.RUnlock()
		return out, nil
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.init {
		// The first ask sets where the ring starts, and reads.
		c.init, c.base, c.head = true, after, after
		c.stale.Store(true)
	}
	if after < c.base {
		// Older than the ring holds: read the database for this stream alone.
		es, err := r.fetch(ctx, channelID, after, limit)
		if err != nil {
			return nil, fmt.Errorf("live: ring: %w", err)
		}
		return es, nil
	}
	if after > c.head || c.head < c.known.Load() || c.stale.Load() || !r.observed.Load() {
		if err := r.catchUp(ctx, channelID, c); err != nil {
			return nil, err
		}
	}
	return r.entriesAfter(c, after, limit), nil
}

// entriesAfter returns the ring's entries after seq after, at most limit,
// without copying them: an entry is never changed once it is in the ring
// (catchUp appends past the end, and trimming moves the entries kept to a
// new array), and the capacity is capped so that an append by the caller
// copies. Called with c.mu held (read or write).
func (r *Ring[T]) entriesAfter(c *ringChannel[T], after int64, limit int) []T {
	i := sort.Search(len(c.entries), func(i int) bool { return r.seqOf(c.entries[i]) > after })
	n := min(limit, len(c.entries)-i)
	return c.entries[i : i+n : i+n]
}

// catchUp reads everything after the ring's head. Called with c.mu held.
func (r *Ring[T]) catchUp(ctx context.Context, channelID int64, c *ringChannel[T]) error {
	c.stale.Store(false)
	for {
		es, err := r.fetch(ctx, channelID, c.head, r.batch)
		if err != nil {
			c.stale.Store(true)
			return fmt.Errorf("live: ring: %w", err)
		}
		if len(es) > 0 {
			c.head = r.seqOf(es[len(es)-1])
			c.entries = append(c.entries, es...)
		}
		if drop := len(c.entries) - r.size; drop > 0 {
			c.base = r.seqOf(c.entries[drop-1])
			c.entries = append(c.entries[:0:0], c.entries[drop:]...)
		}
		if len(es) < r.batch {
			break
		}
	}
	for {
		k := c.known.Load()
		if c.head <= k || c.known.CompareAndSwap(k, c.head) {
			return nil
		}
	}
}

// channel returns the ring of channelID, making room for it when the ring
// holds too many channels.
func (r *Ring[T]) channel(channelID int64) *ringChannel[T] {
	now := time.Now().UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.chans[channelID]
	if c == nil {
		if len(r.chans) >= r.channels {
			var oldest int64
			var oldestAt int64 = 1<<63 - 1
			for id, o := range r.chans {
				if u := o.used.Load(); u < oldestAt {
					oldest, oldestAt = id, u
				}
			}
			delete(r.chans, oldest)
		}
		c = &ringChannel[T]{}
		r.chans[channelID] = c
	}
	c.used.Store(now)
	return c
}
