package wordfilter

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii lower", "Hello World", "hello world"},
		{"tabs and line breaks", "a\tb\r\nc", "a b \nc"},
		{"controls dropped", "a\x00b\x07c\x7f", "abc"},
		{"zero width space", "b\u200bad", "bad"},
		{"zero width non-joiner and joiner", "b\u200ca\u200dd", "bad"},
		{"word joiner and BOM", "\ufeffb\u2060ad", "bad"},
		{"soft hyphen", "b\u00adad", "bad"},
		{"bidi controls", "\u202eb\u202ad\u202c\u2066x\u2069\u200e\u200f", "bdx"},
		{"tag characters", "b\U000E0041ad", "bad"},
		{"hangul filler", "b\u3164ad", "bad"},
		{"no-break and ideographic space", "a\u00a0b\u3000c", "a b c"},
		{"line separator", "a\u2028b", "a\nb"},
		{"diacritics", "Crème Brûlée naïve", "creme brulee naive"},
		{"combining marks", "b\u0301a\u0308d\u0327", "bad"},
		{"NFKC fullwidth", "ＢＡＤ ｂａｄ", "bad bad"},
		{"NFKC mathematical", "𝐛𝐚𝐝 𝒃𝒂𝒅 𝕓𝕒𝕕", "bad bad bad"},
		{"NFKC circled and superscript", "ⓑⓐⓓ ᵇᵃᵈ", "bad bad"},
		{"NFKC ligature", "ﬁne", "fine"},
		{"case folding sharp s", "STRAẞE straße", "strasse strasse"},
		{"case folding Greek", "ΔΘΛ", "δθλ"},
		{"sigma reads o", "ΣΟΦΟΣ", "ooφoo"},
		{"Cyrillic look-alikes", "Сорy раураl", "copy paypal"},
		{"Greek look-alikes", "ΒΑΚΕΡ αρτ", "bakep apt"},
		{"Cherokee and Lisu", "ᏴꓮᎠ", "bad"},
		{"dotless i and small capitals", "ıᴅɪᴏᴛ", "idiot"},
		{"lunate sigma reads c", "ϲat", "cat"},
		{"invalid UTF-8 kept as separator", "a\xffb", "a\ufffdb"},
		{"emoji kept", "ok 👍", "ok 👍"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n normalizer
			if got := normText(n.appendText(nil, tc.in)); got != tc.want {
				t.Errorf("normalise(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Every normalised rune points back at the original character it came from.
func TestNormalizeOffsets(t *testing.T) {
	var n normalizer
	in := "Ｘ\u200bÿ ß 𝐛a\u0301!"
	rs := n.appendText(nil, in)
	want := []struct {
		r    rune
		orig string
	}{
		{'x', "Ｘ"}, {'y', "ÿ"}, {' ', " "}, {'s', "ß"}, {'s', "ß"}, {' ', " "}, {'b', "𝐛"}, {'a', "a"}, {'!', "!"},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d runes %q, want %d", len(rs), normText(rs), len(want))
	}
	for i, w := range want {
		if rs[i].r != w.r || in[rs[i].start:rs[i].end] != w.orig {
			t.Errorf("rune %d: %q from %q, want %q from %q", i, rs[i].r, in[rs[i].start:rs[i].end], w.r, w.orig)
		}
	}
}

func TestConfusableTable(t *testing.T) {
	if confusablesCount < 150 {
		t.Errorf("confusables table has %d entries", confusablesCount)
	}
	for _, r := range "аеорсухіјѕԁһԛԝАВЕКМНОРСТХ" { // Cyrillic
		if c := confusable(r); c == 0 || c >= utf8.RuneSelf {
			t.Errorf("confusable(%q) = %q", r, c)
		}
	}
	if c := confusable('a'); c != 0 {
		t.Errorf("confusable('a') = %q, want 0", c)
	}
}
