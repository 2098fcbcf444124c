package wordfilter

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"mvdan.cc/xurls/v2"
)

// link is a link found in a message.
type link struct {
	start, end int    // span in the original message
	host       string // the host as written: lower case, punycode decoded; "" when only the normalised text shows a link there
	skel       string // the host normalised: look-alike letters mapped to Latin
}

// tldSet holds xurls' top-level domains, for the cheap test that decides
// whether a stretch of text is worth xurls' (much slower) expression.
func tldSet() map[string]bool {
	set := make(map[string]bool, len(xurls.TLDs)+len(xurls.PseudoTLDs))
	for _, t := range xurls.TLDs {
		set[strings.ToLower(t)] = true
	}
	for _, t := range xurls.PseudoTLDs {
		set[strings.ToLower(t)] = true
	}
	return set
}

// links finds the links of a message when some rule or setting needs them:
// http(s) URLs and bare domains ("example.com/path"), by xurls' relaxed
// expression, in the message as written and in its normalised form (which
// shows links written in fullwidth letters or with zero-width characters
// inside). Email addresses are not links.
func (m *Matcher) links(sc *scratch, text string, s Settings) []link {
	if !m.hasDomain && len(s.AllowedDomains) == 0 && !s.Links.Enabled {
		return nil
	}
	tlds := m.linkTLDs
	var out []link
	forSegments(len(text), func(i int) bool { return text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r' },
		func(a, b int) {
			seg := text[a:b]
			if !maybeLink(seg, tlds) {
				return
			}
			for _, loc := range xurls.Relaxed().FindAllStringIndex(seg, -1) {
				host, ok := hostOf(seg[loc[0]:loc[1]])
				if !ok {
					continue
				}
				out = append(out, link{start: a + loc[0], end: a + loc[1], host: host, skel: skeletonHost(&sc.norm, host)})
			}
		})
	// The normalised text, segment by segment, where it differs from the
	// text as written.
	base := sc.base
	forSegments(len(base), func(i int) bool { return base[i].r == ' ' || base[i].r == '\n' }, func(a, b int) {
		raw := text[base[a].start:base[b-1].end]
		seg := normText(base[a:b])
		if seg == strings.ToLower(raw) || !maybeLink(seg, tlds) {
			return
		}
		// byte offset in seg → nrune index
		at := make([]int, 0, len(seg))
		for k := a; k < b; k++ {
			for range utf8.RuneLen(base[k].r) {
				at = append(at, k)
			}
		}
		for _, loc := range xurls.Relaxed().FindAllStringIndex(seg, -1) {
			host, ok := hostOf(seg[loc[0]:loc[1]])
			if !ok {
				continue
			}
			l := link{start: int(base[at[loc[0]]].start), end: int(base[at[loc[1]-1]].end), skel: skeletonHost(&sc.norm, host)}
			dup := false
			for _, o := range out {
				dup = dup || (o.skel == l.skel && o.start < l.end && l.start < o.end)
			}
			if !dup {
				out = append(out, l)
			}
		}
	})
	return out
}

// forSegments calls f for each maximal run [a, b) of indexes below n that
// are not spaces.
func forSegments(n int, isSpace func(int) bool, f func(a, b int)) {
	for i := 0; i < n; {
		if isSpace(i) {
			i++
			continue
		}
		j := i
		for j < n && !isSpace(j) {
			j++
		}
		f(i, j)
		i = j
	}
}

// maybeLink is a cheap test for a link in a segment: a scheme, "www.", or a
// dot between a word character and a known top-level domain.
func maybeLink(seg string, tlds map[string]bool) bool {
	if strings.Contains(seg, "://") || strings.Contains(strings.ToLower(seg), "www.") {
		return true
	}
	for i := 1; i < len(seg)-1; i++ {
		if seg[i] != '.' && !strings.HasPrefix(seg[i:], "。") {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(seg[:i])
		if !unicode.IsLetter(prev) && !unicode.IsDigit(prev) {
			continue
		}
		j := i + 1
		if seg[i] != '.' {
			j = i + len("。")
		}
		k := j
		for k < len(seg) {
			r, n := utf8.DecodeRuneInString(seg[k:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				break
			}
			k += n
		}
		if k > j && tlds[strings.ToLower(seg[j:k])] {
			return true
		}
	}
	return false
}

// hostOf returns the host of a link that xurls found: lower case, without
// user, port or trailing dot, punycode decoded. Email addresses and mailto:
// give false.
func hostOf(u string) (string, bool) {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	} else if strings.Contains(rest, "@") || strings.HasPrefix(strings.ToLower(rest), "mailto:") {
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.Index(rest, "]"); i >= 0 {
			rest = rest[1:i]
		}
	} else if i := strings.LastIndex(rest, ":"); i >= 0 {
		rest = rest[:i]
	}
	host := strings.TrimSuffix(strings.ToLower(rest), ".")
	if strings.Contains(host, "xn--") {
		if u, err := idna.Punycode.ToUnicode(host); err == nil {
			host = strings.ToLower(u)
		}
	}
	return host, host != ""
}

// skeletonHost is a host normalised like message text: look-alike letters
// mapped to Latin ones, so "раураl.com" in Cyrillic reads "paypal.com".
func skeletonHost(n *normalizer, host string) string {
	return normText(n.appendText(nil, host))
}

// cleanDomain reads a domain as an admin may write it: "Example.com",
// "https://example.com/", "*.example.com", ".example.com".
func cleanDomain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	if i := strings.LastIndex(d, ":"); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimPrefix(d, "*.")
	d = strings.Trim(d, ".")
	if strings.Contains(d, "xn--") {
		if u, err := idna.Punycode.ToUnicode(d); err == nil {
			d = strings.ToLower(u)
		}
	}
	if d == "" {
		return "", errors.New("empty domain")
	}
	for _, r := range d {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-' || r == '.') {
			return "", errors.New("not a domain")
		}
	}
	return d, nil
}

func (c *compiler) domainKey(pattern string) (string, error) {
	d, err := cleanDomain(pattern)
	if err != nil {
		return "", err
	}
	return skeletonHost(&c.norm, d), nil
}

// onDomain reports whether host is domain or a subdomain of it.
func onDomain(host, domain string) bool {
	return host == domain || (len(host) > len(domain) && strings.HasSuffix(host, domain) && host[len(host)-len(domain)-1] == '.')
}

// domainChecks records the links that domain rules deny.
func (m *Matcher) domainChecks(sc *scratch, links []link, scope string) {
	for _, l := range links {
		for _, d := range m.domains {
			if !m.inScope(d.rule, scope) || !onDomain(l.skel, d.key) {
				continue
			}
			excused := false
			for _, a := range d.allow {
				excused = excused || (l.host != "" && onDomain(l.host, a))
			}
			if !excused {
				sc.found = append(sc.found, hit{rule: d.rule, start: l.start, end: l.end})
			}
		}
	}
}
