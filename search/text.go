package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is how the built-in engines compare words: compatibility-normalised,
// lower case, without diacritics (as Meilisearch compares them).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// FoldName is the form of a display name that from: compares.
func FoldName(s string) string { return strings.Join(Words(s), " ") }

// Words splits s into folded words: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !wordRune(r) })
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// MatchSpans finds the words of body that match terms (folded words): equal
// to a term, or starting with the last term when prefix is set. Spans are
// byte offsets into body, in order.
func MatchSpans(body string, terms []string, prefix bool) []Span {
	if len(terms) == 0 {
		return nil
	}
	var out []Span
	start := -1
	check := func(end int) {
		w := Fold(body[start:end])
		for i, t := range terms {
			if w == t || (prefix && i == len(terms)-1 && strings.HasPrefix(w, t)) {
				out = append(out, Span{Start: start, End: end})
				return
			}
		}
	}
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRuneInString(body[i:])
		if wordRune(r) || (start >= 0 && unicode.Is(unicode.Mn, r)) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			check(i)
			start = -1
		}
		i += n
	}
	if start >= 0 {
		check(len(body))
	}
	return out
}

// Segment is a piece of text, marked when it matched.
type Segment struct {
	Text string
	Mark bool
}

// Segments cuts body at the spans, for rendering highlights (the caller
// escapes each piece). Overlapping or out-of-range spans are ignored.
func Segments(body string, spans []Span) []Segment {
	var out []Segment
	at := 0
	for _, s := range spans {
		if s.Start < at || s.End > len(body) || s.Start >= s.End {
			continue
		}
		if s.Start > at {
			out = append(out, Segment{Text: body[at:s.Start]})
		}
		out = append(out, Segment{Text: body[s.Start:s.End], Mark: true})
		at = s.End
	}
	if at < len(body) {
		out = append(out, Segment{Text: body[at:]})
	}
	return out
}
