// Package web is what the HTML pages and the JSON API share of a request:
// the dependencies (Deps) and Base, which every handler embeds; who is
// asking (the signed-in user, the API token or the channel's guest) and the
// channel a request names, worked out once per request; CSRF tokens;
// rendering, flashes and forms; the one error handler that turns errors into
// a page, an htmx fragment or a JSON problem; and the request parsing both
// kinds of handler use (ids, search queries, transcript exports).
package web

import (
	"context"
	"log/slog"
	"time"

	"backchannel/accounts"
	"backchannel/attachments"
	"backchannel/chat"
	"backchannel/filters"
	"backchannel/inbox"
	"backchannel/live"
	"backchannel/moderation"
	"backchannel/policies"
	"backchannel/retention"
	"backchannel/search"
	"backchannel/static"
	"backchannel/transcripts"
)

// Authorizer answers whether a user holds a permission in a domain.
type Authorizer interface {
	Can(ctx context.Context, userID int64, domain string, p policies.Permission) (bool, error)
	CanGuest(ctx context.Context, domain string, p policies.Permission) (bool, error)
}

// Readiness reports on the database for /readyz: whether it answers, its
// dialect and the migrations not yet applied.
type Readiness interface {
	Ping(ctx context.Context) error
	Dialect() string
	Pending(ctx context.Context) (int, error)
}

// Deps is everything the HTTP layer needs, built by cmd/backchannel.
type Deps struct {
	Accounts      *accounts.Service
	Chat          *chat.Service
	Inbox         *inbox.Service // direct messages: people, follows, blocks, conversations
	Moderation    *moderation.Service
	Transcripts   *transcripts.Service
	Retention     *retention.Service
	Attachments   *attachments.Service
	Filters       *filters.Set // word and link filters (rule CRUD, import, export)
	InboxFeed     *inbox.Feed  // the direct-message event log's reader (the inbox streams)
	Hub           *live.Hub
	Access        *live.AccessWatch // wakes open streams to re-check their viewer
	Streams       live.StreamLimits // open streams per person and per address
	Authz         Authorizer
	Search        search.Engine
	Migrations    Readiness
	Log           *slog.Logger
	BaseURL       string // public URL, for links shown to people
	SecureCookies bool
	TrustProxy    bool
	BodyLimit     int
	CSRFKey       []byte // shared by every instance (stored in the database)
	// ReadTimeout bounds reading a request (zero: 30 s). An upload may take
	// longer as long as it keeps sending: each piece read gives it
	// ReadTimeout more (KeepReading).
	ReadTimeout time.Duration
	// DMSearch is the index of direct messages, apart from Search's
	// channel index: searched only for a member's own conversations.
	DMSearch search.DMEngine
}

// Base holds the dependencies of every handler.
type Base struct {
	Deps
	// Frames keeps encoded stream events, so that an event is encoded once
	// per audience rather than once per stream.
	Frames *live.Frames
	// Conns serves the event streams on the connections they take over.
	Conns        *live.Conns
	streams      *live.StreamCounter // open streams per person and address
	assetVersion string
}

// New returns the Base of every handler.
func New(d Deps) *Base {
	return &Base{Deps: d, assetVersion: static.Version(), Frames: live.NewFrames(0),
		Conns: live.NewConns(live.ConnOptions{}), streams: live.NewStreamCounter(d.Streams)}
}
