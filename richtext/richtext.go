// Package richtext finds the links in a message body. Finding them takes a
// large regular expression (xurls' relaxed one), so it runs once, when the
// message is written, and the spans are stored with the message (see
// Encode); pages and streams split the body along the stored spans (Split)
// without running the expression again.
package richtext

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/xurls/v2"
)

// Span is a link's place in a body: bytes [Start, End).
type Span struct{ Start, End int }

// Piece is a part of a body: plain text, or a link when URL is set.
type Piece struct {
	Text string
	URL  string
}

// Find returns the spans of the links in body: http and https URLs, with or
// without the scheme typed. Email addresses and other schemes are text.
func Find(body string) []Span {
	var out []Span
	for _, loc := range xurls.Relaxed().FindAllStringIndex(body, -1) {
		if _, ok := href(body[loc[0]:loc[1]]); ok {
			out = append(out, Span{loc[0], loc[1]})
		}
	}
	return out
}

// href returns the link a piece of text found as a link points to, and
// whether it is one Backchannel shows as a link.
func href(raw string) (string, bool) {
	h := raw
	typed := strings.Contains(strings.SplitN(raw, "/", 2)[0], ":")
	if !typed {
		if strings.Contains(raw, "@") && !strings.Contains(raw, "/") {
			return "", false // an email address
		}
		h = "https://" + raw
	}
	u, err := url.Parse(h)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(!typed && !strings.Contains(u.Host, ".")) { // a bare word is no domain
		return "", false
	}
	return u.String(), true
}

// Split cuts body into text and links along spans (as Find returns them).
// Spans that do not fit the body (out of order, out of range, or cutting a
// character) are ignored, and a span whose text is no link stays text, so a
// stale span can never make a link of something else.
func Split(body string, spans []Span) []Piece {
	var out []Piece
	last := 0
	for _, s := range spans {
		if s.Start < last || s.End <= s.Start || s.End > len(body) ||
			!utf8.RuneStart(body[s.Start]) || (s.End < len(body) && !utf8.RuneStart(body[s.End])) {
			continue
		}
		u, ok := href(body[s.Start:s.End])
		if !ok {
			continue
		}
		if s.Start > last {
			out = append(out, Piece{Text: body[last:s.Start]})
		}
		out = append(out, Piece{Text: body[s.Start:s.End], URL: u})
		last = s.End
	}
	if last < len(body) {
		out = append(out, Piece{Text: body[last:]})
	}
	return out
}

// Encode writes spans as stored with a message: "start-end" pairs joined by
// commas; no links is the empty string.
func Encode(spans []Span) string {
	var b strings.Builder
	for i, s := range spans {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(s.Start))
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(s.End))
	}
	return b.String()
}

// Decode reads spans written by Encode; ok is false when s is not in that
// form.
func Decode(s string) (spans []Span, ok bool) {
	if s == "" {
		return nil, true
	}
	for _, pair := range strings.Split(s, ",") {
		a, b, found := strings.Cut(pair, "-")
		start, err1 := strconv.Atoi(a)
		end, err2 := strconv.Atoi(b)
		if !found || err1 != nil || err2 != nil {
			return nil, false
		}
		spans = append(spans, Span{start, end})
	}
	return spans, true
}

// Pieces splits body along its stored links (the encoded spans, nil when
// the message was stored without them), finding the links when none were
// stored or they cannot be read.
func Pieces(body string, stored *string) []Piece {
	if stored != nil {
		if spans, ok := Decode(*stored); ok {
			return Split(body, spans)
		}
	}
	return Split(body, Find(body))
}
