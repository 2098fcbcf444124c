package web

import (
	"reflect"
	"testing"

	"backchannel/views"
)

func TestSegments(t *testing.T) {
	cases := []struct {
		in   string
		want []views.Segment
	}{
		{"plain text", []views.Segment{{Text: "plain text"}}},
		{"see https://example.org/a?b=1 now", []views.Segment{{Text: "see "}, {Text: "https://example.org/a?b=1", URL: "https://example.org/a?b=1"}, {Text: " now"}}},
		{"www.example.org", []views.Segment{{Text: "www.example.org", URL: "https://www.example.org"}}},
		{"javascript:alert(1)", []views.Segment{{Text: "javascript:alert(1)"}}},
		{"ftp://example.org/x", []views.Segment{{Text: "ftp://example.org/x"}}},
		{"mail me at ada@example.org", []views.Segment{{Text: "mail me at ada@example.org"}}},
		{`<script>alert("x")</script>`, []views.Segment{{Text: `<script>alert("x")</script>`}}},
		{"", nil},
	}
	for _, c := range cases {
		if got := Segments(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Segments(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}
