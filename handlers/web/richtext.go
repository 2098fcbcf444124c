package web

import (
	"net/url"
	"strings"

	"mvdan.cc/xurls/v2"

	"backchannel/views"
)

// Segments splits a message body into text and links. Only http and https
// URLs (with or without the scheme typed) become links; everything else stays
// text, which templ escapes.
func Segments(body string) []views.Segment {
	re := xurls.Relaxed()
	var out []views.Segment
	last := 0
	for _, loc := range re.FindAllStringIndex(body, -1) {
		raw := body[loc[0]:loc[1]]
		href := raw
		if !strings.Contains(strings.SplitN(raw, "/", 2)[0], ":") {
			if strings.Contains(raw, "@") && !strings.Contains(raw, "/") {
				continue // an email address: leave as text
			}
			href = "https://" + raw
		}
		u, err := url.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		if loc[0] > last {
			out = append(out, views.Segment{Text: body[last:loc[0]]})
		}
		out = append(out, views.Segment{Text: raw, URL: u.String()})
		last = loc[1]
	}
	if last < len(body) {
		out = append(out, views.Segment{Text: body[last:]})
	}
	return out
}
