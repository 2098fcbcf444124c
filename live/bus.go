package live

import (
	"context"
	"errors"
)

// ErrClosed is returned by Publish on a closed Bus.
var ErrClosed = errors.New("live: bus closed")

// Bus wakes the hubs of every instance of the server when a channel has a new
// event. chat publishes on it after the transaction that wrote the event has
// committed.
//
// Publish wakes this instance's hub at once, whatever becomes of the other
// instances. A publish that fails to reach other instances leaves their
// streams behind until the channel's next wake-up (or a resync), never
// inconsistent: the rows are in the database. Callers publishing after a
// commit should pass a context that outlives the request (for example
// context.WithoutCancel with a timeout), so a client that hangs up does not
// keep the others from being woken.
type Bus interface {
	// Publish wakes every instance's subscribers of channelID with seq.
	Publish(ctx context.Context, channelID, seq int64) error
	// Close releases the bus. It does not close the hub, which belongs to
	// whoever created it.
	Close() error
}

// LocalBus is the Bus of a single process (the embedded SQLite default): it
// publishes straight into a Hub.
type LocalBus struct {
	hub *Hub
}

var (
	_ Bus = (*LocalBus)(nil)
	_ Bus = (*PGBus)(nil)
)

// NewLocalBus returns a Bus that wakes hub only.
func NewLocalBus(hub *Hub) *LocalBus { return &LocalBus{hub: hub} }

// Publish wakes the hub's subscribers of channelID. It never fails: the event
// is committed, so its wake-up is given even when ctx is already done.
func (b *LocalBus) Publish(_ context.Context, channelID, seq int64) error {
	b.hub.Publish(channelID, seq)
	return nil
}

// Close does nothing (the hub belongs to its creator).
func (b *LocalBus) Close() error { return nil }
