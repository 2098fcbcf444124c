package wordfilter

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	in := "\ufeffpattern, kind ,action,allow,guideline\r\n" +
		"badword,word,block,,G1\r\n" +
		"\r\n" +
		"  kill yourself , phrase , HOLD , , G3 \r\n" +
		"ass*,wildcard,mask,assess|assassin | assistant,\r\n" +
		"\"a,b\",phrase,flag,,\r\n" +
		"evil.com,domain,block,,\r\n" +
		`\d{3}-\d{4},regex,flag,,` + "\n"
	rules, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{ID: 1, Scope: ScopeSite, Pattern: "badword", Kind: KindWord, Action: Block, GuidelineID: "G1", Enabled: true},
		{ID: 2, Scope: ScopeSite, Pattern: "kill yourself", Kind: KindPhrase, Action: Hold, GuidelineID: "G3", Enabled: true},
		{ID: 3, Scope: ScopeSite, Pattern: "ass*", Kind: KindWildcard, Action: Mask, Allow: []string{"assess", "assassin", "assistant"}, Enabled: true},
		{ID: 4, Scope: ScopeSite, Pattern: "a,b", Kind: KindPhrase, Action: Flag, Enabled: true},
		{ID: 5, Scope: ScopeSite, Pattern: "evil.com", Kind: KindDomain, Action: Block, Enabled: true},
		{ID: 6, Scope: ScopeSite, Pattern: `\d{3}-\d{4}`, Kind: KindRegex, Action: Flag, Enabled: true},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("ParseCSV:\n got %+v\nwant %+v", rules, want)
	}
}

func TestParseCSVErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty"},
		{"no header", "badword,word,block\n", `rules line 1: unknown column "badword"`},
		{"missing column", "pattern,kind\nx,word\n", `rules line 1: no "action" column`},
		{"duplicate column", "pattern,kind,action,kind\n", `rules line 1: column "kind" twice`},
		{"unknown kind", "pattern,kind,action\nok,word,block\nx,wrod,block\n", `rules line 3: unknown kind "wrod"`},
		{"unknown action", "pattern,kind,action\n\nx,word,ban\n", `rules line 3: unknown action "ban"`},
		{"allow action", "pattern,kind,action\nx,word,allow\n", "rules line 2: action allow"},
		{"empty pattern", "pattern,kind,action\n,word,block\n", "rules line 2: empty pattern"},
		{"bad regex", "pattern,kind,action\r\nok,word,block\r\n\"a(b\",regex,hold\r\n", "rules line 3: invalid regex"},
		{"bad scope", "pattern,kind,action,scope\nx,word,block,room\n", `rules line 2: scope "room"`},
		{"bad enabled", "pattern,kind,action,enabled\nx,word,block,maybe\n", `rules line 2: enabled "maybe"`},
		{"bad quotes", "pattern,kind,action\n\"x,word,block\n", "rules CSV"},
		{"no letters", "pattern,kind,action\n\n\n?!,word,block\n", "rules line 4: pattern has no letters or digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseCSV(%q) = %v, want an error with %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestCSVRoundTrip(t *testing.T) {
	rules := []Rule{
		{ID: 1, Scope: ScopeSite, Pattern: "badword", Kind: KindWord, Action: Block, GuidelineID: "G1", Enabled: true},
		{ID: 2, Scope: "channel:42", Pattern: "spoiler alert", Kind: KindPhrase, Action: Mask, Enabled: true},
		{ID: 3, Scope: ScopeSite, Pattern: "ass*", Kind: KindWildcard, Action: Hold, Allow: []string{"assess", "assassin"}, Enabled: false},
		{ID: 4, Scope: ScopeSite, Pattern: `"quoted", with comma`, Kind: KindPhrase, Action: Flag, Enabled: true},
		{ID: 5, Scope: ScopeSite, Pattern: `(?:free|cheap)\s+pills`, Kind: KindRegex, Action: Block, GuidelineID: "G7", Enabled: true},
		{ID: 6, Scope: ScopeSite, Pattern: "evil.example", Kind: KindDomain, Action: Block, Allow: []string{"ok.evil.example"}, Enabled: true},
		{ID: 7, Scope: ScopeSite, Pattern: "naïve ｆｕｌｌ", Kind: KindPhrase, Action: Flag, Enabled: true},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rules); err != nil {
		t.Fatal(err)
	}
	got, err := ParseCSV(&buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, rules) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, rules)
	}
	// Writing what was read gives the same bytes.
	var again bytes.Buffer
	if err := WriteCSV(&again, got); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	WriteCSV(&first, rules)
	if again.String() != first.String() {
		t.Errorf("second write differs:\n%s\n%s", first.String(), again.String())
	}
	if err := WriteCSV(&buf, []Rule{{ID: 9, Pattern: "x", Kind: KindWord, Action: Block, Allow: []string{"a|b"}}}); err == nil {
		t.Error("WriteCSV with | in an allow entry: no error")
	}
}

func TestParseWordList(t *testing.T) {
	in := "\ufeff# my list\r\nbadword\r\n\r\n  Kill Yourself  \n#comment\nsh!t\n"
	rules, err := ParseWordList(strings.NewReader(in), Hold)
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{ID: 1, Scope: ScopeSite, Pattern: "badword", Kind: KindWord, Action: Hold, Enabled: true},
		{ID: 2, Scope: ScopeSite, Pattern: "Kill Yourself", Kind: KindPhrase, Action: Hold, Enabled: true},
		{ID: 3, Scope: ScopeSite, Pattern: "sh!t", Kind: KindWord, Action: Hold, Enabled: true},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("ParseWordList:\n got %+v\nwant %+v", rules, want)
	}
	if _, err := ParseWordList(strings.NewReader("ok\n...\n"), Block); err == nil || !strings.Contains(err.Error(), "word list line 2") {
		t.Errorf("bad word: %v", err)
	}
	if _, err := ParseWordList(strings.NewReader("ok\n"), Allow); err == nil {
		t.Error("action allow: no error")
	}
}
