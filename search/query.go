package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The query language of the search box's text, the same on every engine:
//
//	entropy heat         every word must match
//	"exact phrase"       the words next to each other, in this order
//	jwst OR hubble       either side (a phrase or a (group) counts as one)
//	(jwst OR hubble) map groups
//	-word  -"a phrase"   leave out what matches (also -(a OR b))
//	photo*  "black ho"*  words starting with photo; the last word of the
//	                     query is also matched as a prefix when it is a plain
//	                     word, so that a search can be typed out
//
// Words are folded (Words): case, diacritics and punctuation do not count;
// a token that folds to several words ("e-mail") is read as a phrase.

// NodeKind says what a query node is.
type NodeKind int

// Node kinds.
const (
	NodeTerm   NodeKind = iota // one word (Words[0]), Prefix when word*
	NodePhrase                 // Words next to each other, in order
	NodeAnd                    // every Kid (a NodeNot Kid excludes)
	NodeOr                     // any Kid
	NodeNot                    // not Kids[0]; only inside a NodeAnd
)

// Node is the query text read into a tree. NodeNot appears only as a kid
// of a NodeAnd, and the kids of NodeOr and NodeNot are never NodeNot.
type Node struct {
	Kind   NodeKind
	Words  []string // folded words of a term or phrase
	Prefix bool     // term: matches words that start with Words[0]
	// Implicit marks the prefix of the query's plain last word, which
	// String does not write (it comes back when the text is read again).
	Implicit bool
	Kids     []*Node
}

// Query limits: a query is read up to these many terms and OR
// alternatives; the rest is left out with a problem.
const (
	maxQueryTerms        = 32
	MaxQueryAlternatives = 16
)

// TextQuery is a query text read: the tree (nil when the text has no
// words) and what could not be read as written.
type TextQuery struct {
	Root     *Node
	Problems []string
}

// ParseText reads the text of a query (operators already taken out).
func ParseText(s string) TextQuery {
	p := textParser{toks: lexText(s)}
	p.problems = append(p.problems, p.lexProblems()...)
	kids := p.and(false)
	root := p.clean(&Node{Kind: NodeAnd, Kids: kids}, true)
	if root != nil && len(root.Positive()) == 0 && root.Kind == NodeAnd {
		p.add("A search made only of exclusions (-word) shows every message without those words; add a word to look for.")
	}
	if root != nil {
		implicitPrefix(root)
	}
	return TextQuery{Root: root, Problems: p.problems}
}

// token kinds of the query text.
type tokKind int

const (
	tokWord tokKind = iota
	tokPhrase
	tokOpen
	tokClose
	tokOr
	tokNot
)

type tok struct {
	kind     tokKind
	text     string
	unclosed bool // a phrase without its closing quote
	prefix   bool // a phrase followed by *
	last     bool // the last token of the text, with no space after it
}

func lexText(s string) []tok {
	var out []tok
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, tok{kind: tokOpen})
			i++
		case r == ')':
			out = append(out, tok{kind: tokClose})
			i++
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			t := tok{kind: tokPhrase, text: string(rs[i+1 : min(j, len(rs))]), unclosed: j >= len(rs)}
			i = j + 1
			if i < len(rs) && rs[i] == '*' { // "black ho"*: the last word a prefix
				t.prefix = true
				i++
			}
			out = append(out, t)
		case r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != '-' && rs[i+1] != ')':
			out = append(out, tok{kind: tokNot})
			i++
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '(' && rs[j] != ')' && rs[j] != '"' {
				j++
			}
			w := string(rs[i:j])
			if w == "OR" || w == "|" {
				out = append(out, tok{kind: tokOr})
			} else {
				out = append(out, tok{kind: tokWord, text: w, last: j == len(rs)})
			}
			i = j
		}
	}
	return out
}

type textParser struct {
	toks     []tok
	at       int
	terms    int
	problems []string
	// depth of open parentheses, for the unbalanced ones.
	depth int
}

func (p *textParser) add(msg string) {
	for _, m := range p.problems {
		if m == msg {
			return
		}
	}
	p.problems = append(p.problems, msg)
}

