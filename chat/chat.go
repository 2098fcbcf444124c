// Package chat holds the use cases of a live channel: channels and their
// sessions, joining (as a member or a guest), guidelines, posting, replies,
// reactions, votes, edits and deletions, and reading a channel as a given
// viewer. Every change is one transaction that writes the rows and a numbered
// channel event; after commit the event's number is published on the live bus
// so every stream (on every instance) reads it from the database.
package chat

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

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
}

// Options tune posting limits.
type Options struct {
	// RateCount messages within RateWindow at most per person and channel
	// (staff are exempt), on top of the channel's slow mode.
	RateCount  int
	RateWindow time.Duration
	// EditWindow is how long authors may edit their messages.
	EditWindow time.Duration
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
}

// New returns a Service.
func New(db *bun.DB, bus Bus, authz Authorizer, opts Options, log *slog.Logger) *Service {
	d := DefaultOptions()
	if opts.RateCount == 0 {
		opts.RateCount = d.RateCount
	}
	if opts.RateWindow == 0 {
		opts.RateWindow = d.RateWindow
	}
	if opts.EditWindow == 0 {
		opts.EditWindow = d.EditWindow
	}
	return &Service{db: db, bus: bus, authz: authz, opts: opts, log: log, now: time.Now}
}

// publish wakes the channel's streams; the event is committed already, so a
// failure only delays delivery until the next event or reconnect.
func (s *Service) publish(ctx context.Context, channelID, seq int64) {
	// Detached from the request: a client hanging up must not stop the
	// wake-up of everyone else.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.bus.Publish(ctx, channelID, seq); err != nil {
		s.log.WarnContext(ctx, "chat: publish", "channel", channelID, "seq", seq, "err", err)
	}
}

// Viewer is who looks at or acts in a channel, with what they may do there.
type Viewer struct {
	Actor  model.Actor // zero for a visitor who has not joined
	Staff  bool        // moderates here: sees anonymous authors and every state
	Host   bool        // manages the channel and its sessions
	Poster bool        // may post (participant or guest, per policy)
}

// ViewerFor works out what user (or guest) may do in ch. Either may be nil.
func (s *Service) ViewerFor(ctx context.Context, ch *model.Channel, user *model.User, guest *model.Guest) (Viewer, error) {
	var v Viewer
	switch {
	case user != nil:
		v.Actor = model.Actor{UserID: user.ID, Name: user.DisplayName}
		var err error
		if v.Staff, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.MessageModerate); err != nil {
			return v, err
		}
		if v.Host, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.ChannelManage); err != nil {
			return v, err
		}
		if v.Poster, err = s.authz.Can(ctx, user.ID, ch.Slug, policies.MessagePost); err != nil {
			return v, err
		}
	case guest != nil && guest.ChannelID == ch.ID && ch.AllowGuests:
		v.Actor = model.Actor{GuestID: guest.ID, Name: guest.DisplayName}
		var err error
		if v.Poster, err = s.authz.CanGuest(ctx, ch.Slug, policies.MessagePost); err != nil {
			return v, err
		}
	}
	return v, nil
}
