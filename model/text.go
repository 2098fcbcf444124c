package model

import "strings"

// IsBidiControl reports whether r is a bidirectional formatting character:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
// the marks U+200E, U+200F and the Arabic letter mark U+061C. In a name or a
// title they let one person's text reverse or disguise what follows it.
func IsBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return r == 0x200E || r == 0x200F || r == 0x061C
}

// StripBidi removes the bidirectional formatting characters from s.
func StripBidi(s string) string {
	if !strings.ContainsFunc(s, IsBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// CleanLine is a one-line name or title as it is stored: bidirectional
// formatting characters removed and runs of white space made one space.
func CleanLine(s string) string {
	return strings.Join(strings.Fields(StripBidi(s)), " ")
}
