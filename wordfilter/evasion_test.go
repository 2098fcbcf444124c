package wordfilter

import (
	"bufio"
	"os"
	"testing"
)

// evasionRules are the rules the evasion tests try to get past.
func evasionRules() []Rule {
	r := func(id int64, kind Kind, a Action, p string) Rule {
		return Rule{ID: id, Scope: ScopeSite, Pattern: p, Kind: kind, Action: a, Enabled: true}
	}
	return []Rule{
		r(1, KindWord, Block, "bad"),
		r(2, KindWord, Block, "shit"),
		r(3, KindWord, Mask, "ass"),
		r(4, KindWord, Hold, "idiot"),
		r(5, KindPhrase, Block, "kill yourself"),
		r(6, KindWord, Flag, "hell"),
		r(7, KindWord, Block, "fuck"),
		r(8, KindWord, Hold, "loser"),
	}
}

func mustCompile(t testing.TB, rules []Rule) *Matcher {
	t.Helper()
	m, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ruleIDs lists the rule ids of the verdict's matches, in order, without
// repeats.
func ruleIDs(v Verdict) []int64 {
	var ids []int64
	for _, m := range v.Rules {
		dup := false
		for _, id := range ids {
			dup = dup || id == m.RuleID
		}
		if !dup {
			ids = append(ids, m.RuleID)
		}
	}
	return ids
}

func TestEvasions(t *testing.T) {
	m := mustCompile(t, evasionRules())
	tests := []struct {
		name   string
		text   string
		action Action
		rule   int64
		match  string // the matched text in the original message
	}{
		{"plain", "you are bad", Block, 1, "bad"},
		{"upper case", "YOU ARE BAD", Block, 1, "BAD"},
		{"mixed case", "bAd", Block, 1, "bAd"},
		{"punctuation around", "(bad!)", Block, 1, "bad"},

		{"zero width space", "b\u200bad", Block, 1, "b\u200bad"},
		{"zero width non-joiner", "sh\u200cit", Block, 2, "sh\u200cit"},
		{"zero width joiner", "i\u200ddiot", Hold, 4, "i\u200ddiot"},
		{"word joiner", "fu\u2060ck", Block, 7, "fu\u2060ck"},
		{"byte order mark", "b\ufeffad", Block, 1, "b\ufeffad"},
		{"soft hyphen", "id\u00adiot", Hold, 4, "id\u00adiot"},
		{"bidi override", "b\u202ead\u202c", Block, 1, "b\u202ead"},
		{"bidi isolate", "\u2066shit\u2069", Block, 2, "shit"},

		{"diacritics", "bäd", Block, 1, "bäd"},
		{"combining marks", "s\u0301h\u0308i\u0323t", Block, 2, "s\u0301h\u0308i\u0323t"},
		{"stacked diacritics", "ídíóț", Hold, 4, "ídíóț"},

		{"fullwidth", "ｂａｄ", Block, 1, "ｂａｄ"},
		{"mathematical bold", "𝐬𝐡𝐢𝐭", Block, 2, "𝐬𝐡𝐢𝐭"},
		{"circled", "ⓕⓤⓒⓚ", Block, 7, "ⓕⓤⓒⓚ"},
		{"sharp s", "aß", Mask, 3, "aß"},

		{"Cyrillic a", "bаd", Block, 1, "bаd"},
		{"Cyrillic s and i", "ѕhіt", Block, 2, "ѕhіt"},
		{"Greek capitals", "ΒΑD", Block, 1, "ΒΑD"},
		{"Cherokee and Lisu", "ᏴꓮᎠ", Block, 1, "ᏴꓮᎠ"},
		{"dotless i", "ıdıot", Hold, 4, "ıdıot"},
		{"Armenian o", "idiօt", Hold, 4, "idiօt"},
		{"small capitals", "ʟᴏsᴇʀ", Hold, 8, "ʟᴏsᴇʀ"},

		{"leet 4", "b4d", Block, 1, "b4d"},
		{"leet 1 as i", "sh1t", Block, 2, "sh1t"},
		{"leet 1 as l", "1oser", Hold, 8, "1oser"},
		{"leet 5 and !", "5h!t", Block, 2, "5h!t"},
		{"leet $", "$hit", Block, 2, "$hit"},
		{"leet @", "@ss", Mask, 3, "@ss"},
		{"leet $$", "a$$", Mask, 3, "a$$"},
		{"leet digits", "1d10t", Hold, 4, "1d10t"},
		{"leet pipe as l", "|oser", Hold, 8, "|oser"},
		{"leet 3", "h3ll", Flag, 6, "h3ll"},
		{"leet with trailing bang", "sh!t!", Block, 2, "sh!t"},

		{"repeated letters", "baaaaad", Block, 1, "baaaaad"},
		{"repeated letters 2", "shiiiiiit", Block, 2, "shiiiiiit"},
		{"doubled letter", "baad", Block, 1, "baad"},
		{"stretched double", "asssssss", Mask, 3, "asssssss"},
		{"stretched with leet", "1diooooot", Hold, 4, "1diooooot"},

		{"dots", "b.a.d", Block, 1, "b.a.d"},
		{"spaces", "you are b a d", Block, 1, "b a d"},
		{"hyphens", "s-h-i-t", Block, 2, "s-h-i-t"},
		{"underscores", "f_u_c_k", Block, 7, "f_u_c_k"},
		{"stars", "b*a*d", Block, 1, "b*a*d"},
		{"dots and spaces", "i. d. i. o. t", Hold, 4, "i. d. i. o. t"},
		{"spelled out after single words", "you are a b a d person", Block, 1, "b a d"},
		{"spelled with leet", "$ h 1 t", Block, 2, "$ h 1 t"},

		{"phrase", "kill yourself", Block, 5, "kill yourself"},
		{"phrase with separators", "KILL -- yourself!!", Block, 5, "KILL -- yourself"},
		{"phrase across lines", "kill\nyourself", Block, 5, "kill\nyourself"},
		{"phrase with leet", "k1ll y0urs3lf", Block, 5, "k1ll y0urs3lf"},
		{"phrase stretched", "kiiiill yourselfff", Block, 5, "kiiiill yourselfff"},

		{"everything at once", "Ꮪ\u200bh1ＩＩＩ†", Allow, 0, ""},
		{"everything at once 2", "ЅＨ\u200b1ＩＩＩT", Block, 2, "ЅＨ\u200b1ＩＩＩT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := m.Check(tc.text, Settings{}, nil)
			if v.Action != tc.action {
				t.Fatalf("Check(%q) = %s %+v, want %s", tc.text, v.Action, v.Rules, tc.action)
			}
			if tc.rule == 0 {
				return
			}
			ids := ruleIDs(v)
			if len(ids) != 1 || ids[0] != tc.rule {
				t.Fatalf("Check(%q) matched rules %v, want [%d]", tc.text, ids, tc.rule)
			}
			if got := v.Rules[0].Text; got != tc.match {
				t.Errorf("Check(%q) matched %q, want %q", tc.text, got, tc.match)
			}
			if got := tc.text[v.Rules[0].Start:v.Rules[0].End]; got != v.Rules[0].Text {
				t.Errorf("span %d:%d is %q, Text %q", v.Rules[0].Start, v.Rules[0].End, got, v.Rules[0].Text)
			}
		})
	}
}

