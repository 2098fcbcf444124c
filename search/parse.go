package search

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Parsed is a search box query taken apart: free text and operators.
//
//	from:alice  from:"José Núñez"   author (display name, any case)
//	in:physics-101                  channel slug
//	tag:follow-up                   tag (several: all of them)
//	is:question is:comment          kind
//	is:answered is:unanswered       answered questions or not
//	is:visible is:held is:hidden is:deleted is:denied is:shadow
//	                                moderation state (staff only see more than visible)
//	has:file has:image              with an attachment, with an image attachment
//	after:2026-11-01                created on or after that day
//	before:2026-11-02               created before that day
//
// Values with spaces are quoted. Anything else is text, in the query
// language ParseText reads (words, "phrases", OR, -exclusions, prefix*); its
// problems are Parsed's too.
type Parsed struct {
	Text     string
	Channels []string
	Authors  []string // as typed; FoldName them for a Query
	Tags     []string
	Kinds    []string
	States   []string
	Answered *bool
	HasFile  bool
	HasImage bool
	After    time.Time
	Before   time.Time
	// Problems says what could not be understood, for the person searching.
	Problems []string
}

// Parse reads a query; dates are days in loc.
func Parse(q string, loc *time.Location) Parsed {
	var p Parsed
	var text []string
	for _, tok := range tokens(q) {
		key, val, ok := strings.Cut(tok, ":")
		op := strings.ToLower(key)
		if !ok || val == "" || !isOperator(op) {
			if ok && val != "" && unknownOperator(key) {
				p.Problems = append(p.Problems, fmt.Sprintf("%s: is not a search operator (they are from: in: tag: is: has: before: after:); it was searched as words.", key))
			}
			text = append(text, tok)
			continue
		}
		val = unquote(val)
		if val == "" { // from:"" names nobody: no filter at all
			continue
		}
		switch op {
		case "from":
			p.Authors = appendNew(p.Authors, val)
		case "in":
			// in:# names no channel, as from:"" names nobody.
			if ch := strings.ToLower(strings.TrimPrefix(val, "#")); ch != "" {
				p.Channels = appendNew(p.Channels, ch)
			}
		case "tag":
			if t := NormalTag(val); t != "" {
				p.Tags = appendNew(p.Tags, t)
			}
		case "is":
			p.is(strings.ToLower(val))
		case "has":
			p.has(strings.ToLower(val))
		case "after", "before":
			d, err := time.ParseInLocation("2006-01-02", val, loc)
			if err != nil {
				p.Problems = append(p.Problems, fmt.Sprintf("%s: wants a date like 2026-11-01, not %q", op, val))
				continue
			}
			if op == "after" {
				p.After = d
			} else {
				p.Before = d
			}
		}
	}
	p.Text = strings.Join(text, " ")
	p.Problems = append(p.Problems, ParseText(p.Text).Problems...)
	return p
}

// unknownOperator says whether key (before a colon) looks like an operator
// someone meant: a short word of letters, not a link's scheme.
func unknownOperator(key string) bool {
	switch strings.ToLower(key) {
	case "", "http", "https", "mailto", "ftp":
		return false
	}
	if len(key) > 12 {
		return false
	}
	for _, r := range key {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func (p *Parsed) is(v string) {
	t, f := true, false
	switch v {
	case "question", "comment":
		p.Kinds = appendNew(p.Kinds, v)
	case "answered":
		p.Answered = &t
	case "unanswered":
		p.Answered = &f
	case "visible", "held", "hidden", "deleted", "denied", "shadow":
		p.States = appendNew(p.States, v)
	default:
		p.Problems = append(p.Problems, fmt.Sprintf("is:%s is not known (try is:question, is:answered, is:held)", v))
	}
}

// has reads has:file (any attachment) and has:image (an image attachment).
func (p *Parsed) has(v string) {
	switch v {
	case "file", "files", "attachment", "attachments":
		p.HasFile = true
	case "image", "images":
		p.HasImage = true
	default:
		p.Problems = append(p.Problems, fmt.Sprintf("has:%s is not known (try has:file or has:image)", v))
	}
}

func isOperator(op string) bool {
	switch op {
	case "from", "in", "tag", "is", "has", "after", "before":
		return true
	}
	return false
}

// NormalTag is a tag name as stored: trimmed, lower case, inner spaces as
// hyphens.
func NormalTag(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#")))), "-")
}

// tokens splits on spaces outside double quotes.
func tokens(q string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

func unquote(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, `"`, "")) }

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// String writes p back as a query, operators after the text: the form the
// search box shows after filter controls changed it.
func (p Parsed) String() string {
	var parts []string
	for _, w := range tokens(p.Text) {
		// Text that reads as an operator (typed in quotes) stays quoted,
		// so that the query searches the same when read again.
		if key, _, ok := strings.Cut(w, ":"); ok && isOperator(strings.ToLower(key)) {
			w = `"` + w + `"`
		}
		parts = append(parts, w)
	}
	// A quote left open would take the operators after it into its
	// phrase: it is closed where the text ends, as reading it does.
	if strings.Count(p.Text, `"`)%2 == 1 {
		parts[len(parts)-1] += `"`
	}
	add := func(op string, vals ...string) {
		for _, v := range vals {
			if strings.ContainsAny(v, " \t\"") {
				v = `"` + strings.ReplaceAll(v, `"`, "") + `"`
			}
			parts = append(parts, op+":"+v)
		}
	}
	add("from", p.Authors...)
	add("in", p.Channels...)
	add("tag", p.Tags...)
	add("is", p.Kinds...)
	if p.Answered != nil {
		if *p.Answered {
			add("is", "answered")
		} else {
			add("is", "unanswered")
		}
	}
	add("is", p.States...)
	if p.HasFile {
		add("has", "file")
	}
	if p.HasImage {
		add("has", "image")
	}
	if !p.After.IsZero() {
		add("after", p.After.Format("2006-01-02"))
	}
	if !p.Before.IsZero() {
		add("before", p.Before.Format("2006-01-02"))
	}
	return strings.Join(parts, " ")
}