func (p *textParser) lexProblems() []string {
	var out []string
	for _, t := range p.toks {
		if t.kind == tokPhrase && t.unclosed {
			out = append(out, `A quote was not closed: the words after it were searched as a phrase.`)
		}
	}
	return out
}

func (p *textParser) peek() (tok, bool) {
	if p.at >= len(p.toks) {
		return tok{}, false
	}
	return p.toks[p.at], true
}

// and reads items up to the end (or a closing parenthesis when inGroup).
func (p *textParser) and(inGroup bool) []*Node {
	var kids []*Node
	for {
		t, ok := p.peek()
		if !ok {
			if inGroup {
				p.add("A parenthesis was not closed: it was closed at the end.")
			}
			return kids
		}
		if t.kind == tokClose {
			p.at++
			if inGroup {
				return kids
			}
			p.add("A closing parenthesis had no opening one: it was ignored.")
			continue
		}
		if t.kind == tokOr {
			p.at++
			p.add("OR needs a word, phrase or group on both sides: it was ignored.")
			continue
		}
		n := p.or()
		if n != nil {
			kids = append(kids, n)
		}
	}
}

// or reads unary (OR unary)*.
func (p *textParser) or() *Node {
	first := p.unary()
	alts := []*Node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokOr {
			break
		}
		p.at++
		nt, ok := p.peek()
		if !ok || nt.kind == tokOr || nt.kind == tokClose {
			p.add("OR needs a word, phrase or group on both sides: it was ignored.")
			break
		}
		alts = append(alts, p.unary())
	}
	if len(alts) == 1 {
		return first
	}
	return &Node{Kind: NodeOr, Kids: alts}
}

// unary reads -primary or primary.
func (p *textParser) unary() *Node {
	t, _ := p.peek()
	if t.kind == tokNot {
		p.at++
		if k := p.primary(); k != nil {
			return &Node{Kind: NodeNot, Kids: []*Node{k}}
		}
		return nil
	}
	return p.primary()
}

func (p *textParser) primary() *Node {
	t, ok := p.peek()
	if !ok {
		return nil
	}
	p.at++
	switch t.kind {
	case tokOpen:
		return &Node{Kind: NodeAnd, Kids: p.and(true)}
	case tokPhrase:
		return p.words(Words(t.text), t.prefix, true)
	case tokWord:
		prefix := strings.HasSuffix(t.text, "*")
		n := p.words(Words(t.text), prefix, false)
		if n != nil && n.Kind == NodeTerm && t.last && !prefix {
			n.Prefix = true // implicit; decided again by implicitPrefix
			n.Words = append(n.Words[:1:1], "")
		}
		return n
	}
	return nil
}

// words is a term or a phrase of ws, nil when there are none or the query
// holds too many terms already.
func (p *textParser) words(ws []string, prefix, phrase bool) *Node {
	if len(ws) == 0 {
		return nil
	}
	if p.terms += len(ws); p.terms > maxQueryTerms {
		p.add(fmt.Sprintf("A search holds at most %d words: the rest were left out.", maxQueryTerms))
		return nil
	}
	if len(ws) == 1 && !phrase {
		return &Node{Kind: NodeTerm, Words: ws, Prefix: prefix}
	}
	if len(ws) == 1 {
		return &Node{Kind: NodeTerm, Words: ws, Prefix: prefix}
	}
	return &Node{Kind: NodePhrase, Words: ws, Prefix: prefix}
}

