package wordfilter

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func rule(id int64, kind Kind, a Action, pattern string, allow ...string) Rule {
	return Rule{ID: id, Scope: ScopeSite, Pattern: pattern, Kind: kind, Action: a, Allow: allow, Enabled: true}
}

func TestRuleKindsAndActions(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindWord, Block, "spam"),
		rule(2, KindWord, Hold, "scam"),
		rule(3, KindWord, Mask, "darn"),
		rule(4, KindWord, Flag, "heck"),
		rule(5, KindPhrase, Hold, "buy followers"),
		rule(6, KindWildcard, Flag, "bad*"),
		rule(7, KindWildcard, Mask, "?oon"),
		rule(8, KindWildcard, Block, "free * now"),
		rule(9, KindRegex, Hold, `\b\d{3}-\d{3}-\d{4}\b`),
		rule(10, KindRegex, Block, `casino\s*bonus`),
		rule(11, KindDomain, Block, "evil.example"),
		rule(12, KindWord, Block, "1488"),
	})
	tests := []struct {
		text   string
		action Action
		rules  []int64
		match  string
	}{
		{"this is spam", Block, []int64{1}, "spam"},
		{"a scam!", Hold, []int64{2}, "scam"},
		{"oh darn it", Mask, []int64{3}, "darn"},
		{"what the heck", Flag, []int64{4}, "heck"},
		{"want to BUY   followers?", Hold, []int64{5}, "BUY   followers"},
		{"buy more followers", Allow, nil, ""},
		{"that went badly", Flag, []int64{6}, "badly"},
		{"bad", Flag, []int64{6}, "bad"},
		{"abad", Allow, nil, ""},
		{"b4dly done", Flag, []int64{6}, "b4dly"},
		{"a baaaadly made film", Flag, []int64{6}, "baaaadly"},
		{"the moon", Mask, []int64{7}, "moon"},
		{"the spoon", Allow, nil, ""},
		{"FREE iphones NOW", Block, []int64{8}, "FREE iphones NOW"},
		{"call 555-123-4567 today", Hold, []int64{9}, "555-123-4567"},
		{"casino bonus", Block, []int64{10}, "casino bonus"},
		{"cаsino bonus", Block, []int64{10}, "cаsino bonus"}, // Cyrillic а: only the normalised text matches
		{"see evil.example/page", Block, []int64{11}, "evil.example/page"},
		{"code 1488", Block, []int64{12}, "1488"},
		{"code 14888 and 148", Allow, nil, ""},
		{"nothing to see", Allow, nil, ""},
	}
	for _, tc := range tests {
		v := m.Check(tc.text, Settings{}, nil)
		if v.Action != tc.action || !slices.Equal(ruleIDs(v), tc.rules) {
			t.Errorf("Check(%q) = %s %v, want %s %v", tc.text, v.Action, ruleIDs(v), tc.action, tc.rules)
			continue
		}
		if tc.match != "" && v.Rules[0].Text != tc.match {
			t.Errorf("Check(%q) matched %q, want %q", tc.text, v.Rules[0].Text, tc.match)
		}
	}
}

func TestStrongestActionWins(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindWord, Flag, "alpha"),
		rule(2, KindWord, Mask, "beta"),
		rule(3, KindWord, Hold, "gamma"),
		rule(4, KindWord, Block, "delta"),
		rule(5, KindWildcard, Flag, "gam*"),
	})
	tests := []struct {
		text   string
		action Action
		rules  []int64
	}{
		{"alpha beta", Mask, []int64{1, 2}},
		{"beta alpha gamma", Hold, []int64{2, 1, 3, 5}},
		{"delta alpha beta gamma", Block, []int64{4, 1, 2, 3, 5}},
		{"alpha alpha", Flag, []int64{1}},
	}
	for _, tc := range tests {
		v := m.Check(tc.text, Settings{}, nil)
		if v.Action != tc.action || !slices.Equal(ruleIDs(v), tc.rules) {
			t.Errorf("Check(%q) = %s %v, want %s %v", tc.text, v.Action, ruleIDs(v), tc.action, tc.rules)
		}
	}
	// Every match is reported, in text order.
	v := m.Check("alpha, then alpha again", Settings{}, nil)
	if len(v.Rules) != 2 || v.Rules[0].Start != 0 || v.Rules[1].Start != 12 {
		t.Errorf("matches %+v", v.Rules)
	}
	if len(v.Reasons) != 1 || v.Reasons[0] != `matched word rule "alpha"` {
		t.Errorf("reasons %q", v.Reasons)
	}
}

