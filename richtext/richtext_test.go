package richtext_test

import (
	"reflect"
	"testing"

	"backchannel/richtext"
)

type P = richtext.Piece

func TestFindAndSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []P
	}{
		{"plain text", []P{{Text: "plain text"}}},
		{"see https://example.org/a?b=1 now", []P{{Text: "see "}, {Text: "https://example.org/a?b=1", URL: "https://example.org/a?b=1"}, {Text: " now"}}},
		{"www.example.org", []P{{Text: "www.example.org", URL: "https://www.example.org"}}},
		{"é example.org/x é", []P{{Text: "é "}, {Text: "example.org/x", URL: "https://example.org/x"}, {Text: " é"}}},
		{"javascript:alert(1)", []P{{Text: "javascript:alert(1)"}}},
		{"ftp://example.org/x", []P{{Text: "ftp://example.org/x"}}},
		{"mail me at ada@example.org", []P{{Text: "mail me at ada@example.org"}}},
		{`<script>alert("x")</script>`, []P{{Text: `<script>alert("x")</script>`}}},
		{"", nil},
	}
	for _, c := range cases {
		spans := richtext.Find(c.in)
		if got := richtext.Split(c.in, spans); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q, Find) = %#v, want %#v", c.in, got, c.want)
		}
		// Stored and read back, the spans split the body the same way.
		stored := richtext.Encode(spans)
		if got := richtext.Pieces(c.in, &stored); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Pieces(%q, %q) = %#v, want %#v", c.in, stored, got, c.want)
		}
		// Without stored spans the links are found afresh.
		if got := richtext.Pieces(c.in, nil); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Pieces(%q, nil) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	spans := []richtext.Span{{0, 5}, {10, 22}}
	if s := richtext.Encode(spans); s != "0-5,10-22" {
		t.Errorf("Encode = %q", s)
	}
	if got, ok := richtext.Decode("0-5,10-22"); !ok || !reflect.DeepEqual(got, spans) {
		t.Errorf("Decode = %v, %v", got, ok)
	}
	if got, ok := richtext.Decode(""); !ok || got != nil {
		t.Errorf("Decode(\"\") = %v, %v; want no spans", got, ok)
	}
	for _, bad := range []string{"x", "1-", "-2", "1-2,", "1:2"} {
		if _, ok := richtext.Decode(bad); ok {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
}

// Spans that do not fit the body never make a link of something else.
func TestSplitIgnoresStaleSpans(t *testing.T) {
	body := "héllo example.org"
	cases := []struct {
		name  string
		spans []richtext.Span
		want  []P
	}{
		{"no spans stored: text", nil, []P{{Text: body}}},
		{"right span", []richtext.Span{{7, 18}}, []P{{Text: "héllo "}, {Text: "example.org", URL: "https://example.org"}}},
		{"past the end", []richtext.Span{{7, 40}}, []P{{Text: body}}},
		{"inside a character", []richtext.Span{{2, 7}}, []P{{Text: body}}},
		{"not a link there", []richtext.Span{{0, 6}}, []P{{Text: body}}},
		{"out of order", []richtext.Span{{7, 18}, {0, 3}}, []P{{Text: "héllo "}, {Text: "example.org", URL: "https://example.org"}}},
		{"empty", []richtext.Span{{3, 3}}, []P{{Text: body}}},
	}
	for _, c := range cases {
		if got := richtext.Split(body, c.spans); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Split = %#v, want %#v", c.name, got, c.want)
		}
	}
	bad := "not spans"
	if got := richtext.Pieces(body, &bad); len(got) != 2 || got[1].URL == "" {
		t.Errorf("unreadable stored spans: %#v; want the links found afresh", got)
	}
}

func BenchmarkSplitStored(b *testing.B) {
	body := "Slides are at https://example.org/talk/slides.pdf and the code at github.com/example/demo — questions welcome!"
	stored := richtext.Encode(richtext.Find(body))
	for b.Loop() {
		richtext.Pieces(body, &stored)
	}
}

func BenchmarkFind(b *testing.B) {
	body := "Slides are at https://example.org/talk/slides.pdf and the code at github.com/example/demo — questions welcome!"
	for b.Loop() {
		richtext.Pieces(body, nil)
	}
}
