package moderation

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// Matcher is a compiled set of rules. It never changes after Compile and is
// safe for concurrent use.
type Matcher struct {
	rules []crule

	// Words, phrases and allow-list exceptions: one Aho–Corasick automaton
	// over their skeletons (see pass).
	ac    ahocorasick.AhoCorasick
	hasAC bool
	pats  []patEntry
	keys  []string // the skeleton of each entry of pats
	maxWords int // the most words in one pattern
	maxLen   int // the longest skeleton, in bytes
	firsts   bloom // first words of the skeletons

	wild    []reRule // wildcards, as RE2 with a word boundary before
	regexes []reRule

	domains   []domainRule
	linkTLDs  map[string]bool // for the cheap test of whether xurls needs to run
	hasDomain bool

	pool sync.Pool // *scratch
}

// crule is what Check needs of a rule.
type crule struct {
	id        int64
	kind      Kind
	action    Action
	pattern   string
	guideline string
	scope     string
}

// patEntry is one skeleton in the automaton; variants are the exact forms
// (letters and run lengths) that share it.
type patEntry struct {
	variants []variant
}

type variant struct {
	lens    []int32 // run length of each skeleton entry
	letters []rune  // the letters of all runs, in order (separators excluded)
	uses    []use
}

type use struct {
	rule  int32
	allow bool // an allow-list exception of the rule, not the rule itself
}

type reRule struct {
	rule int32
	re   *regexp.Regexp
	lit  string // wildcards: their longest literal, which the normalised text must contain
}

type domainRule struct {
	rule  int32
	key   string   // skeleton of the domain
	allow []string // exact domains whose links pass
}

