package search

import (
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"backchannel/testenv/xss"
)

// FuzzParse checks that any search box text parses without panicking, that
// valid UTF-8 stays valid, and that a parsed query written back with String
// parses to the same operators (the search page shows String in its box, so
// searching again must find the same).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "from:alice", `from:"José Núñez" in:#Physics-101 tag:Follow-Up`, "is:question is:answered",
		"is:held is:hidden is:shadow is:unanswered", "after:2026-11-01 before:2026-11-02", "after:2026-13-45",
		`"unterminated quote in:x`, `from:"" tag: is:`, "FROM:Bob IN:x", "a:b:c", `"a" "b"`, "tag:\x00\xff",
	} {
		f.Add(s)
	}
	for _, p := range xss.Payloads {
		f.Add(p)
		f.Add("from:" + p)
		f.Add("tag:" + p)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p := Parse(q, time.UTC)
		if utf8.ValidString(q) {
			for _, v := range append(append(append([]string{p.Text}, p.Authors...), p.Channels...), p.Tags...) {
				if !utf8.ValidString(v) {
					t.Fatalf("Parse(%q) made invalid UTF-8 %q", q, v)
				}
			}
		}
		again := Parse(p.String(), time.UTC)
		for _, c := range []struct {
			name      string
			got, want []string
		}{
			{"authors", again.Authors, p.Authors}, {"channels", again.Channels, p.Channels},
			{"tags", again.Tags, p.Tags}, {"kinds", again.Kinds, p.Kinds}, {"states", again.States, p.States},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s: Parse(%q) = %q, but Parse(its String %q) = %q", c.name, q, c.want, p.String(), c.got)
			}
		}
		if !again.After.Equal(p.After) || !again.Before.Equal(p.Before) || (again.Answered == nil) != (p.Answered == nil) {
			t.Errorf("dates or answered differ after String: %q → %q", q, p.String())
		}
	})
}
