package search_test

import (
	"slices"
	"testing"

	"backchannel/search"
)

// The query language on every engine: its own small corpus, so that the
// words of the main suite stay a typo apart from nothing.

func queryDocs() []search.Doc {
	astro := func(id int64, a confAuthor, kind string, answered bool, state, body string, minute int) search.Doc {
		d := confDoc(id, 1, 11, 0, a, kind, state, answered, nil, body, minute, 0)
		d.Channel = "astro"
		return d
	}
	return []search.Doc{
		astro(101, ada, cmt, false, vis, "The black hole at the centre of our galaxy", 1),
		astro(102, jose, qst, false, vis, "Did Hubble photograph the black hole?", 2),
		astro(103, grace, cmt, false, vis, "JWST sees infrared light from early galaxies", 3),
		astro(104, kwame, cmt, false, vis, "A star collapses into a hole that is black", 4),
		astro(105, ada, qst, true, vis, "Which telescope took this picture?", 5),
		astro(106, jose, cmt, false, vis, "Hubble images every star nursery", 6),
		astro(107, grace, qst, false, "held", "Is a neutron star denser than a black hole?", 7),
		astro(108, kwame, qst, false, vis, "Photons from distant quasars", 8),
	}
}

func TestConformanceQueryLanguage(t *testing.T) {
	participant := []search.Scope{{ChannelIDs: []int64{1}, States: []string{vis}}}
	staff := []search.Scope{{ChannelIDs: []int64{1}}}
	cases := []struct {
		name   string
		text   string
		scopes []search.Scope // participant's when nil
		kinds  []string
		answer *bool
		want   []int64 // newest first
	}{
		{name: "words", text: "black hole", want: []int64{104, 102, 101}},
		{name: "phrase", text: `"black hole"`, want: []int64{102, 101}},
		{name: "phrase staff sees held", text: `"black hole"`, scopes: staff, want: []int64{107, 102, 101}},
		{name: "OR", text: "jwst OR hubble", want: []int64{106, 103, 102}},
		{name: "OR group with word", text: "(jwst OR hubble) black", want: []int64{102}},
		{name: "OR with phrase", text: `"black hole" OR jwst`, want: []int64{103, 102, 101}},
		{name: "exclusion", text: "star -black", want: []int64{106}},
		{name: "exclusion staff", text: "star -black", scopes: staff, want: []int64{106}},
		{name: "exclusion participant star", text: "star", want: []int64{106, 104}},
		{name: "phrase exclusion", text: `black -"black hole"`, want: []int64{104}},
		{name: "only exclusions", text: "-black -hubble", want: []int64{108, 105, 103}},
		{name: "prefix", text: "phot* -quasars", want: []int64{102}},
		{name: "prefix of an earlier word", text: "phot* distant", want: []int64{108}},
		{name: "unanswered questions", kinds: []string{qst}, answer: no(), text: "", want: []int64{108, 102}},
		{name: "typo one", text: "blsck hole", want: []int64{104, 102, 101}},
		{name: "typo two in a long word", text: "telascopa", want: []int64{105}},
		{name: "typos in an OR", text: "hubbke OR quasarz", want: []int64{108, 106, 102}},
		// Under 4 letters (the built-in engines' rule; Meilisearch's is 5).
		{name: "short words are not corrected", text: "hle black", want: nil},
	}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			if err := ne.engine.Upsert(t.Context(), queryDocs()); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					q := search.Query{Text: c.text, Scopes: c.scopes, Kinds: c.kinds, Answered: c.answer, Sort: search.SortNewest}
					if q.Scopes == nil {
						q.Scopes = participant
					}
					res := search1(t, ne.engine, q)
					if got := hitIDs(res); !slices.Equal(got, c.want) || res.Total != len(c.want) {
						t.Errorf("%q: hits %v total %d, want %v", c.text, got, res.Total, c.want)
					}
				})
			}
		})
	}
}