// Compile builds one matcher for rules; disabled rules are left out. An
// invalid rule (unknown kind or action, bad scope, invalid regex, a pattern
// with no letters or digits) is an error naming it.
func Compile(rules []Rule) (*Matcher, error) {
	m := &Matcher{}
	c := compiler{m: m, index: map[string]int{}}
	var errs []error
	for i := range rules {
		r := &rules[i]
		if !r.Enabled {
			continue
		}
		if err := c.add(r); err != nil {
			errs = append(errs, fmt.Errorf("moderation: rule %d (%s %q): %w", r.ID, r.Kind, r.Pattern, err))
			if len(errs) == 10 {
				break
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(c.skels) > 0 {
		b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch})
		m.ac = b.Build(c.skels)
		m.hasAC = true
		m.firsts = newBloom(c.skels)
		m.keys = c.skels
		for _, sk := range c.skels {
			m.maxLen = max(m.maxLen, len(sk))
		}
	}
	if m.hasDomain {
		m.linkTLDs = tldSet()
	}
	return m, nil
}

// ValidateRule reports what is wrong with one rule, as Compile would.
func ValidateRule(r Rule) error {
	c := compiler{m: &Matcher{}, index: map[string]int{}}
	if err := c.add(&r); err != nil {
		return fmt.Errorf("moderation: rule %d (%s %q): %w", r.ID, r.Kind, r.Pattern, err)
	}
	return nil
}

type compiler struct {
	m     *Matcher
	norm  normalizer
	base  []nrune
	pass  pass
	index map[string]int // skeleton → index in skels and m.pats
	skels []string
}

func (c *compiler) add(r *Rule) error {
	if r.Action < Flag || r.Action > Block {
		return fmt.Errorf("action %s: want block, hold, mask or flag", r.Action)
	}
	if !scopeOK(r.Scope) {
		return fmt.Errorf("scope %q: want %q or \"channel:<id>\"", r.Scope, ScopeSite)
	}
	if strings.TrimSpace(r.Pattern) == "" {
		return errors.New("empty pattern")
	}
	scope := r.Scope
	if scope == "" {
		scope = ScopeSite
	}
	idx := int32(len(c.m.rules))
	c.m.rules = append(c.m.rules, crule{id: r.ID, kind: r.Kind, action: r.Action, pattern: r.Pattern,
		guideline: r.GuidelineID, scope: scope})
	fail := func(err error) error {
		c.m.rules = c.m.rules[:idx]
		return err
	}
	switch r.Kind {
	case KindWord, KindPhrase:
		if err := c.addPhrase(r.Pattern, use{rule: idx}); err != nil {
			return fail(err)
		}
	case KindWildcard:
		expr, lit, err := c.wildcard(r.Pattern)
		if err != nil {
			return fail(err)
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return fail(fmt.Errorf("wildcard: %w", err))
		}
		c.m.wild = append(c.m.wild, reRule{rule: idx, re: re, lit: lit})
	case KindRegex:
		re, err := regexp.Compile("(?i)" + r.Pattern)
		if err != nil {
			return fail(fmt.Errorf("invalid regex: %w", err))
		}
		c.m.regexes = append(c.m.regexes, reRule{rule: idx, re: re})
	case KindDomain:
		key, err := c.domainKey(r.Pattern)
		if err != nil {
			return fail(err)
		}
		d := domainRule{rule: idx, key: key}
		for _, a := range r.Allow {
			h, err := cleanDomain(a)
			if err != nil {
				return fail(fmt.Errorf("allow %q: %w", a, err))
			}
			d.allow = append(d.allow, h)
		}
		c.m.domains = append(c.m.domains, d)
		c.m.hasDomain = true
		return nil
	default:
		return fail(fmt.Errorf("unknown kind %s", r.Kind))
	}
	for _, a := range r.Allow {
		if strings.TrimSpace(a) == "" {
			continue
		}
		if err := c.addPhrase(a, use{rule: idx, allow: true}); err != nil {
			return fail(fmt.Errorf("allow %q: %w", a, err))
		}
	}
	return nil
}

// addPhrase adds a word or phrase (a rule's pattern or an allow-list entry)
// to the automaton's dictionary.
func (c *compiler) addPhrase(text string, u use) error {
	c.base = c.norm.appendText(c.base[:0], text)
	c.pass.build(c.base, nil, nil, true)
	ents := c.pass.ents
	for len(ents) > 0 && ents[0].skel == ' ' {
		ents = ents[1:]
	}
	for len(ents) > 0 && ents[len(ents)-1].skel == ' ' {
		ents = ents[:len(ents)-1]
	}
	letters := false
	for _, r := range c.base {
		letters = letters || r.cls == clLetter || r.cls == clDigit
	}
	if len(ents) == 0 || !letters {
		return errors.New("pattern has no letters or digits")
	}
	var skel strings.Builder
	v := variant{lens: make([]int32, len(ents))}
	words := 1
	for j, e := range ents {
		skel.WriteRune(e.skel)
		v.lens[j] = e.to - e.from
		if e.skel == ' ' {
			words++
			continue
		}
		for i := e.from; i < e.to; i++ {
			l := c.pass.at(int(i)).r
			if c.pass.flags[i]&fLeet != 0 {
				l = rune(leetLetters(l)[0])
			}
			v.letters = append(v.letters, l)
		}
	}
	c.m.maxWords = max(c.m.maxWords, words)
	key := skel.String()
	i, ok := c.index[key]
	if !ok {
		i = len(c.skels)
		c.index[key] = i
		c.skels = append(c.skels, key)
		c.m.pats = append(c.m.pats, patEntry{})
	}
	pe := &c.m.pats[i]
	for k := range pe.variants {
		if slices.Equal(pe.variants[k].lens, v.lens) && slices.Equal(pe.variants[k].letters, v.letters) {
			pe.variants[k].uses = append(pe.variants[k].uses, u)
			return nil
		}
	}
	v.uses = []use{u}
	pe.variants = append(pe.variants, v)
	return nil
}

const wordClass = `[\p{L}\p{N}\p{M}]`

// wildcard turns a wildcard pattern into RE2 over the normalised text: *
// is any run of word characters, ? one, separators any run of non-word
// characters; literal letters are normalised like the text (leetspeak read,
// runs of three or more letters squeezed to one). The expression starts with
// a word boundary (the start or a non-word character, outside the group);
// the end boundary is checked by the caller. lit is the longest run of
// literal letters.
func (c *compiler) wildcard(pattern string) (expr, lit string, err error) {
	c.base = c.norm.appendText(c.base[:0], pattern)
	c.pass.build(c.base, nil, nil, true)
	var body, run strings.Builder
	literal := false
	sep := false
	endRun := func() {
		if run.Len() > len(lit) {
			lit = run.String()
		}
		run.Reset()
	}
	n := c.pass.n()
	for i := 0; i < n; i++ {
		r, f := c.pass.at(i).r, c.pass.flags[i]
		switch {
		case r == '*':
			body.WriteString(wordClass + "*")
			sep = false
			endRun()
		case r == '?':
			body.WriteString(wordClass)
			sep = false
			endRun()
		case f&fWord != 0:
			l := r
			if f&fLeet != 0 {
				l = rune(leetLetters(r)[0])
			}
			k := 1
			for i+k < n && c.pass.at(i+k).r == r && c.pass.flags[i+k] == f {
				k++
			}
			if k >= 3 {
				i += k - 1
			}
			body.WriteString(regexp.QuoteMeta(string(l)))
			run.WriteRune(l)
			literal = true
			sep = false
		default:
			endRun()
			if !sep && body.Len() > 0 {
				body.WriteString(`[^\p{L}\p{N}\p{M}]+`)
			}
			sep = true
		}
	}
	endRun()
	if !literal {
		return "", "", errors.New("wildcard has no letters or digits")
	}
	expr = strings.TrimSuffix(body.String(), `[^\p{L}\p{N}\p{M}]+`)
	return `(?i)(?:^|[^\p{L}\p{N}\p{M}])(` + expr + `)`, lit, nil
}

// scratch is the per-Check working memory, pooled by the Matcher.
type scratch struct {
	norm    normalizer
	base    []nrune
	p       pass
	idx     []int32
	soft    []bool
	wins    [][2]int32
	widx    []int32
	found   []hit
	allowed []hit
	rt      rtext
	rbuf    []nrune // repeat keys
	leetSym bool    // the text has a leetspeak symbol
	wildOK  []bool  // per wildcard: its literal is in the normalised text
}

// hit is a match of rule index rule at [start, end) of the original text.
type hit struct {
	rule       int32
	start, end int
}

func (m *Matcher) scratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

// Check filters one message. Settings select the channel's rules and its
// built-in checks; recent are the author's recent messages, newest first,
// for the repeat check. A nil Matcher has no rules (built-ins still run).
func (m *Matcher) Check(text string, s Settings, recent []string) Verdict {
	if m == nil {
		m = &Matcher{}
	}
	sc := m.scratch()
	defer m.pool.Put(sc)
	sc.found, sc.allowed = sc.found[:0], sc.allowed[:0]
	sc.norm.sawLeet = false
	sc.base = sc.norm.appendText(sc.base[:0], text)
	sc.leetSym = sc.norm.sawLeet

	needRE := len(m.wild)+len(m.regexes) > 0
	if m.hasAC || needRE {
		m.readings(sc, text, s.Scope, needRE)
	}
	v := Verdict{}
	links := m.links(sc, text, s)
	m.domainChecks(sc, links, s.Scope)
	v.Rules = m.collect(sc, text)
	builtins(&v, sc, text, s, recent, links)
	for _, r := range v.Rules {
		v.Action = max(v.Action, r.Action)
	}
	v.Masked = maskText(text, v.Rules)
	return v
}

// readings runs the automaton (and the wildcards and regexes) over the
// readings of the text: the plain one; the leetspeak one where some symbol
// reads as a letter (only around such words, unless regexes need all of
// it); and the same two with spelled-out words joined ("b a d"), when
// there are any.
func (m *Matcher) readings(sc *scratch, text, scope string, needRE bool) {
	leetSym := sc.leetSym
	p := &sc.p
	if m.hasAC {
		p.buildPlain(sc.base)
		m.scan(sc, p, scope)
		if leetSym && !needRE {
			// One leet pass over the windows, each with the separators
			// around it (a leetspeak symbol's reading depends on its
			// neighbours).
			sc.wins = leetWindows(sc.base, m.maxWords-1, sc.wins)
			sc.widx = sc.widx[:0]
			for _, w := range sc.wins {
				for i := max(0, w[0]-1); i < min(int32(len(sc.base)), w[1]+1); i++ {
					if k := len(sc.widx); k == 0 || sc.widx[k-1] < i {
						sc.widx = append(sc.widx, i)
					}
				}
			}
			if len(sc.widx) > 0 {
				p.build(sc.base, sc.widx, nil, true)
				m.scan(sc, p, scope)
			}
		}
	}
	if needRE {
		p.build(sc.base, nil, nil, leetSym)
		if m.hasAC && p.anyLS {
			m.scan(sc, p, scope)
		}
		sc.rt.build(p)
		m.scanRE(sc, sc.rt.s, true, scope, sc.rt.span(sc.base))
		m.scanRE(sc, []byte(text), false, scope, func(st, en int) (int, int) { return st, en })
	}
	var joined bool
	sc.idx, sc.soft, joined = joinRuns(sc.base, sc.idx, sc.soft)
	if !joined {
		return
	}
	if m.hasAC {
		p.build(sc.base, sc.idx, sc.soft, false)
		m.scan(sc, p, scope)
	}
	if leetSym || needRE {
		p.build(sc.base, sc.idx, sc.soft, true)
		if m.hasAC && p.anyLS {
			m.scan(sc, p, scope)
		}
		if needRE {
			sc.rt.build(p)
			m.scanRE(sc, sc.rt.s, true, scope, sc.rt.span(sc.base))
		}
	}
}

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
		if !m.inScope(w.rule, scope) {
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
		if !m.inScope(r.rule, scope) {
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
func (m *Matcher) collect(sc *scratch, text string) []Match {
	if len(sc.found) == 0 {
		return nil
	}
	hits := sc.found
	slices.SortFunc(hits, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.end != b.end {
			return a.end - b.end
		}
		return int(a.rule) - int(b.rule)
	})
	out := make([]Match, 0, len(hits))
	for i, h := range hits {
		if i > 0 && h == hits[i-1] {
			continue
		}
		if excused(h, sc.allowed) {
			continue
		}
		r := &m.rules[h.rule]
		out = append(out, Match{RuleID: r.id, Kind: r.kind, Action: r.action, Pattern: r.pattern,
			GuidelineID: r.guideline, Start: h.start, End: h.end, Text: text[h.start:h.end]})
	}
	return out
}

func excused(h hit, allowed []hit) bool {
	for _, a := range allowed {
		if a.rule == h.rule && a.start <= h.start && h.end <= a.end {
			return true
		}
	}
	return false
}

// maskText replaces the spans of mask matches with one '*' per rune.
func maskText(text string, ms []Match) string {
	var spans [][2]int
	for _, mt := range ms {
		if mt.Action == Mask {
			spans = append(spans, [2]int{mt.Start, mt.End})
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, sp := range spans {
		if sp[1] <= at {
			continue
		}
		st := max(sp[0], at)
		b.WriteString(text[at:st])
		b.WriteString(strings.Repeat("*", utf8.RuneCountInString(text[st:sp[1]])))
		at = sp[1]
	}
	b.WriteString(text[at:])
	return b.String()
}
