package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is how every engine compares words, documents and queries alike:
// compatibility-normalised (full-width forms are ASCII, ligatures such as ﬁ
// are their letters), lower case, without diacritics, and with the letters
// that do not decompose spelled out (ß and ẞ are ss, æ ae, œ oe, ø o, ł l,
// đ and ð d, þ th, ı i).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if sp := foldSpelled(r); sp != "" {
			b.WriteString(sp)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldSpelled is how Fold spells a lower-case letter that has no
// decomposition ("" for the others).
func foldSpelled(r rune) string {
	switch r {
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'œ':
		return "oe"
	case 'ø':
		return "o"
	case 'ł':
		return "l"
	case 'đ', 'ð':
		return "d"
	case 'þ':
		return "th"
	case 'ı':
		return "i"
	}
	return ""
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
	return matchSpans(body, func(w string) bool {
		for i, t := range terms {
			if w == t || (prefix && i == len(terms)-1 && strings.HasPrefix(w, t)) {
				return true
			}
		}
		return false
	})
}

// matchSpans is the spans of the words of body (folded) that match says
// match.
func matchSpans(body string, match func(word string) bool) []Span {
	var out []Span
	start := -1
	check := func(end int) {
		if match(Fold(body[start:end])) {
			out = append(out, Span{Start: start, End: end})
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
