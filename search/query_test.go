package search

import (
	"slices"
	"strings"
	"testing"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		in, want string // want: the tree written back
		problem  string // a part of the one problem expected, "" for none
	}{
		{"", "", ""},
		{"black hole", "black hole", ""},
		{"Black  HOLE ", "black hole", ""},
		{`"black hole" galaxy`, `"black hole" galaxy`, ""},
		{`"black hole"`, `"black hole"`, ""},
		{"jwst OR hubble", "jwst OR hubble", ""},
		{"jwst OR hubble map", "(jwst OR hubble) map", ""},
		{`(jwst OR "space telescope") map`, `(jwst OR "space telescope") map`, ""},
		{"(a b) OR c", "(a b) OR c", ""},
		{"star -black", "star -black", ""},
		{`star -"black hole"`, `star -"black hole"`, ""},
		{"star -(black OR dwarf)", "star -(black OR dwarf)", ""},
		{"phot* star", "phot* star", ""},
		{"phot*", "phot*", ""},
		{`"black ho"* star`, `"black ho"* star`, ""},
		{"e-mail", `"e mail"`, ""},
		{"-star", "-star", "only of exclusions"},
		{`"black hole`, `"black hole"`, "quote was not closed"},
		{"(jwst OR hubble", "jwst OR hubble", "parenthesis was not closed"},
		{"jwst) hubble", "jwst hubble", "closing parenthesis"},
		{"jwst OR", "jwst", "OR needs"},
		{"OR jwst", "jwst", "OR needs"},
		{"a OR OR b", "a b", "OR needs"},
		{"a OR -b", "a -b", "cannot be an alternative"},
		{"--a", "a", ""},
		{"!!! ??", "", ""},
		{"or and not", "or and not", ""}, // lower case: words
	}
	for _, tt := range tests {
		got := ParseText(tt.in)
		if s := got.Root.String(); s != tt.want {
			t.Errorf("ParseText(%q) = %q, want %q", tt.in, s, tt.want)
		}
		switch {
		case tt.problem == "" && len(got.Problems) > 0:
			t.Errorf("ParseText(%q): problems %q, want none", tt.in, got.Problems)
		case tt.problem != "" && (len(got.Problems) != 1 || !strings.Contains(got.Problems[0], tt.problem)):
			t.Errorf("ParseText(%q): problems %q, want one saying %q", tt.in, got.Problems, tt.problem)
		}
	}
}

func TestImplicitPrefix(t *testing.T) {
	for q, want := range map[string]bool{"black hole": true, "black hole ": false, `"black hole"`: false, "star -black": false, "(black hole)": false,
		"black h": false, "black ho": true} {
		terms := ParseText(q).Root.Terms()
		if last := terms[len(terms)-1]; last.Prefix != want {
			t.Errorf("%q: last word prefix %v, want %v", q, last.Prefix, want)
		}
	}
}

func TestParseTextLimits(t *testing.T) {
	got := ParseText(strings.Repeat("word ", maxQueryTerms+5))
	if len(got.Root.Terms()) != maxQueryTerms || len(got.Problems) != 1 {
		t.Errorf("%d terms, problems %q", len(got.Root.Terms()), got.Problems)
	}
	alts, all := ParseText("(a OR b) (c OR d) (e OR f) (g OR h) (i OR j)").Root.Alternatives(MaxQueryAlternatives)
	if len(alts) != MaxQueryAlternatives || all {
		t.Errorf("%d alternatives, all %v", len(alts), all)
	}
}

func TestAlternatives(t *testing.T) {
	alts, all := ParseText(`(jwst OR hubble) -"black hole" map`).Root.Alternatives(MaxQueryAlternatives)
	var got []string
	for _, c := range alts {
		got = append(got, meiliQ(c, DefaultLanguage))
	}
	if want := []string{`-"black hole" jwst map`, `-"black hole" hubbl map`}; !all || !slices.Equal(got, want) {
		t.Errorf("alternatives %q, want %q", got, want)
	}
}

func TestEngineExpressions(t *testing.T) {
	root := ParseText(`(jwst OR "space telescope") -"black hole" -dust phot*`).Root
	if got, want := sqlFTSExpr(root, DefaultLanguage), `((((stems : "jwst") OR (stems : "space telescop")) AND (text : "phot" *)) NOT (stems : "black hole")) NOT (stems : "dust")`; got != want {
		t.Errorf("FTS5 %s, want %s", got, want)
	}
	if got, want := sqlTSExpr(root, DefaultLanguage), `(('jwst':B | ('space':B <-> 'telescop':B)) & !(('black':B <-> 'hole':B)) & !('dust':B) & 'phot':*A)`; got != want {
		t.Errorf("tsquery %s, want %s", got, want)
	}
	// User text never reaches either syntax: only folded letters and digits.
	if got := sqlFTSExpr(ParseText(`a"b NEAR(c) d:*`).Root, DefaultLanguage); strings.Count(got, `"`)%2 != 0 || strings.Contains(got, "NEAR(") {
		t.Errorf("FTS5 of hostile text: %s", got)
	}
}

func TestHighlightMarksPositiveOnly(t *testing.T) {
	body := "The black hole near a black star; hubble saw holes"
	spans := ParseText(`"black hole" OR hubble -star`).Root.Highlight(body, DefaultLanguage)
	var got []string
	for _, s := range spans {
		got = append(got, body[s.Start:s.End])
	}
	if want := []string{"black", "hole", "hubble"}; !slices.Equal(got, want) {
		t.Errorf("marked %q, want %q", got, want)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"blsck", "black", 1, 1}, {"hubbel", "hubble", 1, 1}, {"telascopa", "telescope", 2, 2},
		{"abc", "xyz", 1, 2}, {"galaxy", "galaxy", 1, 0}, {"naïve", "naive", 1, 1},
	} {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

func TestTyposAllowed(t *testing.T) {
	for n, want := range map[int]int{3: 0, 4: 1, 5: 1, 8: 1, 9: 2, 14: 2} {
		if got := typosAllowed(n); got != want {
			t.Errorf("typosAllowed(%d) = %d, want %d", n, got, want)
		}
	}
}
