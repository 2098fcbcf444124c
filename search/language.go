package search

import (
	"fmt"
	"strings"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/hungarian"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/norwegian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/swedish"
	"github.com/blevesearch/snowballstem/turkish"
)

// Language is the site language of the message index: which Snowball
// stemmer reduces words to their stems ("galaxies" and "galaxy" are both
// "galaxi" in English). Every engine indexes the stems computed here, in Go,
// so the three engines agree on word forms (PostgreSQL's own text search
// configurations would also drop stop words, which SQLite and Meilisearch
// keep). Changing the language needs `backchannel reindex`.
type Language string

// DefaultLanguage is the language when none is configured.
const DefaultLanguage Language = "english"

// Languages are the names ParseLanguage accepts: the Snowball stemmers that
// PostgreSQL also ships.
func Languages() []string {
	return []string{"danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian",
		"norwegian", "portuguese", "romanian", "russian", "spanish", "swedish", "turkish"}
}

// ParseLanguage reads a language name (case-insensitive; empty is English).
func ParseLanguage(s string) (Language, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultLanguage, nil
	}
	if stemmer(Language(s)) == nil {
		return "", fmt.Errorf("search: unknown language %q (one of %s)", s, strings.Join(Languages(), ", "))
	}
	return Language(s), nil
}

// stemmer is the Snowball stemmer of l; nil for an unknown language.
func stemmer(l Language) func(*snowball.Env) bool {
	switch l {
	case "danish":
		return danish.Stem
	case "dutch":
		return dutch.Stem
	case "english", "":
		return english.Stem
	case "finnish":
		return finnish.Stem
	case "french":
		return french.Stem
	case "german":
		return german.Stem
	case "hungarian":
		return hungarian.Stem
	case "italian":
		return italian.Stem
	case "norwegian":
		return norwegian.Stem
	case "portuguese":
		return portuguese.Stem
	case "romanian":
		return romanian.Stem
	case "russian":
		return russian.Stem
	case "spanish":
		return spanish.Stem
	case "swedish":
		return swedish.Stem
	case "turkish":
		return turkish.Stem
	}
	return nil
}

// stem is the stem of a folded word.
func (l Language) stem(word string) string {
	f := stemmer(l)
	if f == nil {
		f = english.Stem
	}
	env := snowball.NewEnv(word)
	f(env)
	if s := env.Current(); s != "" {
		return s
	}
	return word
}

// Normalize is a query word as the index holds its stem: folded (Fold) and
// stemmed. The query side of every engine matches a whole word with it.
func (l Language) Normalize(word string) string { return l.stem(Fold(word)) }

// Stems are the stems of the words of s (Words), in order.
func (l Language) Stems(s string) []string {
	words := Words(s)
	for i, w := range words {
		words[i] = l.stem(w)
	}
	return words
}

// MatchSpans finds the words of body that match terms (folded words) as
// MatchSpans does, and also the words of the same stem: "galaxy" marks
// "galaxies".
func (l Language) MatchSpans(body string, terms []string, prefix bool) []Span {
	if len(terms) == 0 {
		return nil
	}
	stems := make(map[string]bool, len(terms))
	for _, t := range terms {
		stems[l.stem(t)] = true
	}
	return matchSpans(body, func(w string) bool {
		for i, t := range terms {
			if w == t || (prefix && i == len(terms)-1 && strings.HasPrefix(w, t)) {
				return true
			}
		}
		return stems[l.stem(w)]
	})
}

// Option configures an engine.
type Option func(*options)

type options struct {
	lang Language
}

// WithLanguage sets the language whose word forms the engine matches
// (DefaultLanguage when not given).
func WithLanguage(l Language) Option { return func(o *options) { o.lang = l } }

func applyOptions(opts []Option) options {
	o := options{lang: DefaultLanguage}
	for _, f := range opts {
		f(&o)
	}
	if stemmer(o.lang) == nil {
		o.lang = DefaultLanguage
	}
	return o
}
