package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Typo tolerance of the built-in engines: a word of typoOneAt letters may
// have one typo, of typoTwoAt letters two. Candidates share the typed
// word's first letter (Meilisearch counts a typo there as two) and are at
// most typoCandidates words of the index's vocabulary.
//
// Meilisearch allows one typo from 5 letters, and matches typos in every
// search; the built-in engines correct a word only when it finds nothing,
// so they allow one from 4 at no cost in precision ("blak hole" finds
// "black hole"). Meilisearch's setting stays at 5: always on at 4 letters,
// "cats" would match "cars" in every search, inflating totals and facets.
const (
	typoOneAt      = 4
	typoTwoAt      = 9
	typoCandidates = 5000
	// typoTrigramCandidates is how many of the most similar words
	// PostgreSQL's pg_trgm index gives.
	typoTrigramCandidates = 100
	// typoVisibleChecks is how many of the nearest candidates are looked
	// for in what the searcher may see.
	typoVisibleChecks = 5
)

// typosAllowed is how many typos a word of n letters may have.
func typosAllowed(n int) int {
	switch {
	case n >= typoTwoAt:
		return 2
	case n >= typoOneAt:
		return 1
	}
	return 0
}

// vocabWord is a word of the index with the number of documents holding it.
type vocabWord struct {
	Word string `bun:"word"`
	Docs int    `bun:"docs"`
}

// correct replaces each positive word of root that the index does not hold
// with the nearest word it holds (fewest typos, then most documents); it
// says whether anything changed.
func (s *SQL) correct(ctx context.Context, root *Node, visible func(*Node) (bool, error)) (*Node, bool, error) {
	changed := false
	var walk func(n *Node) (*Node, error)
	walk = func(n *Node) (*Node, error) {
		switch n.Kind {
		case NodeNot:
			return n, nil
		case NodeTerm, NodePhrase:
			out := &Node{Kind: n.Kind, Prefix: n.Prefix, Implicit: n.Implicit, Words: append([]string{}, n.Words...)}
			for i, w := range out.Words {
				prefix := n.Prefix && i == len(out.Words)-1
				fix, err := s.correctWord(ctx, w, prefix, visible)
				if err != nil {
					return nil, err
				}
				if fix != w {
					out.Words[i], changed = fix, true
					if prefix {
						out.Prefix, out.Implicit = false, false // the whole word was corrected
					}
				}
			}
			return out, nil
		}
		out := &Node{Kind: n.Kind}
		for _, k := range n.Kids {
			nk, err := walk(k)
			if err != nil {
				return nil, err
			}
			out.Kids = append(out.Kids, nk)
		}
		return out, nil
	}
	fixed, err := walk(root)
	if err != nil {
		return nil, false, fmt.Errorf("search: builtin: correct: %w", err)
	}
	return fixed, changed, nil
}

// correctWord is w, or the vocabulary word nearest to it (fewest typos,
// then most documents) that visible finds, when visible does not find w
// itself.
func (s *SQL) correctWord(ctx context.Context, w string, prefix bool, visible func(*Node) (bool, error)) (string, error) {
	n := utf8.RuneCountInString(w)
	allowed := typosAllowed(n)
	if allowed == 0 {
		return w, nil
	}
	// The word as typed first (a prefix: as the start of any word; a
	// whole word: also by its stem, "cats" finds "cat"): when the searcher
	// can find it, it stays. Every candidate must be found in what the
	// searcher may see, so that the vocabulary never tells them of words
	// in messages hidden from them.
	if ok, err := visible(&Node{Kind: NodeTerm, Words: []string{w}, Prefix: prefix}); err != nil || ok {
		return w, err
	}
	_, size := utf8.DecodeRuneInString(w)
	lo, hi := w[:size], w[:size]+"\U0010FFFF"
	var words []vocabWord
	var err error
	if s.pg() {
		// The words most similar by trigrams (pg_trgm's index over the
		// vocabulary the triggers keep), then the same rule as SQLite.
		err = s.db.NewRaw("SELECT word, ndoc AS docs FROM search_vocab WHERE (word = ? OR word % ?) "+
			"AND word >= ? AND word < ? AND char_length(word) BETWEEN ? AND ? ORDER BY similarity(word, ?) DESC LIMIT ?",
			w, w, lo, hi, n-allowed, n+allowed, w, typoTrigramCandidates).Scan(ctx, &words)
	} else {
		err = s.db.NewRaw("SELECT term AS word, doc AS docs FROM search_vocab "+
			"WHERE col = 'text' AND term >= ? AND term < ? AND length(term) BETWEEN ? AND ? LIMIT ?",
			lo, hi, n-allowed, n+allowed, typoCandidates).Scan(ctx, &words)
	}
	if err != nil {
		return "", err
	}
	type cand struct {
		word       string
		dist, docs int
	}
	var cands []cand
	for _, v := range words {
		if d := editDistance(w, v.Word, allowed); d > 0 && d <= allowed { // w itself was looked for
			cands = append(cands, cand{v.Word, d, v.Docs})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.docs, a.docs), strings.Compare(a.word, b.word))
	})
	for i, c := range cands {
		if i == typoVisibleChecks {
			break
		}
		ok, err := visible(&Node{Kind: NodeTerm, Words: []string{c.word}})
		if err != nil || ok {
			return c.word, err
		}
	}
	return w, nil
}

// editDistance is the optimal string alignment distance between a and b
// in runes (a swap of two neighbours is one typo), or max+1 when it is more
// than max.
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(rb)] > max {
		return max + 1
	}
	return prev[len(rb)]
}
