package search

import (
	"strings"
	"testing"

	"backchannel/testenv/xss"
)

// FuzzParseText checks that any text parses without panicking into a tree
// every engine can write, that the tree written back reads as the same
// tree, and that no user character but folded words reaches the engines'
// syntax.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{
		"", "black hole", `"black hole`, "(a OR (b c) OR", ") ( OR - -- -( \"", `a -"b c" -(d OR e) f*`,
		"a OR -b OR (-c)", "-(-a)", "NEAR(a b) a:b ^c \"\"", "x* y** *", strings.Repeat("(a OR b) ", 40),
	} {
		f.Add(s)
	}
	for _, p := range xss.Payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, q string) {
		root := ParseText(q).Root
		if root == nil {
			return
		}
		s := root.String()
		if again := ParseText(s).Root.String(); again != s {
			t.Fatalf("ParseText(%q) = %q, which reads as %q", q, s, again)
		}
		fts := sqlFTSExpr(root, DefaultLanguage)
		// Outside quoted strings FTS5 sees only the syntax written here.
		for i, part := range strings.Split(fts, `"`) {
			// Column filters (stems :, text :) are the builder's own.
			part = strings.NewReplacer("stems :", "", "text :", "").Replace(part)
			if i%2 == 0 && strings.Trim(part, "()* ANDORNT") != "" {
				t.Fatalf("FTS5 syntax %q outside strings in %s", part, fts)
			}
		}
		_ = sqlTSExpr(root, DefaultLanguage)
		alts, _ := root.Alternatives(MaxQueryAlternatives)
		for _, c := range alts {
			_ = meiliQ(c, DefaultLanguage)
		}
	})
}
