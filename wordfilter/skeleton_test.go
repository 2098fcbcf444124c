package wordfilter

import "testing"

// buildPlain is a fast copy of build(base, nil, nil, false): they must
// agree.
func TestBuildPlain(t *testing.T) {
	words := pseudoWords(100, 1)
	for _, msg := range []string{
		benchMessage(pseudoWords(5000, 1)), evasive(benchMessage(pseudoWords(5000, 1))), words[0] + " " + words[1],
		"h3ll0 w0rld 1488 a1b2 ﬁ 哈哈哈 ab日本語cd x²", "l1l gg6 9 6g", "", "!!!", "4 a", "ñ 4b Ж9",
	} {
		var a, b pass
		base := (&normalizer{}).appendText(nil, msg)
		a.build(base, nil, nil, false)
		b.buildPlain(base)
		if string(a.skel) != string(b.skel) || len(a.ents) != len(b.ents) || a.ascii != b.ascii {
			t.Fatalf("%q:\nbuild      %q\nbuildPlain %q", msg, a.skel, b.skel)
		}
		for i := range a.ents {
			if a.ents[i] != b.ents[i] {
				t.Fatalf("%q: entry %d: %v, %v", msg, i, a.ents[i], b.ents[i])
			}
		}
		for i := range a.skel {
			if a.entryAt(i) != b.entryAt(i) {
				t.Fatalf("%q: entryAt(%d): %d, %d", msg, i, a.entryAt(i), b.entryAt(i))
			}
		}
	}
}

func TestJoinRuns(t *testing.T) {
	tests := []struct {
		in     string
		joined string // the normalised text of the joined view; "" when none
	}{
		{"b.a.d", "bad"},
		{"a b", ""},
		{"you are a b a d person", "you are abad person"},
		{"b-a-d and s_h_i_t", "bad and shit"},
		{"b    a    d", ""}, // gaps longer than three
		{"b\na\nd", ""},     // across lines
		{"1 2 3", ""},       // no letter
		{"$ h 1 t", "$h1t"},
		{"word", ""},
	}
	for _, tc := range tests {
		base := (&normalizer{}).appendText(nil, tc.in)
		idx, _, ok := joinRuns(base, nil, nil)
		got := ""
		if ok {
			rs := make([]nrune, len(idx))
			for i, k := range idx {
				rs[i] = base[k]
			}
			got = normText(rs)
		}
		if got != tc.joined {
			t.Errorf("joinRuns(%q) = %q, want %q", tc.in, got, tc.joined)
		}
	}
}