// clean flattens the tree into its normal form: no empty groups, an AND
// inside an AND merged, a single kid lifted, NOT only inside AND.
func (p *textParser) clean(n *Node, top bool) *Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case NodeAnd:
		var kids []*Node
		for _, k := range n.Kids {
			k = p.clean(k, false)
			switch {
			case k == nil:
			case k.Kind == NodeAnd:
				kids = append(kids, k.Kids...)
			default:
				kids = append(kids, k)
			}
		}
		switch {
		case len(kids) == 0:
			return nil
		case len(kids) == 1 && kids[0].Kind != NodeNot:
			if top {
				return &Node{Kind: NodeAnd, Kids: kids}
			}
			return kids[0]
		}
		n.Kids = kids
		if !top && len(n.Positive()) == 0 {
			// (-a -b) inside a larger query: the exclusions join it.
			return n
		}
		return n
	case NodeOr:
		var alts []*Node
		var outside []*Node
		for _, k := range n.Kids {
			k = p.clean(k, false)
			switch {
			case k == nil:
			case k.Kind == NodeNot || (k.Kind == NodeAnd && len(k.Positive()) == 0):
				p.add("An exclusion cannot be an alternative of OR: it applies to the whole search.")
				if k.Kind == NodeNot {
					outside = append(outside, k)
				} else {
					outside = append(outside, k.Kids...)
				}
			case k.Kind == NodeOr:
				alts = append(alts, k.Kids...)
			default:
				alts = append(alts, k)
			}
		}
		var or *Node
		switch len(alts) {
		case 0:
		case 1:
			or = alts[0]
		default:
			or = &Node{Kind: NodeOr, Kids: alts}
		}
		if len(outside) == 0 {
			return or
		}
		and := &Node{Kind: NodeAnd}
		if or != nil {
			and.Kids = append(and.Kids, or)
		}
		and.Kids = append(and.Kids, outside...)
		return and
	case NodeNot:
		k := p.clean(n.Kids[0], false)
		if k == nil {
			return nil
		}
		if k.Kind == NodeNot {
			p.add("A double exclusion (--word) was read as the word itself.")
			return k.Kids[0]
		}
		if k.Kind == NodeAnd && len(k.Positive()) == 0 {
			p.add("An exclusion of exclusions was ignored.")
			return nil
		}
		return &Node{Kind: NodeNot, Kids: []*Node{k}}
	}
	return n
}

// Positive is the kids of an AND that are not exclusions; a node that is
// not an AND is its own positive part.
func (n *Node) Positive() []*Node {
	if n == nil {
		return nil
	}
	if n.Kind != NodeAnd {
		if n.Kind == NodeNot {
			return nil
		}
		return []*Node{n}
	}
	var out []*Node
	for _, k := range n.Kids {
		if k.Kind != NodeNot {
			out = append(out, k)
		}
	}
	return out
}

// Negative is the excluded nodes of an AND (the kids of its NodeNot kids).
func (n *Node) Negative() []*Node {
	if n == nil || n.Kind != NodeAnd {
		return nil
	}
	var out []*Node
	for _, k := range n.Kids {
		if k.Kind == NodeNot {
			out = append(out, k.Kids[0])
		}
	}
	return out
}

// implicitPrefixMin is the fewest letters a last word needs to be read as
// the start of a word being typed: a single letter is the start of a
// twenty-sixth of every word, which finds nothing useful and is the dearest
// query of the built-in engines (FTS5 merges every word's list).
const implicitPrefixMin = 2

// implicitPrefix keeps the prefix a plain last word got when the parser
// read it (marked by an empty second word) only when that word is a kid of
// the top AND, or an alternative of an OR there: the word being typed, of
// implicitPrefixMin letters or more.
func implicitPrefix(root *Node) {
	var walk func(n *Node, keep bool)
	walk = func(n *Node, keep bool) {
		if n.Kind == NodeTerm && len(n.Words) == 2 && n.Words[1] == "" {
			n.Words = n.Words[:1]
			keep = keep && utf8.RuneCountInString(n.Words[0]) >= implicitPrefixMin
			n.Prefix, n.Implicit = keep, keep
			return
		}
		for _, k := range n.Kids {
			walk(k, keep && (n.Kind == NodeAnd || n.Kind == NodeOr))
		}
	}
	walk(root, true)
}

// Terms are the positive words and phrases of the tree, for highlighting:
// what is excluded is never marked.
func (n *Node) Terms() []*Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case NodeTerm, NodePhrase:
		return []*Node{n}
	case NodeNot:
		return nil
	}
	var out []*Node
	for _, k := range n.Kids {
		out = append(out, k.Terms()...)
	}
	return out
}