// loadBlocklist reads testdata/blocklist.txt.
func loadBlocklist(t testing.TB, a Action) []Rule {
	t.Helper()
	f, err := os.Open("testdata/blocklist.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules, err := ParseWordList(bufio.NewReader(f), a)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// TestFalsePositives: innocent words and sentences that contain blocked
// words, or look like them after normalisation, pass with the test word
// list and 10,000 more pseudo-words loaded.
func TestFalsePositives(t *testing.T) {
	rules := loadBlocklist(t, Block)
	for i, w := range pseudoWords(10000, 7) {
		rules = append(rules, Rule{ID: int64(100000 + i), Scope: ScopeSite, Pattern: "zx" + w, Kind: KindWord, Action: Block, Enabled: true})
	}
	m := mustCompile(t, rules)
	innocent := []string{
		// the Scunthorpe problem
		"Scunthorpe", "assessment", "classic", "cocktail", "Sussex", "therapist", "grape", "analysis",
		"Penistone", "Middlesex", "Essex", "Clitheroe", "Cockermouth", "Shitterton", "Arsenal", "Cumbria",
		"Lake Titicaca", "passage", "bass", "assassin", "Titanic", "button", "buttercup", "cumulative", "document",
		"circumstance", "specialist", "shiitake mushrooms", "Matsushita", "shell", "skills", "cocoa", "harass",
		"embarrass", "bassoon", "compass", "grapefruit", "rapeseed oil", "drape", "scrape", "title", "analyst",
		"pussycat", "sextant", "Dickensian", "Winnie the Pooh", "hello", "suckling", "Scrabble", "cumin",
		// names
		"Hancock", "Dickinson", "Cockburn", "Babcock", "Hitchcock", "Cummings", "Glasscock", "Peacock",
		"Charles Dickens", "Sextus Empiricus", "Raphael", "Kuntz",
		// sentences
		"The therapist read the assessment of the classic cocktail menu in Sussex.",
		"We need an analysis of the grape harvest before Saturday.",
		"Hancock and Babcock met at the Arsenal ground in Islington.",
		"Please pass the class schedule, I need it for my assignment.",
		"Shall we meet at 4pm in room 455? Call 555-1234.",
		"The water molecule, H2O, has a bent shape; see section 3.1.",
		"I'm a B student in maths, and I got an A in art.",
		"Our shuttlecock hit the peacock in Cockermouth.",
		"Documents, circumstances and cumulative scores.",
		"e.g. the U.S. economy, i.e. not the E.U. one.",
		"Is the session recorded? Thanks @maria!",
		"Hell's Kitchen? No: Hel, the Norse goddess.",
		"Heel, heal and hall are fine.",
		"The Matsushita shiitake assassination thriller.",
		"Cocktails at the Titanic museum, then Scrabble.",
		"1st, 2nd, 3rd and 4th place; the 10am slot.",
	}
	if len(innocent) < 40 {
		t.Fatalf("only %d innocent texts", len(innocent))
	}
	for _, text := range innocent {
		if v := m.Check(text, Settings{}, nil); v.Action != Allow {
			t.Errorf("Check(%q) = %s %+v, want allow", text, v.Action, v.Rules)
		}
	}
	// The list does catch the words themselves.
	for _, text := range []string{"what an ass", "CUNT", "you're a twat", "sexy pics", "that's shit", "kill yourself"} {
		if v := m.Check(text, Settings{}, nil); v.Action != Block {
			t.Errorf("Check(%q) = %s, want block", text, v.Action)
		}
	}
}
