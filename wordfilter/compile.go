package wordfilter

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

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
			errs = append(errs, fmt.Errorf("wordfilter: rule %d (%s %q): %w", r.ID, r.Kind, r.Pattern, err))
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
	m.linkTLDs = tldSet() // links are also needed by the channel settings
	return m, nil
}

// ValidateRule reports what is wrong with one rule, as Compile would.
func ValidateRule(r Rule) error {
	c := compiler{m: &Matcher{}, index: map[string]int{}}
	if err := c.add(&r); err != nil {
		return fmt.Errorf("wordfilter: rule %d (%s %q): %w", r.ID, r.Kind, r.Pattern, err)
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
		re, size, err := compileBounded(expr)
		if err != nil {
			return fail(fmt.Errorf("wildcard: %w", err))
		}
		c.m.wild = append(c.m.wild, reRule{rule: idx, re: re, lit: lit, size: size})
	case KindRegex:
		re, size, err := compileBounded("(?i)" + r.Pattern)
		if err != nil && !errors.Is(err, errTooComplex) {
			err = fmt.Errorf("invalid regex: %w", err)
		}
		if err != nil {
			return fail(err)
		}
		c.m.regexes = append(c.m.regexes, reRule{rule: idx, re: re, size: size})
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
