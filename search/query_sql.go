package search

import "strings"

// ftsQuote is w as an FTS5 string: in double quotes, so that no user text
// is ever read as FTS5 syntax.
func ftsQuote(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }

// stemsOf is the stems of a term's or phrase's folded words.
func stemsOf(words []string, l Language) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = l.stem(w)
	}
	return out
}

// sqlFTSExpr is n as an FTS5 MATCH expression over search_fts's two
// columns: a whole word matches its stem in stems, a phrase the stems of
// its words in order, an explicit prefix (word*) a prefix of the words as
// written in text, and the query's plain last word (its implicit prefix)
// either. Every term quoted; AND, OR and NOT between parenthesised
// operands. An AND without positive kids has no FTS5 form: it is written as
// the OR of its exclusions, which the caller negates.
func sqlFTSExpr(n *Node, l Language) string {
	switch n.Kind {
	case NodeTerm, NodePhrase:
		stems := "stems : " + ftsQuote(strings.Join(stemsOf(n.Words, l), " "))
		prefix := "text : " + ftsQuote(strings.Join(n.Words, " ")) + " *"
		switch {
		case n.Prefix && n.Implicit:
			return "(" + stems + " OR " + prefix + ")"
		case n.Prefix:
			return prefix
		}
		return stems
	case NodeOr:
		parts := make([]string, len(n.Kids))
		for i, k := range n.Kids {
			parts[i] = "(" + sqlFTSExpr(k, l) + ")"
		}
		return strings.Join(parts, " OR ")
	case NodeNot:
		return sqlFTSExpr(n.Kids[0], l)
	}
	pos, neg := n.Positive(), n.Negative()
	if len(pos) == 0 {
		return sqlFTSExpr(&Node{Kind: NodeOr, Kids: neg}, l)
	}
	parts := make([]string, len(pos))
	for i, k := range pos {
		parts[i] = "(" + sqlFTSExpr(k, l) + ")"
	}
	s := strings.Join(parts, " AND ")
	for _, k := range neg {
		s = "(" + s + ") NOT (" + sqlFTSExpr(k, l) + ")"
	}
	return s
}

// tsLexeme is w as a quoted tsquery lexeme.
func tsLexeme(w string) string {
	w = strings.ReplaceAll(w, `\`, `\\`)
	return "'" + strings.ReplaceAll(w, "'", "''") + "'"
}

// tsSeq is lexemes in order (<->), each with its weight suffix.
func tsSeq(words []string, suffix string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = tsLexeme(w) + suffix
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " <-> ") + ")"
}

// sqlTSExpr is n as PostgreSQL tsquery text for to_tsquery over tsv, whose
// words as written have weight A and their stems weight B: a whole word is
// its stem (:B), a phrase its stems in order, an explicit prefix a prefix
// of the written words (:*A), the implicit prefix either; & | ! between.
func sqlTSExpr(n *Node, l Language) string {
	switch n.Kind {
	case NodeTerm, NodePhrase:
		stems := tsSeq(stemsOf(n.Words, l), ":B")
		var prefix string
		if n.Prefix {
			ws := make([]string, len(n.Words))
			for i, w := range n.Words {
				ws[i] = tsLexeme(w) + ":A"
			}
			ws[len(ws)-1] = tsLexeme(n.Words[len(n.Words)-1]) + ":*A"
			prefix = ws[0]
			if len(ws) > 1 {
				prefix = "(" + strings.Join(ws, " <-> ") + ")"
			}
		}
		switch {
		case n.Prefix && n.Implicit:
			return "(" + stems + " | " + prefix + ")"
		case n.Prefix:
			return prefix
		}
		return stems
	case NodeNot:
		return "!(" + sqlTSExpr(n.Kids[0], l) + ")"
	}
	op := " & "
	if n.Kind == NodeOr {
		op = " | "
	}
	parts := make([]string, len(n.Kids))
	for i, k := range n.Kids {
		parts[i] = sqlTSExpr(k, l)
	}
	return "(" + strings.Join(parts, op) + ")"
}

// PhraseWords are the words of a query of plain words only (no OR, no
// phrase), in order, when there are at least two: the exact phrase they
// make ranks first. Nil otherwise.
func (n *Node) PhraseWords() []string {
	if n == nil || n.Kind != NodeAnd {
		return nil
	}
	var out []string
	for _, k := range n.Kids {
		switch {
		case k.Kind == NodeNot:
			continue
		case k.Kind != NodeTerm:
			return nil
		}
		out = append(out, k.Words...)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}
