// Package handlers is Backchannel's HTTP layer (fiber): one route table naming
// the permission of every route, thin handlers (parse → authorize → call a use
// case → render), and one error handler that turns errors into pages, HTMX
// fragments or JSON.
package handlers

import (
	"context"
	"log/slog"

	"backchannel/accounts"
	"backchannel/chat"
	"backchannel/filters"
	"backchannel/live"
	"backchannel/moderation"
	"backchannel/policies"
	"backchannel/retention"
	"backchannel/search"
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
	Moderation    *moderation.Service
	Transcripts   *transcripts.Service
	Retention     *retention.Service
	Filters       *filters.Set // word and link filters (rule CRUD, import, export)
	Hub           *live.Hub
	Authz         Authorizer
	Search        search.Engine
	Migrations    Readiness
	Log           *slog.Logger
	BaseURL       string // public URL, for links shown to people
	SecureCookies bool
	TrustProxy    bool
	BodyLimit     int
	CSRFKey       []byte // shared by every instance (stored in the database)
}

// Handlers holds the dependencies of every handler.
type Base struct {
	Deps
	assetVersion string
}

// Pages serves the HTML pages.
type Pages struct{ *Base }

// API serves the JSON API.
type API struct{ *Base }
