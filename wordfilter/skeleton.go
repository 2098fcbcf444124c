package wordfilter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A pass is one reading of the normalised text (all of it, a window of it,
// or the text with spelled-out words joined), prepared for the Aho–Corasick
// scan. It decides which characters are part of words and reduces the text
// to a skeleton in which
//   - every run of separators is one ' ',
//   - letters are replaced by their skeleton class (i/l and b/g share one),
//   - digits inside words that have letters ("h3ll0", not "1488"), and in
//     leet mode the leetspeak symbols inside words ("sh!t", "@ss"), are
//     replaced by the class of the letter they usually stand for,
//   - runs of the same skeleton character are one entry ("baaad" is b, a, d
//     with a run of three a's).
//
// Patterns are reduced the same way, and a skeleton match is then checked
// against the pattern's exact letters and run lengths (see verify).
type pass struct {
	base  []nrune
	idx   []int32 // view position → index in base; nil: the identity
	soft  []bool  // per view position: a joined spelled-out letter; nil: none
	flags []uint8 // per view position: fWord, fLeet
	ents  []entry
	skel  []byte
	entAt []int32 // the entry of each skeleton byte, when not ascii
	ascii bool    // the skeleton is ASCII: byte offset = entry index
	leet  bool    // leet mode: symbols inside words read as letters
	anyLS bool    // some leetspeak symbol was read as a letter
}

const (
	fWord uint8 = 1 << iota // part of a word
	fLeet                   // read through leetLetters
)

// entry is a run of equal skeleton characters, view positions [from, to).
type entry struct {
	skel     rune
	from, to int32
}

func (p *pass) n() int {
	if p.idx != nil {
		return len(p.idx)
	}
	return len(p.base)
}

func (p *pass) at(i int) *nrune {
	if p.idx != nil {
		return &p.base[p.idx[i]]
	}
	return &p.base[i]
}

// isWord reports whether view position i is part of a word.
func (p *pass) isWord(i int) bool {
	switch p.at(i).cls {
	case clLetter, clDigit, clMark:
		return true
	case clLeet:
		if !p.leet {
			return false
		}
		right := i+1 < p.n() && p.at(i+1).cls != clSep
		if r := p.at(i).r; r == '!' || r == '|' {
			return right // "sh!t", but "hello!" ends with punctuation
		}
		return right || (i > 0 && p.at(i-1).cls != clSep)
	}
	return false
}

// build prepares the pass over base, or over the view positions idx of base
// (soft marking joined spelled-out letters).
func (p *pass) build(base []nrune, idx []int32, soft []bool, leet bool) {
	p.base, p.idx, p.soft, p.leet, p.anyLS, p.ascii = base, idx, soft, leet, false, true
	p.flags, p.ents, p.skel, p.entAt = p.flags[:0], p.ents[:0], p.skel[:0], p.entAt[:0]
	n := p.n()
	for i := 0; i < n; {
		if !p.isWord(i) {
			p.flags = append(p.flags, 0)
			p.emit(' ', i)
			i++
			continue
		}
		j, lettered := i, false
		for ; j < n && p.isWord(j); j++ {
			if cl := p.at(j).cls; cl == clLetter || cl == clLeet {
				lettered = true
			}
		}
		for k := i; k < j; k++ {
			c := p.at(k)
			f, s := fWord, c.r
			switch c.cls {
			case clLetter:
				s = skelLetter(c.r)
			case clLeet:
				f |= fLeet
				s = skelLetter(rune(leetLetters(c.r)[0]))
				p.anyLS = true
			case clDigit:
				// Digits stand for letters in words that have letters.
				if lettered && c.r < utf8.RuneSelf {
					if l := leetLetters(c.r); l != "" {
						f |= fLeet
						s = skelLetter(rune(l[0]))
					}
				}
			}
			p.flags = append(p.flags, f)
			p.emit(s, k)
		}
		i = j
	}
}

// buildPlain is build(base, nil, nil, false) made fast for the common case:
// every character is a word character or not by its class alone. It
// leaves flags empty (only the leet reading and the regex text need them).
func (p *pass) buildPlain(base []nrune) {
	p.base, p.idx, p.soft, p.leet, p.anyLS, p.ascii = base, nil, nil, false, false, true
	ents, skel := p.ents[:0], p.skel[:0]
	p.flags, p.entAt = p.flags[:0], p.entAt[:0]
	lettered, known := false, false // of the current word, for its digits
	for i := range base {
		c := &base[i]
		var s rune
		switch c.cls {
		case clLetter:
			s = c.r
			if s == 'l' || s == 'g' {
				s = skelLetter(s)
			}
		case clDigit:
			s = c.r
			if s < utf8.RuneSelf && leetLetters(s) != "" {
				if !known {
					lettered, known = wordLettered(base, i), true
				}
				if lettered {
					s = skelLetter(rune(leetLetters(s)[0]))
				}
			}
		case clMark:
			s = c.r
		default:
			s = ' '
			known = false
		}
		if k := len(ents) - 1; k >= 0 && ents[k].skel == s && mergeable(s) {
			ents[k].to = int32(i + 1)
			continue
		}
		if s >= utf8.RuneSelf {
			// Rare: finish the slow way.
			p.ents, p.skel = ents, skel
			for j := i; j < len(base); j++ {
				p.buildPlainSlow(j)
			}
			return
		}
		ents = append(ents, entry{skel: s, from: int32(i), to: int32(i + 1)})
		skel = append(skel, byte(s))
	}
	p.ents, p.skel = ents, skel
}

// buildPlainSlow adds position i of the plain reading through emit.
func (p *pass) buildPlainSlow(i int) {
	c := &p.base[i]
	s := c.r
	switch c.cls {
	case clLetter:
		s = skelLetter(s)
	case clDigit:
		if s < utf8.RuneSelf && leetLetters(s) != "" && wordLettered(p.base, i) {
			s = skelLetter(rune(leetLetters(s)[0]))
		}
	case clMark:
	default:
		s = ' '
	}
	p.emit(s, i)
}

// wordLettered reports whether the plain-reading word around base[i] has a
// letter.
func wordLettered(base []nrune, i int) bool {
	word := func(c uint8) bool { return c == clLetter || c == clDigit || c == clMark }
	for j := i; j >= 0 && word(base[j].cls); j-- {
		if base[j].cls == clLetter {
			return true
		}
	}
	for j := i + 1; j < len(base) && word(base[j].cls); j++ {
		if base[j].cls == clLetter {
			return true
		}
	}
	return false
}

// emit adds view position i with skeleton character s.
func (p *pass) emit(s rune, i int) {
	if k := len(p.ents) - 1; k >= 0 && p.ents[k].skel == s && mergeable(s) {
		p.ents[k].to = int32(i + 1)
		return
	}
	p.ents = append(p.ents, entry{skel: s, from: int32(i), to: int32(i + 1)})
	if s < utf8.RuneSelf {
		p.skel = append(p.skel, byte(s))
		if !p.ascii {
			p.entAt = append(p.entAt, int32(len(p.ents)-1))
		}
		return
	}
	if p.ascii {
		p.ascii = false
		for e := range p.ents[:len(p.ents)-1] {
			p.entAt = append(p.entAt, int32(e))
		}
	}
	p.skel = utf8.AppendRune(p.skel, s)
	for len(p.entAt) < len(p.skel) {
		p.entAt = append(p.entAt, int32(len(p.ents)-1))
	}
}

// entryAt is the entry that skeleton byte b belongs to.
func (p *pass) entryAt(b int) int {
	if p.ascii {
		return b
	}
	return int(p.entAt[b])
}

// mergeable: runs of letters and of separators collapse; digits of numbers
// do not ("1488" is not "148").
func mergeable(s rune) bool {
	if s < utf8.RuneSelf {
		return !('0' <= s && s <= '9')
	}
	return !unicode.IsDigit(s)
}

func (p *pass) softAt(i int32) bool { return p.soft != nil && p.soft[i] }

// bounded reports whether entries [a, b] stand on word boundaries.
func (p *pass) bounded(a, b int) bool {
	e := p.ents
	left := a == 0 || e[a-1].skel == ' ' || p.softAt(e[a].from) || continua(e[a-1].skel) || continua(e[a].skel)
	if !left {
		return false
	}
	return b == len(e)-1 || e[b+1].skel == ' ' || p.softAt(e[b+1].from) || continua(e[b].skel) || continua(e[b+1].skel)
}

// verify checks a skeleton match at entry a against the pattern's exact
// letters: every run of the message is at least as long as the pattern's
// ("baaad" stretches "bad", but "as" does not stretch "ass" and "heel" does
// not stretch "hell"), and in the classes that share a skeleton letter the
// message's letters read as the pattern's.
func (p *pass) verify(a int, v *variant) bool {
	off := 0
	for j, n := range v.lens {
		e := p.ents[a+j]
		if e.skel == ' ' {
			continue
		}
		if int(e.to-e.from) < int(n) {
			return false
		}
		if mergedClass(e.skel) && !p.alignRun(int(e.from), int(e.to), v.letters[off:off+int(n)]) {
			return false
		}
		off += int(n)
	}
	return true
}

// compat reports whether the message's character c, in a letter run, can be
// read as the pattern letter l (a digit or symbol there is leetspeak).
func compat(c *nrune, l rune) bool {
	if c.cls == clLetter {
		return c.r == l
	}
	return strings.ContainsRune(leetLetters(c.r), l)
}

// alignRun reports whether view positions [from, to) can be split, in
// order, into len(pat) non-empty groups, each read as its pattern letter.
func (p *pass) alignRun(from, to int, pat []rune) bool {
	k := len(pat)
	if k == 0 || to-from < k {
		return false
	}
	if k > 64 {
		return p.alignRunSlow(from, to, pat)
	}
	full := uint64(1)<<uint(k) - 1
	if k == 64 {
		full = ^uint64(0)
	}
	var cur uint64
	for i := from; i < to; i++ {
		c := p.at(i)
		var m uint64
		for j, l := range pat {
			if compat(c, l) {
				m |= 1 << uint(j)
			}
		}
		if i == from {
			cur = m & 1
		} else {
			cur = (cur | cur<<1) & m & full
		}
		if cur == 0 {
			return false
		}
	}
	return cur&(1<<uint(k-1)) != 0
}

func (p *pass) alignRunSlow(from, to int, pat []rune) bool {
	k := len(pat)
	cur, next := make([]bool, k), make([]bool, k)
	cur[0] = compat(p.at(from), pat[0])
	for i := from + 1; i < to; i++ {
		c := p.at(i)
		for j := range next {
			next[j] = (cur[j] || j > 0 && cur[j-1]) && compat(c, pat[j])
		}
		cur, next = next, cur
	}
	return cur[k-1]
}

// span is the byte span in the original text of entries [a, b].
func (p *pass) span(a, b int) (int, int) {
	return int(p.at(int(p.ents[a].from)).start), int(p.at(int(p.ents[b].to - 1)).end)
}

// leetWindows returns the stretches of base that the leet reading can
// change: each word with a leetspeak symbol in it, widened by k words on
// each side (k+1 is the most words a pattern has). Only these need the leet
// pass; elsewhere it reads like the plain one.
func leetWindows(base []nrune, k int, out [][2]int32) [][2]int32 {
	p := pass{base: base, leet: true}
	n := len(base)
	out = out[:0]
	for i := 0; i < n; i++ {
		if base[i].cls != clLeet || !p.isWord(i) {
			continue
		}
		from, to := i, i+1
		for from > 0 && p.isWord(from-1) {
			from--
		}
		for to < n && p.isWord(to) {
			to++
		}
		for w := 0; w < k; w++ {
			for from > 0 && !p.isWord(from-1) {
				from--
			}
			for from > 0 && p.isWord(from-1) {
				from--
			}
			for to < n && !p.isWord(to) {
				to++
			}
			for to < n && p.isWord(to) {
				to++
			}
		}
		if l := len(out) - 1; l >= 0 && int(out[l][1]) >= from {
			out[l][1] = int32(max(int(out[l][1]), to))
		} else {
			out = append(out, [2]int32{int32(from), int32(to)})
		}
		i = to - 1
	}
	return out
}

// joinRuns finds spelled-out words: runs of at least three single
// characters separated by one to three separators on one line ("b.a.d",
// "b a d", "b-a-d", "b_a_d", "b*a*d", "$ h 1 t"), at least one of them a
// letter. It returns the positions of base without the separators inside
// such runs and the soft word boundaries before each joined character, and
// false when there is no such run. It reuses idx and soft.
func joinRuns(base []nrune, idx []int32, soft []bool) ([]int32, []bool, bool) {
	// First a cheap look for three single characters in a row.
	found := false
	count, lastEnd := 0, -1
	letter := false
	for i := 0; i < len(base); {
		if base[i].cls == clSep {
			i++
			continue
		}
		j := i + 1
		for j < len(base) && base[j].cls != clSep {
			j++
		}
		single := j-i == 1
		if single && count > 0 && !gapOK(base[lastEnd:i]) {
			count, letter = 0, false
		}
		if single {
			count++
			letter = letter || base[i].cls == clLetter
			lastEnd = j
			if count >= 3 && letter {
				found = true
			}
		} else {
			count, letter = 0, false
		}
		i = j
	}
	if !found {
		return idx, soft, false
	}
	idx, soft = idx[:0], soft[:0]
	for i := range base {
		idx = append(idx, int32(i))
		soft = append(soft, false)
	}
	// Mark the runs: singles [first..last] with their gaps.
	type tok struct{ from, to int }
	var singles [16]tok
	run := singles[:0]
	flush := func() {
		if len(run) >= 3 {
			hasLetter := false
			for _, t := range run {
				hasLetter = hasLetter || base[t.from].cls == clLetter
			}
			if hasLetter {
				for i := 1; i < len(run); i++ {
					for k := run[i-1].to; k < run[i].from; k++ {
						idx[k] = -1
					}
					soft[run[i].from] = true
				}
			}
		}
		run = run[:0]
	}
	for i := 0; i < len(base); {
		if base[i].cls == clSep {
			i++
			continue
		}
		j := i + 1
		for j < len(base) && base[j].cls != clSep {
			j++
		}
		if j-i != 1 {
			flush()
		} else {
			if len(run) > 0 && !gapOK(base[run[len(run)-1].to:i]) {
				flush()
			}
			run = append(run, tok{i, j})
		}
		i = j
	}
	flush()
	n := 0
	for i, v := range idx {
		if v >= 0 {
			idx[n], soft[n] = v, soft[i]
			n++
		}
	}
	return idx[:n], soft[:n], true
}

// gapOK: one to three separators, no line break.
func gapOK(gap []nrune) bool {
	if len(gap) < 1 || len(gap) > 3 {
		return false
	}
	for _, g := range gap {
		if g.r == '\n' {
			return false
		}
	}
	return true
}
