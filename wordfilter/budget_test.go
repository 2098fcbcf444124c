package wordfilter

import (
	"strings"
	"testing"
)

// pathological are regex rules just inside MaxRegexProgram whose every run
// over a long post is costly.
func pathological(t *testing.T) []Rule {
	t.Helper()
	pats := []string{`(?:\w+\s+){1,180}zq`, `(?:[a-y]+\W*){1,170}qz`, `(?:\pL{1,3}\s?){1,110}xxq`, `(?:\S+\s){2,220}qqz`, `(?:[^q]{1,4}){1,110}zzq`}
	var rules []Rule
	for i, p := range pats {
		_, size, err := compileBounded("(?i)" + p)
		if err != nil || size < MaxRegexProgram*8/10 {
			t.Fatalf("%s: size %d, %v: want a large program within the limit", p, size, err)
		}
		rules = append(rules, Rule{ID: int64(i + 1), Kind: KindRegex, Pattern: p, Action: Flag, Enabled: true})
	}
	return rules
}

// TestRegexBudget: five heavy regexes over a 4,000-character post stop
// within the per-message budget (counted in bytes × program steps, not
// time), and the message is held with a reason; a short post runs them all.
func TestRegexBudget(t *testing.T) {
	m, err := Compile(pathological(t))
	if err != nil {
		t.Fatal(err)
	}
	post := strings.Repeat("lorem ipsum dolor sit amet ", 150)[:4000]
	v := m.Check(post, Settings{}, nil)
	if v.RegexWork == 0 || v.RegexWork > RegexBudget {
		t.Errorf("regex work %d, want some and at most %d", v.RegexWork, RegexBudget)
	}
	if v.Action != Hold || !hasBuiltin(v, CheckBudget) || !strings.Contains(strings.Join(v.Reasons, "; "), "budget") {
		t.Errorf("verdict %v %+v %q: want held for the regex budget", v.Action, v.Rules, v.Reasons)
	}

	short := m.Check("lorem ipsum dolor", Settings{}, nil)
	if short.Action != Allow || hasBuiltin(short, CheckBudget) {
		t.Errorf("a short post: %v %+v, want allowed", short.Action, short.Rules)
	}
	// The same rules still match where they should.
	if hit := m.Check("lorem zq", Settings{}, nil); hit.Action != Flag {
		t.Errorf("lorem zq: %v, want flagged", hit.Action)
	}
}

func hasBuiltin(v Verdict, name string) bool {
	for _, r := range v.Rules {
		if r.Kind == KindBuiltin && r.Pattern == name {
			return true
		}
	}
	return false
}

// TestRegexProgramLimit: a regex or wildcard whose program is too large is
// refused with a message that says so, and ParseCSV names its line.
func TestRegexProgramLimit(t *testing.T) {
	for _, r := range []Rule{
		{Kind: KindRegex, Pattern: `(?:ab|cd|ef){400}`, Action: Hold},
		{Kind: KindRegex, Pattern: `(?:\w+\s+){1,300}zq`, Action: Hold},
	} {
		err := ValidateRule(r)
		if err == nil || !strings.Contains(err.Error(), "too complex") || !strings.Contains(err.Error(), "at most 1000") {
			t.Errorf("%q: %v, want refused as too complex", r.Pattern, err)
		}
	}
	_, err := ParseCSV(strings.NewReader("pattern,kind,action\nfine,word,hold\n\"(?:ab|cd|ef){400}\",regex,hold\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "too complex") {
		t.Errorf("ParseCSV: %v, want line 3 too complex", err)
	}
	if err := ValidateRule(Rule{Kind: KindRegex, Pattern: `\bfree\s+(money|cash|bitcoin)\b`, Action: Hold}); err != nil {
		t.Errorf("an ordinary regex refused: %v", err)
	}
}
