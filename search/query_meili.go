package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/meilisearch/meilisearch-go"
)

// meiliOrMaxIDs bounds the documents each OR alternative contributes on
// Meilisearch (see meiliOr).
const meiliOrMaxIDs = 1000

// meiliQ is one alternative as Meilisearch's q: words, "phrases", -word and
// -"phrase" (Meilisearch 1.21 reads these), a prefix word last (Meilisearch
// matches only the last word as a prefix). Words are folded letters and
// digits, so nothing else in q is read as syntax.
func meiliQ(c Conj, l Language) string {
	var parts, last []string
	for _, n := range c.Pos {
		if n.Prefix {
			// A prefix of the words as written, or of the stem when the
			// stem begins the word (galaxies: galaxi).
			ws := append([]string{}, n.Words...)
			if st := l.stem(ws[len(ws)-1]); strings.HasPrefix(ws[len(ws)-1], st) {
				ws[len(ws)-1] = st
			}
			last = append(last, strings.Join(ws, " "))
			continue
		}
		s := strings.Join(stemsOf(n.Words, l), " ")
		if n.Kind == NodePhrase {
			s = `"` + s + `"`
		}
		parts = append(parts, s)
	}
	var neg []string
	for _, n := range c.Neg {
		neg = append(neg, meiliNeg(n, l)...)
	}
	// The implicit prefix (the query's last word) is the last of them:
	// an explicit word* before it is the one Meilisearch gets as its last.
	slices.Reverse(last)
	return strings.Join(slices.Concat(neg, parts, last), " ")
}

// meiliNeg is an excluded node as negations in q: a term or phrase as
// itself, each alternative of an OR apart; an excluded group of several
// words (-(a b)) has no form in q and is excluded as the phrase of its
// words.
func meiliNeg(n *Node, l Language) []string {
	switch n.Kind {
	case NodeTerm:
		return []string{"-" + l.stem(n.Words[0])}
	case NodeOr:
		var out []string
		for _, k := range n.Kids {
			out = append(out, meiliNeg(k, l)...)
		}
		return out
	}
	var ws []string
	for _, t := range n.Terms() {
		ws = append(ws, stemsOf(t.Words, l)...)
	}
	return []string{`-"` + strings.Join(ws, " ") + `"`}
}

// meiliOr answers a query of several alternatives: q has no OR, so each
// alternative is searched on its own (up to meiliOrMaxIDs matches each) and
// the union is searched again by id, with the filter, sort, page and facets
// of the request. Relevance across alternatives is not comparable: the
// union is ordered newest first.
func (m *Meili) meiliOr(ctx context.Context, alts []Conj, filter string, req *meilisearch.SearchRequest) (*meiliResponse, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, c := range alts {
		var resp struct {
			Hits []struct {
				ID int64 `json:"id"`
			} `json:"hits"`
		}
		sub := &meilisearch.SearchRequest{Filter: filter, Limit: meiliOrMaxIDs, MatchingStrategy: meilisearch.All,
			AttributesToRetrieve: []string{"id"}}
		if err := m.searchInto(ctx, meiliQ(c, m.lang), sub, &resp); err != nil {
			return nil, err
		}
		for _, h := range resp.Hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				ids = append(ids, h.ID)
			}
		}
	}
	if len(ids) == 0 {
		ids = []int64{-1}
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	req.Filter = fmt.Sprintf("(%s) AND id IN [%s]", filter, strings.Join(parts, ", "))
	if req.Sort == nil {
		req.Sort = []string{"created_at:desc", "id:desc"}
	}
	req.ShowMatchesPosition = false
	return m.search(ctx, "", req)
}
