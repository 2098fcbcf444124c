// Package api serves Backchannel's JSON API under /api/v1 (see docs/api.md):
// channels, messages, reactions and votes, moderation, filters, guidelines,
// roles and users, audit, retention, search and tags, transcripts and the
// JSON event stream, plus /healthz and /readyz. Errors are JSON problems with
// a message; permissions are checked by the route table in package handlers.
package api

import "backchannel/handlers/web"

// API serves the JSON API.
type API struct{ *web.Base }
