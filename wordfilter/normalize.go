package wordfilter

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// nrune is one rune of the normalised text, with the byte span [start, end)
// of the original character it came from. One original character can give
// several nrunes ("ß" → "ss", "ﬁ" → "fi") or none (a zero-width space).
type nrune struct {
	r          rune
	start, end int32
	cls        uint8 // classOf(r)
}

func mk(r rune, start, end int32) nrune { return nrune{r: r, start: start, end: end, cls: classOf(r)} }

func (n *normalizer) mk(r rune, start, end int32) nrune {
	c := mk(r, start, end)
	n.sawLeet = n.sawLeet || c.cls == clLeet
	return c
}

// normalizer turns text into nrunes: NFKD, look-alikes mapped to Latin
// letters (before and after NFKD), case folding, combining marks (Mn)
// dropped, zero-width and control characters dropped, white space made ' '
// (line breaks '\n'). NFKD followed by dropping every Mn is what NFKC, then
// NFD and dropping Mn gives, and it can be done one character at a time,
// which keeps the offset map exact. A normalizer is not safe for concurrent
// use (the case folder keeps state); the Matcher pools them.
type normalizer struct {
	enc    [utf8.UTFMax]byte
	dec    []byte
	folded []byte
	caser  cases.Caser
	folder bool
	// sawLeet is set by appendText when it appends a leetspeak symbol.
	sawLeet bool
}

// asciiFold maps each ASCII character to its normalised form: letters to
// lower case, tabs and other white space to ' ', '\n' kept, other control
// characters to 0 (dropped). asciiClasses holds the class of the result.
const (
	asciiFold    = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x0a\x20\x20\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\x3e\x3f\x40\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f\x70\x71\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x5b\x5c\x5d\x5e\x5f\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f\x70\x71\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x7b\x7c\x7d\x7e\x00"
	asciiClasses = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x04\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x02\x02\x02\x02\x02\x02\x02\x02\x02\x02\x00\x00\x00\x00\x00\x00\x04\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x04\x00\x00\x00"
)

// appendText appends the normalised runes of s to dst. sawLeet is set when
// one of them is a leetspeak symbol.
func (n *normalizer) appendText(dst []nrune, s string) []nrune {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if m := asciiFold[c]; m != 0 {
				cl := asciiClasses[c]
				n.sawLeet = n.sawLeet || cl == clLeet
				dst = append(dst, nrune{r: rune(m), start: int32(i - 1), end: int32(i), cls: cl})
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		st, en := int32(i), int32(i+size)
		i += size
		if r == utf8.RuneError && size == 1 {
			// Not UTF-8: keep the byte's place as a separator.
			dst = append(dst, n.mk(utf8.RuneError, st, en))
			continue
		}
		dst = n.appendRune(dst, r, st, en)
	}
	return dst
}

func (n *normalizer) appendRune(dst []nrune, r rune, st, en int32) []nrune {
	if invisible(r) {
		return dst
	}
	if sp, ok := space(r); ok {
		return append(dst, n.mk(sp, st, en))
	}
	if c := confusable(r); c != 0 {
		return append(dst, n.mk(c, st, en))
	}
	k := utf8.EncodeRune(n.enc[:], r)
	n.dec = norm.NFKD.Append(n.dec[:0], n.enc[:k]...)
	for j := 0; j < len(n.dec); {
		d, sz := utf8.DecodeRune(n.dec[j:])
		j += sz
		dst = n.appendDecomposed(dst, d, st, en)
	}
	return dst
}

