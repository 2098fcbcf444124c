package wordfilter

import (
	"testing"
	"unicode/utf8"

	"backchannel/testenv/xss"
)

// fuzzRules has a rule of every kind, with allow lists, and words that the
// normalisation folds many ways.
func fuzzRules() []Rule {
	return []Rule{
		rule(1, KindWord, Block, "bad"),
		rule(2, KindWord, Mask, "ass", "assassin"),
		rule(3, KindWord, Hold, "ill"),
		rule(4, KindPhrase, Block, "kill yourself"),
		rule(5, KindWord, Flag, "bigg"),
		rule(6, KindWord, Mask, "1488"),
		rule(7, KindWildcard, Mask, "sh*t"),
		rule(8, KindWildcard, Flag, "?oo?"),
		rule(9, KindRegex, Hold, `(?:free|cheap)\s*pills`),
		rule(10, KindRegex, Flag, `a*`), // matches empty strings
		rule(11, KindDomain, Block, "evil.com", "ok.evil.com"),
		rule(12, KindWord, Mask, "日本"),
		rule(13, KindPhrase, Flag, "a b c"),
	}
}

// FuzzCheck checks that Check never panics and that every reported span
// lies within the original text, on rune boundaries.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"", "bad", "b.a.d", "you are a b a d person", "sh!t", "$ h 1 t", "baaaad", "asssss",
		"kill   yourself", "ｂａｄ", "b\u200bad", "ЅＨ\u200b1ＩＩＩT", "ß", "ǅ", "ﬃ", "a\xffb", "\xe2\x80",
		"see https://evil.com/x and еvil.com", "@a @b @c @d @e @f", "WHY IS NOBODY ANSWERING",
		"日本語のテキスト日本", "l1l|!ii", "a b c d e f", "xn--vil-qdd.com", "𝐛𝐚𝐝 ⓑⓐⓓ",
	} {
		f.Add(s)
	}
	for _, s := range xss.Payloads {
		f.Add(s)
	}
	m, err := Compile(fuzzRules())
	if err != nil {
		f.Fatal(err)
	}
	s := Settings{
		Caps: Caps{Enabled: true}, Repeats: Repeats{Enabled: true}, Mentions: Flood{Enabled: true, Max: 2},
		Links: Flood{Enabled: true, Max: 1}, AllowedDomains: []string{"example.org"},
	}
	f.Fuzz(func(t *testing.T, text string) {
		v := m.Check(text, s, []string{text + "!", "hello"})
		bounds := map[int]bool{len(text): true}
		for i := 0; i < len(text); {
			bounds[i] = true
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
		}
		strongest := Allow
		for _, mt := range v.Rules {
			if mt.Start < 0 || mt.End > len(text) || mt.Start > mt.End {
				t.Fatalf("span %d:%d outside %d bytes: %+v", mt.Start, mt.End, len(text), mt)
			}
			if !bounds[mt.Start] || !bounds[mt.End] {
				t.Fatalf("span %d:%d not on rune boundaries of %q: %+v", mt.Start, mt.End, text, mt)
			}
			if mt.Text != text[mt.Start:mt.End] {
				t.Fatalf("Text %q, span says %q", mt.Text, text[mt.Start:mt.End])
			}
			if mt.Kind != KindBuiltin && mt.Start == mt.End {
				t.Fatalf("empty rule match %+v", mt)
			}
			strongest = max(strongest, mt.Action)
		}
		if v.Action != strongest {
			t.Fatalf("action %s, strongest match %s", v.Action, strongest)
		}
		if utf8.RuneCountInString(v.Masked) != utf8.RuneCountInString(text) {
			t.Fatalf("masked %q has another length than %q", v.Masked, text)
		}
	})
}

// FuzzSelfMatch checks that a word or phrase rule matches its own pattern
// written as a message, and that the match covers the pattern's letters.
func FuzzSelfMatch(f *testing.F) {
	for _, s := range []string{"bad", "kill yourself", "sh!t", "a$$", "1488", "l1l", "ß", "b.a.d", "日本", "x²", "ǅemal"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		m, err := Compile([]Rule{rule(1, KindPhrase, Block, pattern)})
		if err != nil {
			return
		}
		if v := m.Check(pattern, Settings{}, nil); v.Action != Block {
			t.Fatalf("pattern %q does not match itself", pattern)
		}
		if v := m.Check("hello "+pattern+" there", Settings{}, nil); v.Action != Block {
			t.Fatalf("pattern %q does not match inside a sentence", pattern)
		}
	})
}
