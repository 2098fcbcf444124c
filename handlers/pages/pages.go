// Package pages serves Backchannel's HTML pages and htmx fragments: the
// channel page and its live stream, posting and acting on messages, the
// moderators' triage wall and its stream, search, transcripts, the account
// pages and the admin pages. Handlers are thin: parse the form, call a use
// case, render a views component; permissions are checked by the route table
// in package handlers before a handler runs.
package pages

import "backchannel/handlers/web"

// Pages serves the HTML pages.
type Pages struct{ *web.Base }
