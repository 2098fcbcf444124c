package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runFilter runs `backchannel args...` with stdin, as main would.
func runFilter(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	err := run(ctx, args, getenvOf(nil), strings.NewReader(stdin), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFilterCheck(t *testing.T) {
	rules := writeFile(t, "rules.csv", "\ufeffpattern,kind,action,allow,guideline\r\n"+
		"bad,word,block,,G1\r\n"+
		"darn,word,mask,,\r\n"+
		"kill yourself,phrase,hold,,G3\r\n"+
		"ass*,wildcard,flag,assess*|assassin,\r\n"+
		"evil.com,domain,block,,\r\n")
	in := "hello there\n" +
		"you are b.a.d\n" +
		"oh d4rn it, DARN\r\n" +
		"k1ll   yourself\n" +
		"the assassin\n" +
		"see https://www.еvil.com/x\n" +
		"\n"
	r := runFilter(t, in, "filter", "check", "--rules", rules)
	if r.err != nil {
		t.Fatal(r)
	}
	type match struct{ Pattern, Kind, Action, Match string }
	type verdict struct {
		Action string
		Rules  []match
		Masked string
	}
	want := []verdict{
		{"allow", []match{}, "hello there"},
		{"block", []match{{"bad", "word", "block", "b.a.d"}}, "you are b.a.d"},
		{"mask", []match{{"darn", "word", "mask", "d4rn"}, {"darn", "word", "mask", "DARN"}}, "oh **** it, ****"},
		{"hold", []match{{"kill yourself", "phrase", "hold", "k1ll   yourself"}}, "k1ll   yourself"},
		{"allow", []match{}, "the assassin"},
		{"block", []match{{"evil.com", "domain", "block", "https://www.еvil.com/x"}}, "see https://www.еvil.com/x"},
		{"allow", []match{}, ""},
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), r.stdout)
	}
	for i, line := range lines {
		var got verdict
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if got.Rules == nil || !equalJSON(t, got, want[i]) {
			t.Errorf("line %d: got %s, want %+v", i+1, line, want[i])
		}
	}
	// The output is exactly the documented shape.
	if !strings.HasPrefix(lines[1], `{"action":"block","rules":[{"pattern":"bad","kind":"word","action":"block","match":"b.a.d"}],"masked":"you are b.a.d"}`) {
		t.Errorf("line 2: %s", lines[1])
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestFilterCheckWordsAndBuiltins(t *testing.T) {
	words := writeFile(t, "words.txt", "# list\nbadword\nspam link\n")
	in := "a badword here\nWHY IS NOBODY ANSWERING ME\nhi @a @b @c\nsame thing\nsame thing\n"
	r := runFilter(t, in, "filter", "check", "--words", words, "--action", "hold", "--caps", "--max-mentions", "2", "--repeats", "3")
	if r.err != nil {
		t.Fatal(r)
	}
	var actions []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var v struct{ Action string }
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		actions = append(actions, v.Action)
	}
	if got, want := strings.Join(actions, " "), "hold flag flag allow flag"; got != want {
		t.Errorf("actions %q, want %q\n%s", got, want, r.stdout)
	}
}

func TestFilterCheckErrors(t *testing.T) {
	badKind := writeFile(t, "bad.csv", "pattern,kind,action\nok,word,block\n\nx,wrod,block\n")
	badRegex := writeFile(t, "regex.csv", "pattern,kind,action\n\"a(b\",regex,hold\n")
	good := writeFile(t, "good.csv", "pattern,kind,action\nok,word,block\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"filter"}, "filter: say check"},
		{"no rules", []string{"filter", "check"}, "--rules FILE"},
		{"missing file", []string{"filter", "check", "--rules", filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
		{"bad kind", []string{"filter", "check", "--rules", badKind}, `bad.csv: wordfilter: rules line 4: unknown kind "wrod"`},
		{"bad regex", []string{"filter", "check", "--rules", badRegex}, "regex.csv: wordfilter: rules line 2: invalid regex"},
		{"bad action", []string{"filter", "check", "--rules", good, "--off-list-action", "ban"}, "off-list-action"},
		{"bad flag", []string{"filter", "check", "--rules", good, "--nope"}, "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runFilter(t, "text\n", tc.args...)
			if r.code() != 2 || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("got %s\nwant exit 2 with %q", r, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
		})
	}
}
