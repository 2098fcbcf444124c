package wordfilter

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names of the built-in checks, as Match.Pattern.
const (
	CheckCaps           = "caps"
	CheckRepeat         = "repeat"
	CheckMentions       = "mentions"
	CheckLinks          = "links"
	CheckAllowedDomains = "allowed-domains"
)

// builtins adds the reasons of the rule matches already in v, then runs the
// built-in checks that s switches on.
func builtins(v *Verdict, sc *scratch, text string, s Settings, recent []string, links []link) {
	for i, mt := range v.Rules {
		dup := false
		for _, o := range v.Rules[:i] {
			dup = dup || o.RuleID == mt.RuleID
		}
		if !dup {
			v.Reasons = append(v.Reasons, fmt.Sprintf("matched %s rule \"%s\"", mt.Kind, mt.Pattern))
		}
	}
	add := func(name string, a Action, start, end int, reason string) {
		v.Rules = append(v.Rules, Match{Kind: KindBuiltin, Action: a, Pattern: name, Start: start, End: end, Text: text[start:end]})
		v.Reasons = append(v.Reasons, reason)
	}
	if c := s.Caps; c.Enabled {
		minLetters, ratio := c.MinLetters, c.MinRatio
		if minLetters <= 0 {
			minLetters = 12
		}
		if ratio <= 0 {
			ratio = 0.7
		}
		if up, letters := caps(text); letters >= minLetters && float64(up) >= ratio*float64(letters) {
			add(CheckCaps, orFlag(c.Action), 0, len(text), "caps-lock shouting")
		}
	}
	if r := s.Repeats; r.Enabled && len(recent) > 0 {
		last := recent
		if r.Last > 0 && r.Last < len(last) {
			last = last[:r.Last]
		}
		key := repeatKey(sc, text)
		for _, old := range last {
			if repeatKey(sc, old) == key {
				add(CheckRepeat, orFlag(r.Action), 0, len(text), "repeated message")
				break
			}
		}
	}
	if f := s.Mentions; f.Enabled {
		limit := f.Max
		if limit <= 0 {
			limit = 5
		}
		if n := mentions(text); n > limit {
			add(CheckMentions, orFlag(f.Action), 0, len(text), fmt.Sprintf("mention flooding (%d mentions, at most %d)", n, limit))
		}
	}
	if f := s.Links; f.Enabled {
		limit := f.Max
		if limit <= 0 {
			limit = 3
		}
		if n := len(links); n > limit {
			add(CheckLinks, orFlag(f.Action), 0, len(text), fmt.Sprintf("link flooding (%d links, at most %d)", n, limit))
		}
	}
	if len(s.AllowedDomains) > 0 {
		action := s.OffListAction
		if action == Allow {
			action = Hold
		}
		var allowed, allowedSkel []string
		for _, d := range s.AllowedDomains {
			if c, err := cleanDomain(d); err == nil {
				allowed = append(allowed, c)
				allowedSkel = append(allowedSkel, skeletonHost(&sc.norm, c))
			}
		}
		for _, l := range links {
			ok, like := false, ""
			for i, d := range allowed {
				ok = ok || (l.host != "" && onDomain(l.host, d))
				if like == "" && onDomain(l.skel, allowedSkel[i]) {
					like = d
				}
			}
			if ok {
				continue
			}
			shown := l.host
			if shown == "" {
				shown = text[l.start:l.end]
			}
			reason := fmt.Sprintf("link to %q, not on the channel's domain list", shown)
			if like != "" {
				reason = fmt.Sprintf("link to %q, a look-alike of allowed domain %q", shown, like)
			}
			add(CheckAllowedDomains, action, l.start, l.end, reason)
		}
	}
}

// caps counts the upper-case and all cased letters.
func caps(text string) (upper, letters int) {
	for _, r := range text {
		switch {
		case unicode.IsUpper(r):
			upper++
			letters++
		case unicode.IsLower(r):
			letters++
		}
	}
	return upper, letters
}

// mentions counts @names: an @ not preceded by a word character (so not an
// email address), followed by one.
func mentions(text string) int {
	n := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 {
			p, _ := utf8.DecodeLastRuneInString(text[:i])
			if unicode.IsLetter(p) || unicode.IsDigit(p) || p == '_' || p == '.' || p == '@' {
				continue
			}
		}
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			n++
		}
	}
	return n
}

// repeatKey is the form in which two messages count as the same: normalised
// (case, look-alikes, accents, invisible characters), punctuation dropped,
// runs of three or more letters squeezed to one. A message with no words is
// compared as written, trimmed.
func repeatKey(sc *scratch, text string) string {
	rs := sc.norm.appendText(sc.rbuf[:0], text)
	sc.rbuf = rs
	var b strings.Builder
	space := false
	for i := 0; i < len(rs); {
		r := rs[i].r
		if cl := classOf(r); cl == clSep || cl == clLeet {
			space = b.Len() > 0
			i++
			continue
		}
		n := 1
		for i+n < len(rs) && rs[i+n].r == r {
			n++
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if n >= 3 {
			n = 1
		}
		for range n {
			b.WriteRune(r)
		}
		i += n
		for i < len(rs) && rs[i].r == r {
			i++
		}
	}
	if b.Len() == 0 {
		return strings.TrimSpace(text)
	}
	return b.String()
}
