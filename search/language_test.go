package search_test

import (
	"context"
	"slices"
	"testing"

	"backchannel/config"
	"backchannel/search"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Straße":         "strasse",
		"STRASSE":        "strasse",
		"GROẞ":           "gross",
		"Ｇａｌａｘｙ　１２":      "galaxy 12",
		"ﬁnal ﬂow":       "final flow",
		"Crème Brûlée":   "creme brulee",
		"Æsop Œuvre":     "aesop oeuvre",
		"Søren Łódź":     "soren lodz",
		"caf\u00e9":      "cafe",
		"cafe\u0301":     "cafe",
		"Þór ıi":         "thor ii",
		"ÅNGSTRÖM ﬃ ｆｏｏ": "angstrom ffi foo",
	} {
		if got := search.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLanguageStems(t *testing.T) {
	cases := []struct {
		lang, a, b string // a and b have the same stem
	}{
		{"english", "galaxy", "galaxies"},
		{"english", "Running", "runs"},
		{"english", "questions", "question"},
		{"german", "Häuser", "Haus"},
		{"french", "étudiants", "étudiant"},
		{"spanish", "estrellas", "estrella"},
	}
	for _, c := range cases {
		l, err := search.ParseLanguage(c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if l.Normalize(c.a) != l.Normalize(c.b) {
			t.Errorf("%s: %q → %q, %q → %q", c.lang, c.a, l.Normalize(c.a), c.b, l.Normalize(c.b))
		}
	}
	if got := search.DefaultLanguage.Stems("Galaxies, STRAẞE!"); !slices.Equal(got, []string{"galaxi", "strass"}) {
		t.Errorf("Stems = %q", got)
	}
	if _, err := search.ParseLanguage("klingon"); err == nil {
		t.Error("klingon parsed")
	}
	if !slices.Equal(search.Languages(), config.SearchLanguages()) {
		t.Errorf("search knows %v, config accepts %v", search.Languages(), config.SearchLanguages())
	}
	for _, l := range config.SearchLanguages() {
		if _, err := search.ParseLanguage(l); err != nil {
			t.Error(err)
		}
	}
}

func TestLanguageMatchSpans(t *testing.T) {
	body := "Two galaxies and a galaxy; Straße"
	got := search.DefaultLanguage.MatchSpans(body, search.Words("galaxy strasse"), false)
	want := []search.Span{{Start: 4, End: 12}, {Start: 19, End: 25}, {Start: 27, End: 34}}
	if !slices.Equal(got, want) {
		t.Errorf("spans %v, want %v", got, want)
	}
}

// The site language decides the word forms on every engine.
func TestLanguageOnEveryEngine(t *testing.T) {
	german, err := search.ParseLanguage("german")
	if err != nil {
		t.Fatal(err)
	}
	docs := []search.Doc{
		{ID: 1, ChannelID: 1, Channel: "c", ThreadID: 1, Kind: "comment", State: "visible", Body: "Die Häuser der Sterne", Tags: []string{}},
		{ID: 2, ChannelID: 1, Channel: "c", ThreadID: 2, Kind: "comment", State: "visible", Body: "Ein Haus am See", Tags: []string{}},
	}
	scope := []search.Scope{{ChannelIDs: []int64{1}}}
	for _, e := range engines(t, search.WithLanguage(german)) {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			if err := e.engine.Upsert(ctx, docs); err != nil {
				t.Fatal(err)
			}
			for q, want := range map[string][]int64{"haus": {1, 2}, "Häusern": {1, 2}, "stern": {1}} {
				res, err := e.engine.Search(ctx, search.Query{Text: q, Scopes: scope, Sort: search.SortOldest})
				if err != nil {
					t.Fatal(err)
				}
				if got := hitIDs(res); !slices.Equal(got, want) {
					t.Errorf("%q: hits %v, want %v", q, got, want)
				}
			}
		})
	}
}