func TestAllowList(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindWildcard, Block, "ass*", "assess*", "assassin", "assistant"),
		rule(2, KindRegex, Hold, "cock", "peacock", "cocktail"),
		rule(3, KindWord, Block, "dick", "moby dick", "philip k. dick"),
		rule(4, KindPhrase, Hold, "go to hell", "go to hell's kitchen"),
	})
	tests := []struct {
		text   string
		action Action
	}{
		{"assess the assistant", Allow},
		{"assessment", Block}, // allow entries are words, not wildcards: "assess*" excuses only "assess"
		{"the assassin", Allow},
		{"asshat", Block},
		{"a peacock and a cocktail", Allow},
		{"a cock", Hold},
		{"peacock cock", Hold},
		{"I read Moby Dick", Allow},
		{"Philip K. Dick wrote it", Allow},
		{"dick", Block},
		{"go to hell's kitchen", Allow},
		{"go to hell", Hold},
	}
	for _, tc := range tests {
		if v := m.Check(tc.text, Settings{}, nil); v.Action != tc.action {
			t.Errorf("Check(%q) = %s %+v, want %s", tc.text, v.Action, v.Rules, tc.action)
		}
	}
}

func TestDomains(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindDomain, Block, "evil.com", "safe.evil.com"),
		rule(2, KindDomain, Hold, "https://Spam.Example/"),
		rule(3, KindDomain, Flag, "*.tracker.net"),
	})
	tests := []struct {
		name   string
		text   string
		action Action
		match  string
	}{
		{"bare domain", "visit evil.com now", Block, "evil.com"},
		{"https URL", "see https://evil.com/x?y=1.", Block, "https://evil.com/x?y=1"},
		{"subdomain", "http://www.evil.com", Block, "http://www.evil.com"},
		{"deep subdomain", "a.b.evil.com/path", Block, "a.b.evil.com/path"},
		{"upper case", "EVIL.COM", Block, "EVIL.COM"},
		{"allowed subdomain", "https://safe.evil.com/doc", Allow, ""},
		{"not a subdomain", "notevil.com and evil.com.au", Allow, ""},
		{"Cyrillic look-alike", "go to еvil.com", Block, "еvil.com"},
		{"punycode look-alike", "http://xn--vil-qdd.com/", Block, "http://xn--vil-qdd.com/"},
		{"fullwidth", "ｅｖｉｌ．ｃｏｍ", Block, "ｅｖｉｌ．ｃｏｍ"},
		{"zero width inside", "ev\u200bil.com", Block, "ev\u200bil.com"},
		{"rule written as URL", "spam.example/offer", Hold, "spam.example/offer"},
		{"wildcard rule", "pixel.tracker.net/p.gif", Flag, "pixel.tracker.net/p.gif"},
		{"email is not a link", "write to me@evil.com", Allow, ""},
		{"other domain", "https://example.org", Allow, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := m.Check(tc.text, Settings{}, nil)
			if v.Action != tc.action {
				t.Fatalf("Check(%q) = %s %+v, want %s", tc.text, v.Action, v.Rules, tc.action)
			}
			if tc.match != "" && v.Rules[0].Text != tc.match {
				t.Errorf("Check(%q) matched %q, want %q", tc.text, v.Rules[0].Text, tc.match)
			}
		})
	}
}

