package model

import "errors"

// ErrUnavailable says a part the request needs (the database, the search
// index) cannot be reached right now: the request may succeed if tried
// again shortly (HTTP 503 with Retry-After).
var ErrUnavailable = errors.New("temporarily unavailable")
