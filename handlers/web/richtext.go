package web

import (
	"backchannel/richtext"
	"backchannel/views"
)

// Segments splits a message body into text and links, along the links found
// when it was written (links, nil: find them now). Only http and https URLs
// (with or without the scheme typed) become links; everything else stays
// text, which templ escapes.
func Segments(body string, links *string) []views.Segment {
	pieces := richtext.Pieces(body, links)
	if len(pieces) == 0 {
		return nil
	}
	out := make([]views.Segment, len(pieces))
	for i, p := range pieces {
		out[i] = views.Segment{Text: p.Text, URL: p.URL}
	}
	return out
}