func TestAllowedDomains(t *testing.T) {
	m := mustCompile(t, nil)
	s := Settings{AllowedDomains: []string{"example.org", "https://docs.python.org/"}, OffListAction: Block}
	tests := []struct {
		text   string
		action Action
		reason string
	}{
		{"see https://example.org/page", Allow, ""},
		{"see www.example.org and docs.python.org/3/", Allow, ""},
		{"see python.org", Block, `link to "python.org", not on the channel's domain list`},
		{"see example.com", Block, `link to "example.com", not on the channel's domain list`},
		{"see exаmple.org", Block, `link to "exаmple.org", a look-alike of allowed domain "example.org"`},
		{"see http://xn--exmple-4nf.org", Block, `link to "exаmple.org", a look-alike of allowed domain "example.org"`},
		{"no links here.", Allow, ""},
	}
	for _, tc := range tests {
		v := m.Check(tc.text, s, nil)
		if v.Action != tc.action {
			t.Errorf("Check(%q) = %s %+v, want %s", tc.text, v.Action, v.Rules, tc.action)
			continue
		}
		if tc.reason != "" && (len(v.Reasons) != 1 || v.Reasons[0] != tc.reason) {
			t.Errorf("Check(%q) reasons %q, want %q", tc.text, v.Reasons, tc.reason)
		}
	}
	// Off-list links are held when no action is set.
	s.OffListAction = Allow
	if v := m.Check("see example.com", s, nil); v.Action != Hold {
		t.Errorf("default off-list action %s, want hold", v.Action)
	}
	// A domain rule denies even what the channel allows.
	m = mustCompile(t, []Rule{rule(1, KindDomain, Block, "bad.example.org")})
	if v := m.Check("see bad.example.org", s, nil); v.Action != Block {
		t.Errorf("deny rule under an allowed domain: %s", v.Action)
	}
}

func TestMasking(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindWord, Mask, "darn"),
		rule(2, KindPhrase, Mask, "shut up"),
		rule(3, KindWord, Flag, "meh"),
		rule(4, KindWildcard, Mask, "frak*"),
	})
	tests := []struct{ text, masked string }{
		{"oh darn it", "oh **** it"},
		{"DARN, darn and d.a.r.n", "****, **** and *******"},
		{"ｄａｒｎ", "****"},
		{"dárn", "****"},
		{"shut   up, meh", "*********, meh"},
		{"meh", "meh"},
		{"frakking darn", "******** ****"},
		{"naïve d\u200barn", "naïve *****"},
	}
	for _, tc := range tests {
		v := m.Check(tc.text, Settings{}, nil)
		if v.Masked != tc.masked {
			t.Errorf("Check(%q).Masked = %q, want %q", tc.text, v.Masked, tc.masked)
		}
	}
}

