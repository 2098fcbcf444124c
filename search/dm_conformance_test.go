package search_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"backchannel/search"
)

// The direct-message conformance suite: the same documents and queries on
// every engine's direct-message index.

// dmEngines returns the direct-message index of every engine under test,
// each fresh, empty and set up.
func dmEngines(t *testing.T) []namedDMEngine {
	t.Helper()
	var out []namedDMEngine
	for _, ne := range engines(t) {
		e := ne.engine.(search.DMProvider).DMs()
		for range 2 {
			if err := e.Setup(context.Background()); err != nil {
				t.Fatalf("%s: dm setup: %v", ne.name, err)
			}
		}
		out = append(out, namedDMEngine{name: ne.name, engine: e})
	}
	return out
}

type namedDMEngine struct {
	name   string
	engine search.DMEngine
}

// Authors of the direct messages (user ids).
const (
	dmAda   = 1
	dmJose  = 2
	dmGrace = 3
)

var dmNames = map[int64]string{dmAda: "Ada Lovelace", dmJose: "José Núñez", dmGrace: "Grace Hopper"}

func dmDoc(id, conv, author int64, body string, minute int) search.DMDoc {
	return search.DMDoc{ID: id, ConversationID: conv, AuthorID: author, Author: dmNames[author], Body: body, CreatedAt: confAt(minute),
		Files: []string{}}
}

// dmWithFiles is d carrying files named names (the first flag an image).
func dmWithFiles(d search.DMDoc, image bool, names ...string) search.DMDoc {
	d.Files, d.HasFile, d.HasImage = names, true, image
	return d
}

// dmDocs are the suite's direct messages in three conversations.
func dmDocs() []search.DMDoc {
	return []search.DMDoc{
		dmDoc(1, 1, dmAda, "Shall we meet before the quantum lecture?", 1),
		dmDoc(2, 1, dmJose, "Yes, coffee at the library café", 2),
		dmDoc(3, 1, dmAda, "Bring the entanglement notes", 3),
		dmWithFiles(dmDoc(4, 2, dmGrace, "Secret plans for the aqueduct quiz", 4), false, "aqueduct-plan.pdf"),
		dmDoc(5, 2, dmAda, "The quiz covers bridges too", 5),
		dmDoc(6, 3, dmJose, "Coffee tomorrow?", 6),
		dmWithFiles(dmDoc(7, 3, dmGrace, "Entanglement again, really", 7), true, "bell-test.png", "notes.txt"),
		dmDoc(8, 1, dmJose, "Café décor is naïve", 8),
	}
}

