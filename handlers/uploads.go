package handlers

import "backchannel/attachments"

// uploadOverhead is what a multipart upload adds to its file: boundaries,
// part headers and a few small fields.
const uploadOverhead = 64 << 10

// streamedBodies are the routes that read their bodies as streams, with the
// largest body each takes (its use case enforces the site's own, lower,
// limits while reading).
func streamedBodies() map[string]int {
	return map[string]int{
		"POST /api/v1/uploads": attachments.MaxFileBytes + uploadOverhead,
	}
}