func TestBuiltins(t *testing.T) {
	m := mustCompile(t, nil)
	tests := []struct {
		name   string
		text   string
		s      Settings
		recent []string
		action Action
		check  string
	}{
		{"caps", "WHY IS NOBODY ANSWERING MY QUESTION", Settings{Caps: Caps{Enabled: true}}, nil, Flag, CheckCaps},
		{"caps action", "WHY IS NOBODY ANSWERING", Settings{Caps: Caps{Enabled: true, Action: Hold}}, nil, Hold, CheckCaps},
		{"caps short", "OK THANKS", Settings{Caps: Caps{Enabled: true}}, nil, Allow, ""},
		{"caps mixed", "Why Is Nobody Answering My Question", Settings{Caps: Caps{Enabled: true}}, nil, Allow, ""},
		{"caps off", "WHY IS NOBODY ANSWERING MY QUESTION", Settings{}, nil, Allow, ""},
		{"caps threshold", "ABCDEF", Settings{Caps: Caps{Enabled: true, MinLetters: 5, MinRatio: 0.9}}, nil, Flag, CheckCaps},
		{"repeat", "Buy my course!", Settings{Repeats: Repeats{Enabled: true, Action: Hold}},
			[]string{"hi", "buy   my COURSE"}, Hold, CheckRepeat},
		{"repeat normalised", "buuuy my cоurse", Settings{Repeats: Repeats{Enabled: true}},
			[]string{"Buy my course!!!"}, Flag, CheckRepeat},
		{"repeat outside last N", "buy my course", Settings{Repeats: Repeats{Enabled: true, Last: 1}},
			[]string{"hi", "buy my course"}, Allow, ""},
		{"repeat different", "buy my book", Settings{Repeats: Repeats{Enabled: true}},
			[]string{"buy my course"}, Allow, ""},
		{"repeat emoji only", "👍", Settings{Repeats: Repeats{Enabled: true}}, []string{"👍"}, Flag, CheckRepeat},
		{"mentions", "@a @b @c @d @e @f hello", Settings{Mentions: Flood{Enabled: true}}, nil, Flag, CheckMentions},
		{"mentions at limit", "@a @b @c @d @e hello", Settings{Mentions: Flood{Enabled: true}}, nil, Allow, ""},
		{"mentions limit", "@a @b @c", Settings{Mentions: Flood{Enabled: true, Max: 2, Action: Block}}, nil, Block, CheckMentions},
		{"emails are not mentions", "a@b.c d@e.f g@h.i j@k.l m@n.o p@q.r", Settings{Mentions: Flood{Enabled: true, Max: 1}}, nil, Allow, ""},
		{"links", "a.com b.org c.net https://d.io/x", Settings{Links: Flood{Enabled: true}}, nil, Flag, CheckLinks},
		{"links at limit", "a.com b.org c.net", Settings{Links: Flood{Enabled: true}}, nil, Allow, ""},
		{"links limit", "see https://example.org and example.com", Settings{Links: Flood{Enabled: true, Max: 1, Action: Hold}}, nil, Hold, CheckLinks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := m.Check(tc.text, tc.s, tc.recent)
			if v.Action != tc.action {
				t.Fatalf("Check(%q) = %s %+v, want %s", tc.text, v.Action, v.Rules, tc.action)
			}
			if tc.check == "" {
				if len(v.Rules) != 0 || len(v.Reasons) != 0 {
					t.Fatalf("unexpected %+v %q", v.Rules, v.Reasons)
				}
				return
			}
			if len(v.Rules) != 1 || v.Rules[0].Kind != KindBuiltin || v.Rules[0].Pattern != tc.check || len(v.Reasons) != 1 {
				t.Fatalf("got %+v %q, want one %s match", v.Rules, v.Reasons, tc.check)
			}
		})
	}
	// The caps reason reads as the issue words it.
	v := m.Check("WHY IS NOBODY ANSWERING MY QUESTION", Settings{Caps: Caps{Enabled: true}}, nil)
	if v.Reasons[0] != "caps-lock shouting" {
		t.Errorf("reason %q", v.Reasons[0])
	}
}

func TestScopes(t *testing.T) {
	m := mustCompile(t, []Rule{
		rule(1, KindWord, Block, "sitewide"),
		{ID: 2, Scope: "channel:7", Pattern: "spoiler", Kind: KindWord, Action: Mask, Enabled: true},
		{ID: 3, Scope: ChannelScope(8), Pattern: "homework", Kind: KindWord, Action: Hold, Enabled: true},
		{ID: 4, Pattern: "disabled", Kind: KindWord, Action: Block, Enabled: false},
	})
	tests := []struct {
		scope, text string
		action      Action
	}{
		{"", "sitewide spoiler homework disabled", Block},
		{"", "spoiler homework", Allow},
		{"channel:7", "spoiler homework", Mask},
		{"channel:8", "spoiler homework", Hold},
		{"channel:8", "sitewide", Block},
	}
	for _, tc := range tests {
		if v := m.Check(tc.text, Settings{Scope: tc.scope}, nil); v.Action != tc.action {
			t.Errorf("scope %q: Check(%q) = %s, want %s", tc.scope, tc.text, v.Action, tc.action)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		rule Rule
		want string
	}{
		{rule(5, KindRegex, Block, "a(b"), `rule 5 (regex "a(b"): invalid regex`},
		{rule(6, KindWord, Block, "   "), "empty pattern"},
		{rule(7, KindWord, Block, "!!! ..."), "no letters or digits"},
		{rule(8, KindWildcard, Block, "**"), "no letters or digits"},
		{rule(9, KindWord, Allow, "x"), "action allow"},
		{Rule{ID: 10, Pattern: "x", Kind: KindWord, Action: Block, Scope: "room:1", Enabled: true}, "scope"},
		{Rule{ID: 11, Pattern: "x", Kind: 0, Action: Block, Enabled: true}, "unknown kind"},
		{rule(12, KindDomain, Block, "not a domain"), "not a domain"},
		{rule(13, KindWord, Block, "ok", "!!!"), `allow "!!!"`},
	}
	for _, tc := range tests {
		_, err := Compile([]Rule{rule(1, KindWord, Block, "fine"), tc.rule})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "wordfilter: rule ") {
			t.Errorf("Compile(%+v) = %v, want an error with %q", tc.rule, err, tc.want)
		}
	}
	// A disabled rule is not compiled, so it cannot break the others.
	bad := rule(2, KindRegex, Block, "a(b")
	bad.Enabled = false
	if _, err := Compile([]Rule{bad}); err != nil {
		t.Errorf("disabled rule: %v", err)
	}
}

