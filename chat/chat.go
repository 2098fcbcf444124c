// Package chat holds the use cases of a live channel: channels, their
// members and their class sessions (one class meeting or talk each), joining
// (as a member or a guest), guidelines and their acceptance, posting (with
// slow mode, rate limits, pre-moderation and the word filters), replies,
// reactions, votes, edits and deletions, and reading a channel as a given
// viewer, whose standing (sanctions, guideline accepted, membership) is read
// once per request. Every change is one transaction that writes the rows and
// a numbered channel event (posts are committed in groups: see commit.go);
// after commit the event's number is published on the live bus so every
// stream (on every instance) reads it from the database. What moderators do lives in package moderation; transcripts,
// tags and search in package transcripts.
package chat

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"backchannel/live"
	"backchannel/model"
	"backchannel/policies"
)

// Bus wakes the live streams of a channel.
type Bus interface {
	Publish(ctx context.Context, channelID, seq int64) error
}

// Authorizer is what chat needs of the policy engine.
type Authorizer interface {
	Can(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, error)
	CanGuest(ctx context.Context, domain string, p policies.Permission) (bool, error)
	Grant(ctx context.Context, userID int64, role model.Role, domain string) error
	Holders(ctx context.Context, role model.Role, domain string) ([]int64, error)
}

// Options tune posting limits.
type Options struct {
	// RateCount messages within RateWindow at most per person and channel
	// (staff are exempt), on top of the channel's slow mode.
	RateCount  int
	RateWindow time.Duration
	// EditWindow is how long authors may edit their messages.
	EditWindow time.Duration
	// Now is the clock (time.Now when nil); tests set it to land on limits.
	Now func() time.Time
}

// DefaultOptions are used for zero fields of Options.
func DefaultOptions() Options {
	return Options{RateCount: 5, RateWindow: 10 * time.Second, EditWindow: 5 * time.Minute}
}

// Service carries out the channel use cases.
type Service struct {
	db     *bun.DB
	bus    Bus
	authz  Authorizer
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	filter Filter
	feed   *live.Ring[feedEntry] // channels' recent events, read once for every stream
	posts  postQueues            // posts waiting for their channel's writer (group commit)
}

// New returns a Service. Every post goes through filter (nil: none).
func New(db *bun.DB, bus Bus, authz Authorizer, filter Filter, opts Options, log *slog.Logger) *Service {
	d := DefaultOptions()
	opts.RateCount = cmp.Or(opts.RateCount, d.RateCount)
	opts.RateWindow = cmp.Or(opts.RateWindow, d.RateWindow)
	opts.EditWindow = cmp.Or(opts.EditWindow, d.EditWindow)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{db: db, bus: bus, authz: authz, filter: filter, opts: opts, log: log, now: opts.Now}
	s.feed = newFeed(s)
	s.posts.waiting = map[int64][]*pendingPost{}
	return s
}

// Publish wakes the channel's streams; the event is committed already, so a
// failure only delays delivery until the next event or reconnect.
func (s *Service) Publish(ctx context.Context, channelID, seq int64) {
	// Detached from the request: a client hanging up must not stop the
	// wake-up of everyone else.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.bus.Publish(ctx, channelID, seq); err != nil {
		s.log.WarnContext(ctx, "chat: publish", "channel", channelID, "seq", seq, "err", err)
	}
}
