package wordfilter

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// scanRE runs the wildcards and regexes over one text; span maps a byte
// span of that text to the original. With norm set the text is a
// normalised one, and a wildcard runs only when the text contains its
// longest literal; it notes in sc.wildOK which did, for the original text
// (whose normalised form contains every literal the original does).
func (m *Matcher) scanRE(sc *scratch, text []byte, norm bool, scope string, span func(st, en int) (int, int)) {
	if norm {
		sc.wildOK = sc.wildOK[:0]
	}
	for i, w := range m.wild {
		if norm {
			ok := bytes.Contains(text, []byte(w.lit))
			sc.wildOK = append(sc.wildOK, ok)
			if !ok {
				continue
			}
		} else if i < len(sc.wildOK) && !sc.wildOK[i] {
			continue
		}
		if !m.inScope(w.rule, scope) || !sc.spend(w, len(text)) {
			continue
		}
		for _, loc := range w.re.FindAllSubmatchIndex(text, -1) {
			st, en := loc[2], loc[3]
			if st == en || (en < len(text) && isWordRune(text[en:])) {
				continue
			}
			os, oe := span(st, en)
			sc.found = append(sc.found, hit{rule: w.rule, start: os, end: oe})
		}
	}
	for _, r := range m.regexes {
		if !m.inScope(r.rule, scope) || !sc.spend(r, len(text)) {
			continue
		}
		for _, loc := range r.re.FindAllIndex(text, -1) {
			if loc[0] == loc[1] {
				continue
			}
			os, oe := span(loc[0], loc[1])
			sc.found = append(sc.found, hit{rule: r.rule, start: os, end: oe})
		}
	}
}

func isWordRune(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// rtext is the normalised text that wildcards and regexes see: leetspeak
// read as letters inside words, runs of three or more letters squeezed to
// one, separators as written. from and to map each byte to the nrunes its
// rune starts and ends with (a squeezed rune stands for its whole run).
type rtext struct {
	s        []byte
	from, to []int32
}

func (t *rtext) build(p *pass) {
	t.s, t.from, t.to = t.s[:0], t.from[:0], t.to[:0]
	n := p.n()
	bi := func(i int) int32 {
		if p.idx != nil {
			return p.idx[i]
		}
		return int32(i)
	}
	for i := 0; i < n; {
		r, f := p.at(i).r, p.flags[i]
		k := 1
		if f&fWord != 0 {
			for i+k < n && p.flags[i+k] == f && p.at(i+k).r == r {
				k++
			}
		}
		if f&fLeet != 0 {
			r = rune(leetLetters(r)[0])
		}
		if k >= 3 {
			t.add(r, bi(i), bi(i+k-1))
		} else {
			for j := 0; j < k; j++ {
				t.add(r, bi(i+j), bi(i+j))
			}
		}
		i += k
	}
}

// span maps a byte span of the text to the original.
func (t *rtext) span(base []nrune) func(st, en int) (int, int) {
	return func(st, en int) (int, int) {
		return int(base[t.from[st]].start), int(base[t.to[en-1]].end)
	}
}

func (t *rtext) add(r rune, from, to int32) {
	t.s = utf8.AppendRune(t.s, r)
	for len(t.from) < len(t.s) {
		t.from = append(t.from, from)
		t.to = append(t.to, to)
	}
}

// collect turns the hits into Matches: allow-listed hits dropped, duplicates
// (the same rule and span from several readings) merged, in text order.