// appendDecomposed adds one rune of a character's NFKD decomposition.
func (n *normalizer) appendDecomposed(dst []nrune, d rune, st, en int32) []nrune {
	if d < utf8.RuneSelf {
		switch {
		case 'A' <= d && d <= 'Z':
			d += 'a' - 'A'
		case d == '\n':
		case d < 0x20 || d == 0x7f:
			return dst
		}
		return append(dst, n.mk(d, st, en))
	}
	if unicode.Is(unicode.Mn, d) || invisible(d) {
		return dst
	}
	if sp, ok := space(d); ok {
		return append(dst, n.mk(sp, st, en))
	}
	if c := confusable(d); c != 0 {
		return append(dst, n.mk(c, st, en))
	}
	if !unicode.IsLetter(d) {
		return append(dst, n.mk(d, st, en))
	}
	if !n.folder {
		n.caser = cases.Fold()
		n.folder = true
	}
	k := utf8.EncodeRune(n.enc[:], d)
	n.caser.Reset()
	n.folded = n.folded[:cap(n.folded)]
	if len(n.folded) < 4*utf8.UTFMax {
		n.folded = make([]byte, 4*utf8.UTFMax)
	}
	nd, _, err := n.caser.Transform(n.folded, n.enc[:k], true)
	if err != nil {
		return append(dst, n.mk(d, st, en))
	}
	for j := 0; j < nd; {
		f, sz := utf8.DecodeRune(n.folded[j:nd])
		j += sz
		switch {
		case f < utf8.RuneSelf:
			if 'A' <= f && f <= 'Z' {
				f += 'a' - 'A'
			}
		case unicode.Is(unicode.Mn, f):
			continue
		default:
			if c := confusable(f); c != 0 {
				f = c
			}
		}
		dst = append(dst, n.mk(f, st, en))
	}
	return dst
}

// invisible reports characters that are dropped: format characters (zero
// width space, non-joiner and joiner, word joiner, BOM, soft hyphen, bidi
// controls, tags …), C1 controls and the fillers that draw nothing.
func invisible(r rune) bool {
	switch {
	case r < 0xA0:
		return r >= 0x80
	case r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x17B4, r == 0x17B5,
		0x180B <= r && r <= 0x180F:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// space maps white space (and the blank braille pattern, used as an
// invisible letter) to ' ', line and paragraph separators to '\n'.
func space(r rune) (rune, bool) {
	switch r {
	case 0x2028, 0x2029, 0x85:
		return '\n', true
	case 0x2800:
		return ' ', true
	}
	if unicode.IsSpace(r) {
		return ' ', true
	}
	return 0, false
}

// Character classes of normalised runes.
const (
	clSep    uint8 = iota // white space, punctuation, symbols: between words
	clLetter              // letters
	clDigit               // digits
	clMark                // spacing and enclosing marks (Mc, Me): part of a word
	clLeet                // a symbol that leetspeak uses as a letter: @ $ ! | + €
)

func asciiClass(c byte) uint8 {
	switch {
	case 'a' <= c && c <= 'z':
		return clLetter
	case '0' <= c && c <= '9':
		return clDigit
	case c == '@' || c == '$' || c == '!' || c == '|' || c == '+':
		return clLeet
	}
	return clSep
}

func classOf(r rune) uint8 {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return clLetter
		}
		return asciiClass(byte(r))
	}
	switch {
	case unicode.IsLetter(r):
		return clLetter
	case unicode.IsDigit(r):
		return clDigit
	case unicode.IsMark(r):
		return clMark
	case r == '€':
		return clLeet
	}
	return clSep
}

// leetLetters returns the letters a leetspeak character may stand for, its
// usual reading first ("1" is an i or an l). Empty: not leetspeak.
func leetLetters(r rune) string {
	switch r {
	case '0':
		return "o"
	case '1':
		return "il"
	case '3':
		return "e"
	case '4', '@':
		return "a"
	case '5', '$':
		return "s"
	case '6':
		return "gb"
	case '7', '+':
		return "t"
	case '8':
		return "b"
	case '9':
		return "g"
	case '!':
		return "i"
	case '|':
		return "li"
	case '€':
		return "e"
	}
	return ""
}

// skelLetter is the letter's class in the matching skeleton: letters that a
// leetspeak character can stand for together (i and l, b and g) share one,
// and the exact letters are compared after a skeleton match.
func skelLetter(r rune) rune {
	switch r {
	case 'l':
		return 'i'
	case 'g':
		return 'b'
	}
	return r
}

func mergedClass(s rune) bool { return s == 'i' || s == 'b' }

// continua reports scripts written without spaces between words: next to
// their characters every position is a word boundary.
func continua(r rune) bool {
	return r >= 0x0E00 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan))
}

// normText is the nrunes as a string, for keys.
func normText(rs []nrune) string {
	var b strings.Builder
	b.Grow(len(rs))
	for _, r := range rs {
		b.WriteRune(r.r)
	}
	return b.String()
}
