// Package transcripts is what happens after class: the transcript of a
// channel's class sessions (participant-safe and staff versions), class
// analytics, tags on messages and threads, search across channels with what
// each person may see, and the source the search indexer reads messages
// from.
package transcripts

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backchannel/chat"
	"backchannel/policies"
)

// Authorizer is what transcripts needs of the policy engine.
type Authorizer interface {
	Can(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, error)
}

// Service carries out the transcript, tag and search use cases; chats
// works out what each person may see in a channel.
type Service struct {
	chat  *chat.Service
	db    *bun.DB
	authz Authorizer
	now   func() time.Time // the end of a session still running
}

// New returns a Service; now is the clock (time.Now when nil).
func New(db *bun.DB, chats *chat.Service, authz Authorizer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, chat: chats, authz: authz, now: now}
}