func dmIDs(res *search.DMResult) []int64 {
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func TestDMConformanceQueries(t *testing.T) {
	newest := search.SortNewest
	all := []search.DMScope{{ConversationID: 1}, {ConversationID: 2}, {ConversationID: 3}}
	cases := []struct {
		name     string
		q        search.DMQuery
		want     []int64
		anyOrder bool
		total    int
	}{
		{name: "own conversation only", q: search.DMQuery{Text: "coffee", Scopes: []search.DMScope{{ConversationID: 1}}}, want: []int64{2}},
		{name: "two conversations", q: search.DMQuery{Text: "coffee", Sort: newest, Scopes: []search.DMScope{{ConversationID: 1}, {ConversationID: 3}}}, want: []int64{6, 2}},
		{name: "another conversation's text", q: search.DMQuery{Text: "aqueduct", Scopes: []search.DMScope{{ConversationID: 1}, {ConversationID: 3}}}},
		{name: "nothing before cleared_through", q: search.DMQuery{Text: "coffee", Scopes: []search.DMScope{{ConversationID: 1, AfterID: 2}}}},
		{name: "what follows cleared_through", q: search.DMQuery{Text: "entanglement", Scopes: []search.DMScope{{ConversationID: 1, AfterID: 2}}}, want: []int64{3}},
		{name: "cleared and whole conversations", q: search.DMQuery{Text: "entanglement", Sort: newest,
			Scopes: []search.DMScope{{ConversationID: 1, AfterID: 2}, {ConversationID: 3}}}, want: []int64{7, 3}},
		{name: "cleared through everything", q: search.DMQuery{Scopes: []search.DMScope{{ConversationID: 1, AfterID: 8}}}},
		{name: "no scopes finds nothing", q: search.DMQuery{Text: "coffee"}},
		{name: "no scopes finds nothing without text", q: search.DMQuery{}},
		{name: "author filter", q: search.DMQuery{Sort: newest, Scopes: all, AuthorIDs: []int64{dmAda}}, want: []int64{5, 3, 1}},
		{name: "author filter with text", q: search.DMQuery{Text: "coffee", Scopes: all, AuthorIDs: []int64{dmAda}}},
		{name: "author's name is text", q: search.DMQuery{Text: "nunez", Sort: newest, Scopes: all}, want: []int64{8, 6, 2}},
		{name: "diacritics in the body", q: search.DMQuery{Text: "CAFE", Sort: newest, Scopes: all}, want: []int64{8, 2}},
		{name: "diacritics in the body 2", q: search.DMQuery{Text: "naive", Scopes: all}, want: []int64{8}},
		{name: "all words must match", q: search.DMQuery{Text: "library coffee", Scopes: all}, want: []int64{2}},
		{name: "prefix of the last word", q: search.DMQuery{Text: "entang", Sort: newest, Scopes: all}, want: []int64{7, 3}},
		{name: "after and before", q: search.DMQuery{Sort: newest, Scopes: all, After: confT0.Add(3 * time.Minute), Before: confT0.Add(6 * time.Minute)}, want: []int64{5, 4, 3}},
		{name: "a file's name is text", q: search.DMQuery{Text: "bell", Scopes: all}, want: []int64{7}},
		{name: "a file's name, split at punctuation", q: search.DMQuery{Text: "aqueduct plan", Scopes: all}, want: []int64{4}},
		{name: "has:file", q: search.DMQuery{Sort: newest, Scopes: all, HasFile: true}, want: []int64{7, 4}},
		{name: "has:image", q: search.DMQuery{Sort: newest, Scopes: all, HasImage: true}, want: []int64{7}},
		{name: "has:file with text", q: search.DMQuery{Text: "quiz", Scopes: all, HasFile: true}, want: []int64{4}},
		{name: "has:file only in one's conversations", q: search.DMQuery{Scopes: []search.DMScope{{ConversationID: 1}}, HasFile: true}},
		{name: "sort oldest", q: search.DMQuery{Sort: search.SortOldest, Scopes: all, Limit: 3}, want: []int64{1, 2, 3}, total: 8},
		{name: "page", q: search.DMQuery{Sort: newest, Scopes: all, Limit: 2, Offset: 2}, want: []int64{6, 5}, total: 8},
		{name: "past the end", q: search.DMQuery{Sort: newest, Scopes: all, Limit: 2, Offset: 10}, total: 8},
		{name: "relevance finds the same set", q: search.DMQuery{Text: "quiz", Scopes: all}, want: []int64{4, 5}, anyOrder: true},
	}
	for _, ne := range dmEngines(t) {
		t.Run(ne.name, func(t *testing.T) {
			if err := ne.engine.Upsert(context.Background(), dmDocs()); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					res, err := ne.engine.Search(context.Background(), c.q)
					if err != nil {
						t.Fatal(err)
					}
					got, want := dmIDs(res), c.want
					if c.anyOrder {
						got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
					}
					if !slices.Equal(got, want) {
						t.Errorf("hits = %v, want %v", got, want)
					}
					total := c.total
					if total == 0 {
						total = len(c.want)
					}
					if res.Total != total {
						t.Errorf("total = %d, want %d", res.Total, total)
					}
					if res.Engine != ne.engine.Name() {
						t.Errorf("engine = %q", res.Engine)
					}
				})
			}
			t.Run("hits carry their files", func(t *testing.T) {
				res, err := ne.engine.Search(context.Background(), search.DMQuery{Text: "really", Scopes: all})
				if err != nil || len(res.Hits) != 1 {
					t.Fatalf("%v %+v", err, res)
				}
				if !reflect.DeepEqual(res.Hits[0].DMDoc, dmDocs()[6]) {
					t.Errorf("doc %+v, want %+v", res.Hits[0].DMDoc, dmDocs()[6])
				}
			})
			t.Run("hits carry the documents and matches", func(t *testing.T) {
				res, err := ne.engine.Search(context.Background(), search.DMQuery{Text: "library", Scopes: all})
				if err != nil || len(res.Hits) != 1 {
					t.Fatalf("%v %+v", err, res)
				}
				h := res.Hits[0]
				if !reflect.DeepEqual(h.DMDoc, dmDocs()[1]) {
					t.Errorf("doc %+v, want %+v", h.DMDoc, dmDocs()[1])
				}
				if !slices.Equal(h.Matches, []search.Span{{Start: 19, End: 26}}) {
					t.Errorf("matches %v", h.Matches)
				}
			})
			t.Run("unknown sort", func(t *testing.T) {
				if _, err := ne.engine.Search(context.Background(), search.DMQuery{Scopes: all, Sort: search.SortVotes}); err == nil {
					t.Error("sort by votes accepted")
				}
			})
		})
	}
}

