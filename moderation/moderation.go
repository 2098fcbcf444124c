// Package moderation holds what moderators do: actions on messages (approve,
// deny, hide, pin, answer … and the one rule for which actions a message's
// state allows), sanctions on people (warn, mute, ban, shadow-mute, purge,
// revoke), undo, reports, staff notes and the staff side chat, and the triage
// wall's reads (the channels a person moderates, the queue, person cards).
// Like chat, every change is one transaction that writes the rows, a numbered
// channel event and an audit entry; after commit the channel's streams are
// woken.
package moderation

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/policies"
)

// Viewer is who acts, with what they may do in the channel (see chat.Viewer).
type Viewer = chat.Viewer

// Authorizer is what moderation needs of the policy engine.
type Authorizer interface {
	Can(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, error)
}

// Options tune moderation.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service carries out the moderation use cases.
type Service struct {
	db    *bun.DB
	chat  *chat.Service
	authz Authorizer
	now   func() time.Time
	files FileBytes // nil: bytes of removed files stay stored
}

// New returns a Service; chats reads messages as viewers see them and wakes
// the channels' streams.
func New(db *bun.DB, chats *chat.Service, authz Authorizer, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, chat: chats, authz: authz, now: opts.Now}
}

func (s *Service) publish(ctx context.Context, channelID, seq int64) {
	s.chat.Publish(ctx, channelID, seq)
}
