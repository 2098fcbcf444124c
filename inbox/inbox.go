// Package inbox holds the use cases of direct messages, the private side of
// the backchannel: people's follows and blocks, 1:1 and group conversations
// (up to model.MaxGroupMembers people), the Requests inbox for first messages
// from people the recipient does not follow, messages with replies, edits,
// deletions and reactions, read markers, and deleting a chat from one's own
// view. Every change is one transaction that writes its rows and a numbered
// dm_events row with its recipients (the members at the time); after commit
// the event's id is published on the live bus under live.InboxStreamID, and
// each instance's one reader of that log hands every person's stream the
// events that name them. What site moderators do with reported
// conversations lives in package moderation; search in package search.
package inbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"backchannel/live"
	"backchannel/model"
	"backchannel/wordfilter"
)

// Bus wakes the live streams.
type Bus interface {
	Publish(ctx context.Context, channelID, seq int64) error
}

// Filter is the site's word and link filters (the site-wide rule set: no
// channel's own rules apply to private conversations).
type Filter interface {
	Check(ctx context.Context, ch *model.Channel, body string, recent []string) (wordfilter.Verdict, error)
}

// Options tune the limits of direct messages; zero fields take
// DefaultOptions'.
type Options struct {
	// MessagesPerMinute a person may send across all conversations.
	MessagesPerMinute int
	// NewConversationsPerHour a person may start (requests included).
	NewConversationsPerHour int
	// Now is the clock (time.Now when nil); tests set it to cross windows.
	Now func() time.Time
}

// DefaultOptions are used for zero fields of Options.
func DefaultOptions() Options {
	return Options{MessagesPerMinute: 30, NewConversationsPerHour: 20}
}

// Service carries out the direct-message use cases.
type Service struct {
	db     *bun.DB
	bus    Bus
	filter Filter
	authz  Authorizer
	opts   Options
	log    *slog.Logger
	now    func() time.Time
}

// New returns a Service. Every message goes through filter (nil: none);
// authz tells staff (nil: nobody is).
func New(db *bun.DB, bus Bus, filter Filter, authz Authorizer, opts Options, log *slog.Logger) *Service {
	d := DefaultOptions()
	if opts.MessagesPerMinute <= 0 {
		opts.MessagesPerMinute = d.MessagesPerMinute
	}
	if opts.NewConversationsPerHour <= 0 {
		opts.NewConversationsPerHour = d.NewConversationsPerHour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, bus: bus, filter: filter, authz: authz, opts: opts, log: log, now: opts.Now}
}

// publish wakes the inbox streams for a committed event; a failure only
// delays delivery until the next event or reconnect.
func (s *Service) publish(ctx context.Context, eventID int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.bus.Publish(ctx, live.InboxStreamID, eventID); err != nil {
		s.log.WarnContext(ctx, "inbox: publish", "event", eventID, "err", err)
	}
}
