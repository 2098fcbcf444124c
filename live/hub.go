// Package live wakes the live streams of a channel when it has new events.
//
// The database is the source of truth: every change in a channel is a row in
// channel_events with a per-channel, monotonically increasing seq. live only
// carries wake-ups {channelID, seq}; a woken stream asks for the rows after
// its own last seq, which a Ring (ring.go) reads from the database once per
// instance for every stream of the channel. So a lost, duplicated, reordered
// or coalesced wake-up can delay a stream but never make it skip or repeat an
// event.
//
// Hub is the in-process fan-out; a Bus wakes the hubs of every instance:
// LocalBus for one process (the embedded SQLite default), PGBus for several
// instances sharing PostgreSQL (LISTEN/NOTIFY as a wake-up only). sse.go holds
// the SSE framing; stream.go the one loop every event stream runs (Stream:
// retry, replay, merged wake-ups, heartbeat); conn.go runs it on a
// connection taken over from the HTTP server (Conns: one goroutine, no
// buffer while idle, a write deadline and a bounded backlog that drop a
// reader who stops reading); frames.go the cache that encodes an event once
// per audience.
package live

import (
	"log/slog"
	"sync"
)

// Resync is the seq of a wake-up that names no event: the sender may have
// missed notifications (PGBus after it reconnected to PostgreSQL), so every
// woken stream re-reads everything after its own last seq from the database.
//
// A subscriber must therefore read from the database on every wake-up, even
// when the value received is not greater than the last seq it has seen.
const Resync int64 = 0

// Hub fans wake-ups out to the subscribers of a channel in this process.
// Publishing never blocks: every subscription has a one-slot buffer whose
// pending value is replaced by the larger seq when it is full, so a slow
// subscriber only sees the newest seq and catches up from the database,
// without holding up the publisher or the other subscribers.
//
// The zero Hub is not usable; create one with NewHub. All methods are safe for
// concurrent use.
type Hub struct {
	log *slog.Logger

	mu        sync.RWMutex
	subs      map[int64]map[*Subscription]struct{} // by channel id; no empty sets
	observers []Observer
	closed    bool
}

// Observer hears every publication before the channel's streams are woken:
// a Ring, so that it knows its copy of a channel is behind.
type Observer interface {
	Published(channelID, seq int64)
	ResyncAll()
}

// Observe adds o to the hub's observers. Call it before the hub is used.
func (h *Hub) Observe(o Observer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.observers = append(h.observers, o)
}

// NewHub returns an empty hub. log may be nil (logs are discarded).
func NewHub(log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{log: log, subs: make(map[int64]map[*Subscription]struct{})}
}

// Subscription is one subscriber of one channel: usually one SSE stream.
type Subscription struct {
	hub       *Hub
	channelID int64
	ch        chan int64 // capacity 1; sent to and closed only under mu

	mu     sync.Mutex
	closed bool
	sent   int64 // largest seq ever put into ch
}

// Subscribe registers a subscriber of channelID. Call Close when the stream
// ends. On a closed hub it returns a subscription whose C is already closed.
func (h *Hub) Subscribe(channelID int64) *Subscription {
	s := &Subscription{hub: h, channelID: channelID, ch: make(chan int64, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.closed = true
		close(s.ch)
		return s
	}
	set := h.subs[channelID]
	if set == nil {
		set = make(map[*Subscription]struct{})
		h.subs[channelID] = set
	}
	set[s] = struct{}{}
	return s
}

// ChannelID returns the channel the subscription listens to.
func (s *Subscription) ChannelID() int64 { return s.channelID }

// C delivers wake-ups: the largest seq published for the channel since the
// previous receive, or Resync. On every value, read the channel's events after
// your last seq from the database. C is closed when the subscription or the
// hub is closed.
func (s *Subscription) C() <-chan int64 { return s.ch }

// Close unsubscribes and closes C. It is idempotent and safe to call
// concurrently with Publish and with Hub.Close.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	if set := h.subs[s.channelID]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(h.subs, s.channelID)
		}
	}
	h.mu.Unlock()
	s.close()
}

// close closes ch once. Lock order: Hub.mu before Subscription.mu.
func (s *Subscription) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}

// wake puts seq into the one-slot buffer without ever blocking: when the slot
// is full, the pending value is taken out and the larger of the two put back.
// Every send happens under s.mu, so once the slot has been emptied (by us or
// by the reader) nobody else can fill it and the final send cannot block.
// A seq not greater than one already sent is dropped (that wake-up has been
// given), except Resync, which always wakes.
func (s *Subscription) wake(seq int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || (seq != Resync && seq <= s.sent) {
		return
	}
	select {
	case s.ch <- seq:
	default:
		select {
		case old := <-s.ch:
			seq = max(seq, old)
		default: // the reader emptied the slot meanwhile
		}
		s.ch <- seq
	}
	s.sent = max(s.sent, seq)
}

// Publish wakes the subscribers of channelID in this process with seq. It
// never blocks on a subscriber. Publishing on a closed hub does nothing.
func (h *Hub) Publish(channelID, seq int64) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, o := range h.observers {
		o.Published(channelID, seq)
	}
	for s := range h.subs[channelID] {
		s.wake(seq)
	}
}

// ResyncAll wakes every subscriber of every channel with Resync, so that
// every stream re-reads from the database. PGBus calls it after reconnecting.
func (h *Hub) ResyncAll() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, o := range h.observers {
		o.ResyncAll()
	}
	n := 0
	for _, set := range h.subs {
		for s := range set {
			s.wake(Resync)
			n++
		}
	}
	h.log.Debug("live: resync all subscribers", "channels", len(h.subs), "subscribers", n)
}

// Subscribers returns the number of subscribers of channelID in this process.
func (h *Hub) Subscribers(channelID int64) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[channelID])
}

// Channels returns the number of channels with at least one subscriber.
func (h *Hub) Channels() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// Close closes every subscription, ending their streams (call it on
// shutdown). Later Subscribe calls return closed subscriptions and Publish
// does nothing. Close is idempotent.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	n := 0
	for _, set := range h.subs {
		for s := range set {
			s.close()
			n++
		}
	}
	h.subs = make(map[int64]map[*Subscription]struct{})
	h.log.Debug("live: hub closed", "subscribers", n)
}