// TestConformanceCorrection checks what the built-in engines say when they
// corrected a word, and that Exact turns correction off.
func TestConformanceCorrection(t *testing.T) {
	participant := []search.Scope{{ChannelIDs: []int64{1}, States: []string{vis}}}
	for _, ne := range engines(t) {
		if ne.name == "meilisearch" {
			continue // Meilisearch matches typos itself and corrects no text
		}
		t.Run(ne.name, func(t *testing.T) {
			if err := ne.engine.Upsert(t.Context(), queryDocs()); err != nil {
				t.Fatal(err)
			}
			res := search1(t, ne.engine, search.Query{Text: "blsck hole", Scopes: participant})
			if res.CorrectedQuery != "black hole" || res.Total != 3 {
				t.Errorf("corrected %q total %d, want \"black hole\" 3", res.CorrectedQuery, res.Total)
			}
			res = search1(t, ne.engine, search.Query{Text: "blsck hole", Scopes: participant, Exact: true})
			if res.CorrectedQuery != "" || res.Total != 0 {
				t.Errorf("exact: corrected %q total %d, want none", res.CorrectedQuery, res.Total)
			}
			// A word that finds nothing is corrected even when the rest of
			// the query finds something: in each OR alternative (a word, a
			// phrase, a group, at any depth) that finds nothing; never under
			// an exclusion, and not when the corrected alternative still
			// finds nothing.
			for _, c := range []struct {
				text, corrected string
				total           int
			}{
				{"jwst OR hubbke", "jwst OR hubble", 3},
				{`jwst OR "blsck hole"`, `jwst OR "black hole"`, 3},
				{"galaxy OR (photograph (jwst OR hubbke))", "galaxy OR (photograph (jwst OR hubble))", 3},
				{"galaxy OR (black (star OR hubbke))", "galaxy OR (black (star OR hubble))", 4},
				{"jwst OR hubble -(galaxxy OR blsck)", "", 3},
				{`jwst OR "hole blsck"`, "", 1},
			} {
				res = search1(t, ne.engine, search.Query{Text: c.text, Scopes: participant})
				if res.CorrectedQuery != c.corrected || res.Total != c.total {
					t.Errorf("%q: corrected %q total %d, want %q %d", c.text, res.CorrectedQuery, res.Total, c.corrected, c.total)
				}
			}
			// One typo from 4 letters: a word is corrected only when it
			// finds nothing, so this costs no precision.
			res = search1(t, ne.engine, search.Query{Text: "blak hole", Scopes: participant})
			if res.CorrectedQuery != "black hole" || res.Total != 3 {
				t.Errorf("four letters: corrected %q total %d, want \"black hole\" 3", res.CorrectedQuery, res.Total)
			}
			res = search1(t, ne.engine, search.Query{Text: "black hole", Scopes: participant})
			if res.CorrectedQuery != "" {
				t.Errorf("nothing to correct, corrected %q", res.CorrectedQuery)
			}
			// "neutron" is only in a held message: a participant's typo is
			// not corrected to it (the vocabulary tells nobody of words
			// they cannot see); staff's is.
			res = search1(t, ne.engine, search.Query{Text: "neutrom OR quasarz", Scopes: participant})
			if res.CorrectedQuery != "neutrom OR quasars" || res.Total != 1 {
				t.Errorf("participant: corrected %q total %d, want \"neutrom OR quasars\" 1", res.CorrectedQuery, res.Total)
			}
			res = search1(t, ne.engine, search.Query{Text: "neutrom OR quasarz", Scopes: []search.Scope{{ChannelIDs: []int64{1}}}})
			if res.CorrectedQuery != "neutron OR quasars" || res.Total != 2 {
				t.Errorf("staff: corrected %q total %d, want \"neutron OR quasars\" 2", res.CorrectedQuery, res.Total)
			}
		})
	}
}

// TestConformanceHighlightQuery checks that exclusions are never marked and
// phrases and OR alternatives are.
func TestConformanceHighlightQuery(t *testing.T) {
	scope := []search.Scope{{ChannelIDs: []int64{1}}}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			if err := ne.engine.Upsert(t.Context(), queryDocs()); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				text string
				id   int64
				want []string
			}{
				{"star -black", 106, []string{"star"}},
				{"jwst OR hubble", 102, []string{"Hubble"}},
				{`"black hole" -hubble`, 101, []string{"black", "hole"}},
			} {
				res := search1(t, ne.engine, search.Query{Text: c.text, Scopes: scope, Limit: 100})
				found := false
				for _, h := range res.Hits {
					if h.ID != c.id {
						continue
					}
					found = true
					var got []string
					for _, s := range h.Matches {
						got = append(got, h.Body[s.Start:s.End])
					}
					if !slices.Equal(got, c.want) {
						t.Errorf("%q on %d marks %q, want %q", c.text, c.id, got, c.want)
					}
				}
				if !found {
					t.Errorf("%q: %d not found in %v", c.text, c.id, hitIDs(res))
				}
			}
		})
	}
}
