package web

import "strings"

// JoinURL is the address people open to join the channel slug, as shown on
// the presenter view (text and QR code) and given by the API.
func (h *Base) JoinURL(slug string) string {
	return strings.TrimRight(h.BaseURL, "/") + "/c/" + slug
}
