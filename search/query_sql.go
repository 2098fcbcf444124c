package search

import "strings"

// ftsQuote is w as an FTS5 string: in double quotes, so that no user text
// is ever read as FTS5 syntax.
func ftsQuote(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }

// sqlFTSExpr is n as an FTS5 MATCH expression: every term and phrase
// quoted, AND, OR and NOT between parenthesised operands. An AND without
// positive kids has no FTS5 form: it is written as the OR of its
// exclusions, which the caller negates.
func sqlFTSExpr(n *Node) string {
	switch n.Kind {
	case NodeTerm, NodePhrase:
		s := ftsQuote(strings.Join(n.Words, " "))
		if n.Prefix {
			s += "*"
		}
		return s
	case NodeOr:
		parts := make([]string, len(n.Kids))
		for i, k := range n.Kids {
			parts[i] = "(" + sqlFTSExpr(k) + ")"
		}
		return strings.Join(parts, " OR ")
	case NodeNot:
		return sqlFTSExpr(n.Kids[0])
	}
	pos, neg := n.Positive(), n.Negative()
	if len(pos) == 0 {
		return sqlFTSExpr(&Node{Kind: NodeOr, Kids: neg})
	}
	parts := make([]string, len(pos))
	for i, k := range pos {
		parts[i] = "(" + sqlFTSExpr(k) + ")"
	}
	s := strings.Join(parts, " AND ")
	for _, k := range neg {
		s = "(" + s + ") NOT (" + sqlFTSExpr(k) + ")"
	}
	return s
}

// tsLexeme is w as a quoted tsquery lexeme.
func tsLexeme(w string) string {
	w = strings.ReplaceAll(w, `\`, `\\`)
	return "'" + strings.ReplaceAll(w, "'", "''") + "'"
}

// sqlTSExpr is n as PostgreSQL tsquery text for to_tsquery: quoted lexemes,
// & | ! and <-> for phrases, :* for prefixes.
func sqlTSExpr(n *Node) string {
	switch n.Kind {
	case NodeTerm, NodePhrase:
		parts := make([]string, len(n.Words))
		for i, w := range n.Words {
			parts[i] = tsLexeme(w)
		}
		if n.Prefix {
			parts[len(parts)-1] += ":*"
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return "(" + strings.Join(parts, " <-> ") + ")"
	case NodeNot:
		return "!(" + sqlTSExpr(n.Kids[0]) + ")"
	}
	op := " & "
	if n.Kind == NodeOr {
		op = " | "
	}
	parts := make([]string, len(n.Kids))
	for i, k := range n.Kids {
		parts[i] = sqlTSExpr(k)
	}
	return "(" + strings.Join(parts, op) + ")"
}
