package search

import (
	"reflect"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	utc := time.UTC
	yes, no := true, false
	day := func(s string) time.Time { d, _ := time.ParseInLocation("2006-01-02", s, utc); return d }
	tests := []struct {
		q    string
		want Parsed
	}{
		{"", Parsed{}},
		{"entropy  heat", Parsed{Text: "entropy heat"}},
		{"from:alice in:physics-101 tag:follow-up is:question is:answered is:held before:2026-11-01 after:2026-10-01 entropy",
			Parsed{Text: "entropy", Authors: []string{"alice"}, Channels: []string{"physics-101"}, Tags: []string{"follow-up"},
				Kinds: []string{"question"}, Answered: &yes, States: []string{"held"}, Before: day("2026-11-01"), After: day("2026-10-01")}},
		{`from:"José Núñez" tag:"Follow Up" IN:#Physics`, Parsed{Authors: []string{"José Núñez"}, Tags: []string{"follow-up"}, Channels: []string{"physics"}}},
		{"is:unanswered tag:a tag:b tag:a", Parsed{Answered: &no, Tags: []string{"a", "b"}}},
		{"is:nonsense after:yesterday x", Parsed{Text: "x", Problems: []string{
			"is:nonsense is not known (try is:question, is:answered, is:held)",
			`after: wants a date like 2026-11-01, not "yesterday"`}}},
		{"http://example.com ratio:2 from:", Parsed{Text: "http://example.com ratio:2 from:", Problems: []string{
			"ratio: is not a search operator (they are from: in: tag: is: has: before: after:); it was searched as words."}}},
		{`jwst OR "space telescope" -"black hole" -dust in:astro (a`, Parsed{Text: `jwst OR "space telescope" -"black hole" -dust (a`,
			Channels: []string{"astro"}, Problems: []string{"A parenthesis was not closed: it was closed at the end."}}},
		{`"exact words" here`, Parsed{Text: `"exact words" here`}},
		{"slides has:file HAS:Image", Parsed{Text: "slides", HasFile: true, HasImage: true}},
		// A channel or tag that is only a # names none, like from:"".
		{`in:# tag:# from:"" physics`, Parsed{Text: "physics"}},
		{"has:attachments has:video", Parsed{HasFile: true, Problems: []string{"has:video is not known (try has:file or has:image)"}}},
	}
	for _, tt := range tests {
		if got := Parse(tt.q, utc); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.q, got, tt.want)
		}
	}
}

func TestParsedStringRoundTrip(t *testing.T) {
	for _, q := range []string{
		"entropy from:alice in:physics-101 tag:follow-up is:question is:answered is:held after:2026-10-01 before:2026-11-01",
		`from:"José Núñez" tag:x`,
		"is:unanswered",
		"slides has:file has:image",
		`"has:file" has:image`,
		`(jwst OR hubble) -"black hole" star* in:astro`,
	} {
		p := Parse(q, time.UTC)
		if again := Parse(p.String(), time.UTC); !reflect.DeepEqual(p, again) {
			t.Errorf("Parse(%q).String() = %q parses to %#v, want %#v", q, p.String(), again, p)
		}
	}
}

// TestParsedStringClosesQuote checks that a quote left open in the text
// does not take the operators written after it into its phrase.
func TestParsedStringClosesQuote(t *testing.T) {
	p := Parse(`from:ada "black hole`, time.UTC)
	s := p.String()
	if s != `"black hole" from:ada` {
		t.Errorf("String() = %q", s)
	}
	if again := Parse(s, time.UTC); !reflect.DeepEqual(again.Authors, []string{"ada"}) || again.Text != `"black hole"` {
		t.Errorf("Parse(%q) = %#v", s, again)
	}
}

func TestMatchSpansAndSegments(t *testing.T) {
	body := "Grüße! Über-Straße: physics, PHYSICAL phys"
	spans := MatchSpans(body, []string{"uber", "phys"}, true)
	var got []string
	for _, s := range spans {
		got = append(got, body[s.Start:s.End])
	}
	if want := []string{"Über", "physics", "PHYSICAL", "phys"}; !reflect.DeepEqual(got, want) {
		t.Errorf("MatchSpans = %q, want %q", got, want)
	}
	segs := Segments(body, spans)
	joined := ""
	marks := 0
	for _, s := range segs {
		joined += s.Text
		if s.Mark {
			marks++
		}
	}
	if joined != body || marks != 4 {
		t.Errorf("Segments rebuild %q with %d marks", joined, marks)
	}
	if got := MatchSpans(body, []string{"phys"}, false); len(got) != 1 {
		t.Errorf("exact phys: %d spans, want 1", len(got))
	}
}
