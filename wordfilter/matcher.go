package wordfilter

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// Matcher is a compiled set of rules. It never changes after Compile and is
// safe for concurrent use.
type Matcher struct {
	rules []crule

	// Words, phrases and allow-list exceptions: one Aho–Corasick automaton
	// over their skeletons (see pass).
	ac       ahocorasick.AhoCorasick
	hasAC    bool
	pats     []patEntry
	keys     []string // the skeleton of each entry of pats
	maxWords int      // the most words in one pattern
	maxLen   int      // the longest skeleton, in bytes
	firsts   bloom    // first words of the skeletons

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
	size int    // instructions of the compiled program: the cost of a run per byte
}

type domainRule struct {
	rule  int32
	key   string   // skeleton of the domain
	allow []string // exact domains whose links pass
}

// Compile builds one matcher for rules; disabled rules are left out. An
// invalid rule (unknown kind or action, bad scope, invalid regex, a pattern
// with no letters or digits) is an error naming it.// scratch is the per-Check working memory, pooled by the Matcher.
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

	regexWork  int64 // regex work done so far
	overBudget bool  // a run was skipped for want of budget
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
		m = &Matcher{linkTLDs: tldSet()}
	}
	sc := m.scratch()
	defer m.pool.Put(sc)
	sc.found, sc.allowed = sc.found[:0], sc.allowed[:0]
	sc.regexWork, sc.overBudget = 0, false
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
	budgetCheck(&v, sc, text)
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
