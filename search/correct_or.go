package search

import (
	"context"
	"fmt"
)

// searchCorrected is the answer to q (res: what root found) with words
// that match nothing corrected against the index's vocabulary, as
// Meilisearch's typo tolerance would match them: the whole query when it
// found nothing, and otherwise each OR alternative that finds nothing the
// searcher may see ("jwst OR hubbke" is searched as "jwst OR hubble").
//
// Cost: a query without OR that found something costs nothing more. A query
// with OR that found something costs one existence query (LIMIT 1 over the
// full-text index, with the query's scopes and filters) per OR alternative
// outside exclusions; each alternative that finds nothing then costs, per
// word, a vocabulary lookup and at most typoVisibleChecks existence
// queries, one more to check the corrected alternative, and the search
// again when anything was corrected.
func (s *SQL) searchCorrected(ctx context.Context, q Query, root *Node, res *Result) (*Result, error) {
	visible := func(n *Node) (bool, error) { return s.exists(ctx, q, n) }
	var fixed *Node
	var changed bool
	var err error
	switch {
	case res.Total == 0:
		fixed, changed, err = s.correct(ctx, root, visible)
	case hasOr(root):
		fixed, changed, err = s.correctAlternatives(ctx, root, visible)
	default:
		return res, nil
	}
	if err != nil || !changed {
		return res, err
	}
	again, err := s.search(ctx, q, fixed)
	if err != nil || again.Total == 0 {
		return res, err
	}
	again.CorrectedQuery = fixed.String()
	return again, nil
}

// hasOr says whether n holds an OR outside exclusions.
func hasOr(n *Node) bool {
	switch n.Kind {
	case NodeOr:
		return true
	case NodeAnd:
		for _, k := range n.Kids {
			if hasOr(k) {
				return true
			}
		}
	}
	return false
}

// correctAlternatives corrects every OR alternative of root (outside
// exclusions, at any depth) that visible does not find, when the corrected
// alternative finds something; it says whether anything changed. Negated
// words are never corrected.
func (s *SQL) correctAlternatives(ctx context.Context, root *Node, visible func(*Node) (bool, error)) (*Node, bool, error) {
	changed := false
	var walk func(n *Node) (*Node, error)
	walk = func(n *Node) (*Node, error) {
		if n.Kind != NodeAnd && n.Kind != NodeOr {
			return n, nil // a term, a phrase, an exclusion
		}
		out := &Node{Kind: n.Kind, Kids: make([]*Node, len(n.Kids))}
		for i, k := range n.Kids {
			out.Kids[i] = k
			if n.Kind == NodeOr {
				ok, err := visible(k)
				if err != nil {
					return nil, err
				}
				if !ok {
					fix, err := s.correctAlternative(ctx, k, visible)
					if err != nil {
						return nil, err
					}
					if fix != nil {
						out.Kids[i], changed = fix, true
					}
					continue
				}
			}
			nk, err := walk(k) // ORs inside a group that finds something
			if err != nil {
				return nil, err
			}
			out.Kids[i] = nk
		}
		return out, nil
	}
	fixed, err := walk(root)
	if err != nil {
		return nil, false, fmt.Errorf("search: builtin: correct alternatives: %w", err)
	}
	return fixed, changed, nil
}

// correctAlternative is alt, which visible does not find, with its words
// corrected, or nil when no correction makes it find something.
func (s *SQL) correctAlternative(ctx context.Context, alt *Node, visible func(*Node) (bool, error)) (*Node, error) {
	fix, changed, err := s.correct(ctx, alt, visible)
	if err != nil || !changed {
		return nil, err
	}
	if ok, err := visible(fix); err != nil || !ok {
		return nil, err // corrected word by word, it still finds nothing
	}
	return fix, nil
}
