package export

import (
	"strings"
	"testing"
)

// TestMarkdownEscapesWhatPeopleWrote: names, bodies, titles and queries are
// text in a Markdown export, never HTML or links.
func TestMarkdownEscapesWhatPeopleWrote(t *testing.T) {
	evil := "<script>x</script> [a](javascript:alert(1)) ![i](http://t/p.png)"
	var b strings.Builder
	d := Document{Title: evil, Query: evil, Channel: &Channel{Slug: "s", Title: evil}, Session: &Session{Title: evil},
		Messages: []Message{{ID: 1, Author: evil, Body: evil, Tags: []string{"t"}}}}
	if err := WriteMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	out := strings.NewReplacer(`\[`, "", `\]`, "").Replace(b.String())
	for _, bad := range []string{"<script", "](javascript:", "](http://t/p.png)"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown carries %q:\n%s", bad, b.String())
		}
	}
	if n := strings.Count(b.String(), `&lt;script&gt;x&lt;/script&gt; \[a\](javascript:alert(1))`); n != 6 {
		t.Errorf("escaped text %d times, want 6 (title, channel, session, search, author, body):\n%s", n, b.String())
	}
}

func TestCSVSafeRoundTrip(t *testing.T) {
	for _, s := range []string{"=1+2", "+1", "-x", "@SUM(1)", "\tx", "plain", "'quoted", ""} {
		if got := CSVUnsafe(CSVSafe(s)); got != s {
			t.Errorf("CSVUnsafe(CSVSafe(%q)) = %q", s, got)
		}
	}
}