// TestDMConformanceChanges checks replacing, deleting and resetting, and
// that the channel index and the direct-message index never see each
// other's documents.
func TestDMConformanceChanges(t *testing.T) {
	ctx := context.Background()
	all := []search.DMScope{{ConversationID: 1}, {ConversationID: 2}, {ConversationID: 3}}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			e := ne.engine.(search.DMProvider).DMs()
			if err := e.Setup(ctx); err != nil {
				t.Fatal(err)
			}
			loadConf(t, ne.engine)
			if err := e.Upsert(ctx, dmDocs()); err != nil {
				t.Fatal(err)
			}
			find := func(t *testing.T, text string, want ...int64) {
				t.Helper()
				res, err := e.Search(ctx, search.DMQuery{Text: text, Scopes: all, Sort: search.SortNewest})
				if err != nil {
					t.Fatal(err)
				}
				if got := dmIDs(res); !slices.Equal(got, want) || res.Total != len(want) {
					t.Errorf("%q: hits %v total %d, want %v", text, got, res.Total, want)
				}
			}
			t.Run("apart from the channel index", func(t *testing.T) {
				// "aqueduct" is in both; each index finds only its own.
				find(t, "aqueduct", 4)
				find(t, "entanglement", 7, 3)
				res := search1(t, ne.engine, search.Query{Text: "secret", Scopes: allOf3})
				if res.Total != 0 {
					t.Errorf("the channel index finds a direct message: %v", hitIDs(res))
				}
				res = search1(t, ne.engine, search.Query{Text: "aqueduct", Scopes: allOf3, Sort: search.SortNewest})
				if !slices.Equal(hitIDs(res), []int64{12, 10, 9}) {
					t.Errorf("the channel index finds %v for aqueduct", hitIDs(res))
				}
			})
			edited := dmDocs()[2]
			edited.Body = "Bring the decoherence notes"
			if err := e.Upsert(ctx, []search.DMDoc{edited}); err != nil {
				t.Fatal(err)
			}
			t.Run("replaced", func(t *testing.T) {
				find(t, "entanglement", 7)
				find(t, "decoherence", 3)
			})
			if err := e.Delete(ctx, []int64{7, 999}); err != nil {
				t.Fatal(err)
			}
			t.Run("deleted", func(t *testing.T) { find(t, "entanglement") })
			if err := e.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			t.Run("reset", func(t *testing.T) {
				find(t, "decoherence")
				if res := search1(t, ne.engine, search.Query{Text: "aqueduct", Scopes: allOf3}); res.Total != 3 {
					t.Errorf("resetting direct messages touched the channel index: %d", res.Total)
				}
			})
		})
	}
}