func TestNilMatcher(t *testing.T) {
	var m *Matcher
	v := m.Check("HELLO THERE EVERYONE!!", Settings{Caps: Caps{Enabled: true}}, nil)
	if v.Action != Flag || v.Masked != "HELLO THERE EVERYONE!!" {
		t.Errorf("nil matcher: %+v", v)
	}
}

// TestAgainstBruteForce checks the automaton scan (with its Bloom filter
// and skipped stretches) against a plain search of the same skeletons.
func TestAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := pseudoWords(3000, 11)
	rules := wordRules(words, Block)
	for i := 0; i < 200; i++ {
		p := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		rules = append(rules, Rule{ID: int64(5000 + i), Scope: ScopeSite, Pattern: p, Kind: KindPhrase, Action: Hold, Enabled: true})
	}
	m := mustCompile(t, rules)
	filler := []string{"the", "a", "and", "of", "x", "ll", "ii", "gg", "1", "4", "!", "-", ".", "  "}
	for n := 0; n < 300; n++ {
		var b strings.Builder
		for k := 0; k < 40; k++ {
			if rng.IntN(3) == 0 {
				w := words[rng.IntN(len(words))]
				if rng.IntN(4) == 0 {
					w = w[:len(w)/2] + strings.Repeat(w[len(w)/2:len(w)/2+1], 2) + w[len(w)/2:]
				}
				b.WriteString(w)
			} else {
				b.WriteString(filler[rng.IntN(len(filler))])
			}
			if rng.IntN(5) > 0 {
				b.WriteByte(' ')
			}
		}
		text := b.String()
		var sc scratch
		sc.base = sc.norm.appendText(nil, text)
		sc.p.buildPlain(sc.base)
		m.scan(&sc, &sc.p, ScopeSite)
		got := slices.Clone(sc.found)
		sc.found = sc.found[:0]
		m.scanBytes(&sc, &sc.p, ScopeSite, 0, len(sc.p.skel))
		want := sc.found
		// And a search without the automaton at all.
		var brute []hit
		for pi, pe := range m.pats {
			key := m.patKey(pi)
			for at := 0; at+len(key) <= len(sc.p.skel); at++ {
				if string(sc.p.skel[at:at+len(key)]) != key {
					continue
				}
				a, bb := sc.p.entryAt(at), sc.p.entryAt(at+len(key)-1)
				if !sc.p.bounded(a, bb) {
					continue
				}
				for vi := range pe.variants {
					v := &pe.variants[vi]
					if len(v.lens) == bb-a+1 && sc.p.verify(a, v) {
						st, en := sc.p.span(a, bb)
						for _, u := range v.uses {
							brute = append(brute, hit{rule: u.rule, start: st, end: en})
						}
					}
				}
			}
		}
		sortHits := func(h []hit) {
			slices.SortFunc(h, func(a, b hit) int {
				if a.start != b.start {
					return a.start - b.start
				}
				if a.end != b.end {
					return a.end - b.end
				}
				return int(a.rule - b.rule)
			})
		}
		sortHits(got)
		sortHits(want)
		sortHits(brute)
		if !slices.Equal(got, want) || !slices.Equal(want, brute) {
			t.Fatalf("%q:\nscan  %v\nfull  %v\nbrute %v", text, got, want, brute)
		}
	}
}
