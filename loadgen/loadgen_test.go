package loadgen

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"backchannel/model"
)

var end = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func all(t *testing.T, p *Plan) []Message {
	t.Helper()
	var out []Message
	for i := range p.Sessions {
		out = append(out, p.SessionMessages(i)...)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 7, Messages: 3000, Channels: 5, End: end}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans of the same config differ")
	}
	ma, mb := all(t, a), all(t, b)
	if !reflect.DeepEqual(ma, mb) {
		t.Fatal("two runs of the same config make different messages")
	}
	// A session comes out the same whatever was made before it.
	last := len(a.Sessions) - 1
	if got := b.SessionMessages(last); !reflect.DeepEqual(got, a.SessionMessages(last)) {
		t.Error("a session made on its own differs")
	}
	cfg.Seed = 8
	c, _ := New(cfg)
	if mc := all(t, c); reflect.DeepEqual(ma[0].Body, mc[0].Body) && reflect.DeepEqual(ma[1].Body, mc[1].Body) {
		t.Error("another seed makes the same messages")
	}
}

func TestShape(t *testing.T) {
	cfg := Config{Seed: 1, Messages: 20000, Channels: 12, End: end}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ms := all(t, p)
	if len(ms) != cfg.Messages {
		t.Fatalf("%d messages, want %d", len(ms), cfg.Messages)
	}
	slugs := map[string]bool{}
	for _, c := range p.Channels {
		if slugs[c.Slug] {
			t.Errorf("slug %s twice", c.Slug)
		}
		slugs[c.Slug] = true
		if _, ok := Vocabulary(c.Slug); !ok {
			t.Errorf("slug %s names no subject", c.Slug)
		}
	}
	if !slugs["physics-101"] || !slugs["chem-101"] {
		t.Errorf("slugs %v lack physics-101 and chem-101", slugs)
	}
	for i, s := range p.Sessions {
		if d := s.End.Sub(s.Start); d < time.Hour || d > 2*time.Hour {
			t.Errorf("session %d lasts %s, want 1 to 2 h", i, d)
		}
		if !s.End.Before(end) || s.Start.Before(end.AddDate(0, 0, -7*52)) {
			t.Errorf("session %d at %s, outside the past year before %s", i, s.Start, end)
		}
		if i > 0 && s.Start.Before(p.Sessions[i-1].Start) {
			t.Errorf("session %d starts before session %d", i, i-1)
		}
	}
	var replies, questions, votes, answered, held, hidden, tagged int
	perAuthor := map[int]int{}
	for i, m := range ms {
		if m.Index != i {
			t.Fatalf("message %d has index %d", i, m.Index)
		}
		s := p.Sessions[m.Session]
		if m.CreatedAt.Before(s.Start) || m.CreatedAt.After(s.End) {
			t.Errorf("message %d at %s outside its session %s–%s", i, m.CreatedAt, s.Start, s.End)
		}
		if n := len(strings.Fields(m.Body)); n < 5 || n > 62 {
			t.Errorf("message %d has %d words: %q", i, n, m.Body)
		}
		perAuthor[m.Author]++
		if m.Parent >= 0 {
			replies++
			par := ms[m.Parent]
			if par.Parent != -1 || par.Session != m.Session || m.Parent >= i || m.Kind != model.KindComment {
				t.Errorf("message %d replies to %d (%+v), want an earlier top-level message of its session", i, m.Parent, par)
			}
		}
		if m.Kind == model.KindQuestion {
			questions++
			votes += m.VoteCount
			if m.Answered {
				answered++
			}
			if !strings.HasSuffix(m.Body, "?") && !strings.Contains(m.Body, "https://") {
				t.Errorf("question %d does not end with a question mark: %q", i, m.Body)
			}
		}
		if len(m.Voters) != m.VoteCount {
			t.Errorf("message %d: %d voters, vote count %d", i, len(m.Voters), m.VoteCount)
		}
		switch m.State {
		case model.StateHeld:
			held++
		case model.StateHidden:
			hidden++
		}
		if len(m.Tags) > 0 {
			tagged++
		}
	}
	replyCount := map[int]int{}
	for _, m := range ms {
		if m.Parent >= 0 {
			replyCount[m.Parent]++
		}
	}
	for i, m := range ms {
		if m.ReplyCount != replyCount[i] {
			t.Errorf("message %d reply count %d, has %d replies", i, m.ReplyCount, replyCount[i])
		}
	}
	share := func(n int) float64 { return float64(n) / float64(len(ms)) }
	check := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s = %.3f, want %.3f to %.3f", what, got, lo, hi)
		}
	}
	check("replies", share(replies), 0.2, 0.35)
	check("questions", share(questions), 0.12, 0.25)
	check("held", share(held), 0.005, 0.03)
	check("hidden", share(hidden), 0.003, 0.02)
	check("tagged", share(tagged), 0.01, 0.04)
	check("answered of questions", float64(answered)/float64(questions), 0.3, 0.7)
	check("votes per question", float64(votes)/float64(questions), 0.5, 10)
	// Zipf-like activity: the busiest tenth of the authors write a large
	// share of the messages.
	counts := make([]int, 0, len(perAuthor))
	for _, n := range perAuthor {
		counts = append(counts, n)
	}
	top := 0
	for _, n := range topN(counts, len(counts)/10) {
		top += n
	}
	check("messages by the busiest tenth of authors", share(top), 0.2, 0.95) // 0.1 if even
}

func topN(xs []int, n int) []int {
	s := append([]int(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] > s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[:n]
}

func TestQueryText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		q := QueryText(r, "physics-101")
		w := strings.Fields(q)
		if len(w) != 2 || w[0] == w[1] {
			t.Fatalf("query %q is not two different words", q)
		}
		topic, _ := Vocabulary("physics-101")
		for _, x := range w {
			if !contains(topic, x) {
				t.Errorf("query word %q is not a physics word", x)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		total   int
		weights []float64
	}{{10, []float64{1, 1, 1}}, {0, []float64{1, 2}}, {1000003, []float64{3, 1, 0.5, 0.25}}, {2, []float64{1, 1, 1, 1}}} {
		got := split(tc.total, tc.weights)
		sum := 0
		for _, n := range got {
			sum += n
		}
		if sum != tc.total {
			t.Errorf("split(%d, %v) = %v, sums to %d", tc.total, tc.weights, got, sum)
		}
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Messages: 10, Channels: 0, End: end},
		{Messages: -1, Channels: 1, End: end},
		{Messages: 10, Channels: 1},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}
