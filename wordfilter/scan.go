package wordfilter

import (
	"strings"
)

// scan runs the automaton over one pass and records verified matches.
// Over an ASCII skeleton without joined letters every match starts at the
// start of a word and its first word is the whole of that word, so only
// the stretches starting with a word that is the first word of some
// pattern (by a Bloom filter) need the automaton.
func (m *Matcher) scan(sc *scratch, p *pass, scope string) {
	if !p.ascii || p.soft != nil {
		m.scanBytes(sc, p, scope, 0, len(p.skel))
		return
	}
	sk := p.skel
	from, to := -1, -1 // the stretch being gathered
	for i := 0; i < len(sk); {
		if sk[i] == ' ' {
			i++
			continue
		}
		j := i + 1
		for j < len(sk) && sk[j] != ' ' {
			j++
		}
		if m.firsts.has(sk[i:j]) {
			if from >= 0 && i > to {
				m.scanBytes(sc, p, scope, from, to)
				from = -1
			}
			if from < 0 {
				from = i
			}
			to = max(to, min(len(sk), i+max(m.maxLen, j-i)))
		}
		i = j
	}
	if from >= 0 {
		m.scanBytes(sc, p, scope, from, to)
	}
}

// scanBytes runs the automaton over skeleton bytes [from, to).
func (m *Matcher) scanBytes(sc *scratch, p *pass, scope string, from, to int) {
	it := m.ac.IterOverlappingByte(p.skel[from:to])
	for mt := it.Next(); mt != nil; mt = it.Next() {
		a, b := p.entryAt(from+mt.Start()), p.entryAt(from+mt.End()-1)
		if !p.bounded(a, b) {
			continue
		}
		pe := &m.pats[mt.Pattern()]
		for vi := range pe.variants {
			v := &pe.variants[vi]
			if len(v.lens) != b-a+1 || !p.verify(a, v) {
				continue
			}
			start, end := p.span(a, b)
			for _, u := range v.uses {
				if !m.inScope(u.rule, scope) {
					continue
				}
				h := hit{rule: u.rule, start: start, end: end}
				if u.allow {
					sc.allowed = append(sc.allowed, h)
				} else {
					sc.found = append(sc.found, h)
				}
			}
		}
	}
}

// bloom is a Bloom filter of the first words of the skeletons (two hashes
// of one 64-bit FNV-1a into 2^20 bits: for 100,000 words about one false
// positive in 400).
type bloom struct {
	bits []uint64
}

const bloomBits = 1 << 20

func newBloom(skels []string) bloom {
	b := bloom{bits: make([]uint64, bloomBits/64)}
	for _, k := range skels {
		w, _, _ := strings.Cut(k, " ")
		h1, h2 := bloomHash([]byte(w))
		b.bits[h1/64] |= 1 << (h1 % 64)
		b.bits[h2/64] |= 1 << (h2 % 64)
	}
	return b
}

func bloomHash(w []byte) (uint32, uint32) {
	h := uint64(14695981039346656037)
	for _, c := range w {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return uint32(h) % bloomBits, uint32(h>>32) % bloomBits
}

func (b *bloom) has(w []byte) bool {
	h1, h2 := bloomHash(w)
	return b.bits[h1/64]&(1<<(h1%64)) != 0 && b.bits[h2/64]&(1<<(h2%64)) != 0
}

// patKey is the skeleton of pattern entry i.
func (m *Matcher) patKey(i int) string { return m.keys[i] }

func (m *Matcher) inScope(rule int32, scope string) bool {
	rs := m.rules[rule].scope
	return rs == ScopeSite || rs == scope
}