// Alternatives is the tree as OR of ANDs (each a list of positive terms and
// phrases, and excluded nodes), at most limit of them; false when more were
// left out.
func (n *Node) Alternatives(limit int) ([]Conj, bool) {
	if n == nil {
		return nil, true
	}
	out := n.dnf(limit)
	if len(out) > limit {
		return out[:limit], false
	}
	return out, true
}

// Conj is one alternative of a query: every Pos must match, no Neg may.
type Conj struct {
	Pos []*Node // terms and phrases
	Neg []*Node // any node
}

func (n *Node) dnf(limit int) []Conj {
	switch n.Kind {
	case NodeTerm, NodePhrase:
		return []Conj{{Pos: []*Node{n}}}
	case NodeNot:
		return []Conj{{Neg: []*Node{n.Kids[0]}}}
	case NodeOr:
		var out []Conj
		for _, k := range n.Kids {
			out = append(out, k.dnf(limit)...)
			if len(out) > limit {
				return out
			}
		}
		return out
	}
	out := []Conj{{}}
	for _, k := range n.Kids {
		var next []Conj
		for _, a := range out {
			for _, b := range k.dnf(limit) {
				next = append(next, Conj{Pos: append(append([]*Node{}, a.Pos...), b.Pos...),
					Neg: append(append([]*Node{}, a.Neg...), b.Neg...)})
				if len(next) > limit {
					return next
				}
			}
		}
		out = next
	}
	return out
}

// String writes the tree back in the query language (folded words).
func (n *Node) String() string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case NodeTerm:
		s := n.Words[0]
		if n.Prefix && !n.Implicit {
			s += "*"
		}
		return s
	case NodePhrase:
		s := `"` + strings.Join(n.Words, " ") + `"`
		if n.Prefix {
			s += "*"
		}
		return s
	case NodeNot:
		return "-" + n.Kids[0].group()
	case NodeOr:
		parts := make([]string, len(n.Kids))
		for i, k := range n.Kids {
			parts[i] = k.group()
		}
		return strings.Join(parts, " OR ")
	}
	if len(n.Kids) == 1 {
		return n.Kids[0].String()
	}
	parts := make([]string, len(n.Kids))
	for i, k := range n.Kids {
		parts[i] = k.group()
	}
	return strings.Join(parts, " ")
}

// group is the node as one operand: in parentheses unless it is a term or
// phrase.
func (n *Node) group() string {
	if n.Kind == NodeTerm || n.Kind == NodePhrase || n.Kind == NodeNot {
		return n.String()
	}
	return "(" + n.String() + ")"
}

// Highlight marks the positive words and phrases of n in body (excluded ones
// never): byte spans of whole words, in order. A word matches as the search
// matched it: the same word, a word of the same stem in l ("galaxy" marks
// "galaxies"), or one it begins when it is a prefix.
func (n *Node) Highlight(body string, l Language) []Span {
	terms := n.Terms()
	if len(terms) == 0 {
		return nil
	}
	type word struct {
		start, end int
		folded     string
	}
	var ws []word
	for _, s := range MatchSpans(body, []string{""}, true) { // every word
		ws = append(ws, word{s.Start, s.End, Fold(body[s.Start:s.End])})
	}
	marked := make([]bool, len(ws))
	eq := func(w string, t string, prefix bool) bool {
		return w == t || (prefix && strings.HasPrefix(w, t)) || l.stem(w) == l.stem(t)
	}
	for _, t := range terms {
		for i := range ws {
			if i+len(t.Words) > len(ws) {
				break
			}
			ok := true
			for j, tw := range t.Words {
				// One body word may fold into several (Über-Straße is
				// one word to MatchSpans only when joined by letters).
				if !eq(ws[i+j].folded, tw, t.Prefix && j == len(t.Words)-1) {
					ok = false
					break
				}
			}
			if ok {
				for j := range t.Words {
					marked[i+j] = true
				}
			}
		}
	}
	var out []Span
	for i, m := range marked {
		if m {
			out = append(out, Span{Start: ws[i].start, End: ws[i].end})
		}
	}
	return out
}
