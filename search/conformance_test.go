package search_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"backchannel/search"
)

// The conformance suite: the same documents and queries on every engine, each
// checked against expectations written here by hand.
//
// The words of the documents are chosen so that Meilisearch's typo
// tolerance, word splitting and word joining find nothing more than exact
// matching does: no two words (or a word and the start of another) are a typo
// apart, and no word is two others joined.

// confT0 is the time the documents' minutes count from.
var confT0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func confAt(minute int) int64 { return confT0.Add(time.Duration(minute) * time.Minute).UnixMilli() }

type confAuthor struct{ key, name string }

var (
	ada    = confAuthor{"u:1", "Ada Lovelace"}
	jose   = confAuthor{"u:2", "José Núñez"}
	grace  = confAuthor{"u:3", "Grace Hopper"}
	kwame  = confAuthor{"g:4", "Kwame Mensah"}
	anon7  = confAuthor{"g:7", "Anonymous"}
	anon8  = confAuthor{"g:8", "Anonymous"}
	chans  = map[int64]string{1: "quantum-lecture", 2: "roman-history", 3: "bee-keeping"}
	allOf3 = []search.Scope{{ChannelIDs: []int64{1, 2, 3}}}
)

// confDoc builds a document; thread 0 means the message starts its thread.
func confDoc(id, channel, session, thread int64, a confAuthor, kind, state string, answered bool, tags []string, body string, minute, votes int) search.Doc {
	if thread == 0 {
		thread = id
	}
	return search.Doc{ID: id, ChannelID: channel, Channel: chans[channel], SessionID: session, ThreadID: thread,
		AuthorKey: a.key, Author: a.name, AuthorFilter: search.FoldName(a.name), Kind: kind, State: state,
		Answered: answered, Tags: tags, Body: body, CreatedAt: confAt(minute), Votes: votes}
}

const (
	cmt = "comment"
	qst = "question"
	vis = "visible"
)

// withFiles gives d attachments: names, and whether one is an image.
func withFiles(d search.Doc, image bool, names ...string) search.Doc {
	d.Files, d.HasFile, d.HasImage = names, true, image
	return d
}

// confDocs are the 30 documents of the suite.
func confDocs() []search.Doc {
	return []search.Doc{
		// quantum-lecture: sessions 11 and 12
		confDoc(1, 1, 11, 0, ada, qst, vis, true, []string{"follow-up"}, "Why does entanglement survive measurement?", 10, 5),
		confDoc(2, 1, 11, 1, jose, cmt, vis, false, nil, "Entanglement is subtle; physics textbooks disagree.", 12, 0),
		withFiles(confDoc(3, 1, 11, 0, grace, qst, vis, false, []string{"exam"}, "Will the exam cover spin operators?", 15, 9), false, "week3-slides.pdf"),
		confDoc(4, 1, 11, 0, anon7, cmt, "held", false, nil, "Spin is just angular momentum", 16, 0),
		confDoc(5, 1, 12, 0, kwame, qst, vis, true, []string{"exam", "follow-up"}, "Is the exam open book?", 20, 3),
		confDoc(6, 1, 12, 0, ada, cmt, "hidden", false, nil, "Buy cheap watches here", 21, 0),
		confDoc(7, 1, 12, 5, jose, cmt, vis, false, nil, "Yes, open book but no laptops.", 25, 1),
		confDoc(8, 1, 12, 0, grace, cmt, vis, false, []string{"physics"}, "Ursprünglich war das Experiment anders.", 30, 2),
		// roman-history: session 21
		confDoc(9, 2, 21, 0, jose, qst, vis, false, []string{"exam"}, "When did the aqueduct open?", 11, 7),
		confDoc(10, 2, 21, 9, ada, cmt, vis, false, nil, "The aqueduct carried water across valleys.", 13, 2),
		confDoc(11, 2, 21, 0, kwame, cmt, vis, false, []string{"sources"}, "Livy describes the senate debates.", 17, 4),
		confDoc(12, 2, 21, 0, grace, qst, vis, true, []string{"sources", "follow-up"}, "Which sources mention the aqueduct builders?", 22, 6),
		confDoc(13, 2, 21, 0, anon8, cmt, vis, false, nil, "Caesar crossed the Rubicon river", 26, 0),
		confDoc(14, 2, 21, 0, jose, cmt, "deleted", false, nil, "Old remark about gladiators", 28, 0),
		// bee-keeping: session 31
		confDoc(15, 3, 31, 0, kwame, qst, vis, false, []string{"equipment"}, "Which smoker works best for hives?", 14, 8),
		confDoc(16, 3, 31, 0, ada, cmt, vis, false, nil, "Honey harvest starts in August.", 18, 1),
		confDoc(17, 3, 31, 0, jose, cmt, vis, false, []string{"equipment"}, "My smoker is from Zürich, works great", 23, 3),
		withFiles(confDoc(18, 3, 31, 0, grace, cmt, "held", false, nil, "Queen cells appeared yesterday", 27, 0), true, "queen_cells.jpg"),
		confDoc(19, 3, 31, 0, ada, qst, vis, true, nil, "How often should hives be inspected?", 29, 2),
		confDoc(20, 3, 31, 0, kwame, cmt, vis, false, nil, "Physics of honeycomb geometry is neat", 31, 0),
		// more of each
		confDoc(21, 1, 11, 0, ada, cmt, vis, false, nil, "Coffee after class anyone?", 32, 0),
		confDoc(22, 2, 21, 0, grace, cmt, vis, false, nil, "Naïve reading of Livy misses irony", 33, 1),
		confDoc(23, 3, 31, 0, jose, qst, vis, false, []string{"follow-up"}, "Do bees sting in winter?", 34, 4),
		withFiles(confDoc(24, 1, 12, 0, kwame, cmt, vis, false, nil, "Photons behave strangely", 35, 0), true, "Lab notes.txt", "whiteboard.png"),
		confDoc(25, 2, 21, 0, ada, cmt, vis, false, nil, "Senate records survive in fragments", 36, 0),
		confDoc(26, 3, 31, 0, grace, cmt, vis, false, nil, "Winter feeding keeps the colony alive", 37, 0),
		confDoc(27, 1, 11, 0, jose, cmt, vis, false, nil, "Measurement collapses the wavefunction", 38, 0),
		confDoc(28, 2, 21, 0, kwame, qst, vis, false, nil, "Gladiators fought in the Colosseum?", 39, 5),
		confDoc(29, 3, 31, 0, ada, cmt, "shadow", false, nil, "Smoker fuel: pine needles", 40, 0),
		confDoc(30, 1, 12, 0, grace, qst, vis, false, []string{"exam"}, "Exam date moved to Friday", 41, 9),
	}
}

// confCase is a query and the ids it must find.
type confCase struct {
	name string
	q    search.Query // Scopes default to every channel unless noScopes
	// noScopes keeps Scopes as written (nil included).
	noScopes bool
	want     []int64
	// anyOrder compares want as a set (relevance orders differ between
	// engines; only time and votes orders are the same everywhere).
	anyOrder bool
	// total is the expected Total when it is not len(want).
	total int
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func confCases() []confCase {
	newest := search.SortNewest
	questions := []string{qst}
	return []confCase{
		// words
		{name: "word", q: search.Query{Text: "entanglement", Sort: newest}, want: []int64{2, 1}},
		{name: "word upper case", q: search.Query{Text: "ENTANGLEMENT", Sort: newest}, want: []int64{2, 1}},
		{name: "word with punctuation", q: search.Query{Text: "  Entanglement?! ", Sort: newest}, want: []int64{2, 1}},
		{name: "word in body and tags", q: search.Query{Text: "exam", Sort: newest}, want: []int64{30, 5, 3, 9}},
		{name: "word in body or tag", q: search.Query{Text: "sources", Sort: newest}, want: []int64{12, 11}},
		{name: "all words must match", q: search.Query{Text: "survive senate", Sort: newest}, want: []int64{25}},
		{name: "all words in any order", q: search.Query{Text: "builders aqueduct", Sort: newest}, want: []int64{12}},
		{name: "one word missing", q: search.Query{Text: "entanglement xylophone", Sort: newest}},
		{name: "unknown word", q: search.Query{Text: "xylophone"}},
		{name: "prefix of last word", q: search.Query{Text: "phys", Sort: newest}, want: []int64{20, 8, 2}},
		{name: "prefix of last word after a whole word", q: search.Query{Text: "honey harv", Sort: newest}, want: []int64{16}},
		{name: "only the last word is a prefix", q: search.Query{Text: "honey", Sort: newest}, want: []int64{20, 16}},
		{name: "earlier words are whole", q: search.Query{Text: "honey harvest", Sort: newest}, want: []int64{16}},
		{name: "diacritics in the author", q: search.Query{Text: "jose", Sort: newest}, want: []int64{27, 23, 14, 7, 17, 2, 9}},
		{name: "diacritics in the author surname", q: search.Query{Text: "NUNEZ", Sort: newest}, want: []int64{27, 23, 14, 7, 17, 2, 9}},
		{name: "diacritics typed", q: search.Query{Text: "José Núñez smoker", Sort: newest}, want: []int64{17}},
		{name: "diacritics in the body", q: search.Query{Text: "URSPRUNGLICH", Sort: newest}, want: []int64{8}},
		{name: "diacritics in the body 2", q: search.Query{Text: "zurich", Sort: newest}, want: []int64{17}},
		{name: "diacritics in the body 3", q: search.Query{Text: "naive", Sort: newest}, want: []int64{22}},
		{name: "word in the channel", q: search.Query{Text: "quantum", Sort: newest}, want: []int64{30, 27, 24, 21, 8, 7, 6, 5, 4, 3, 2, 1}},
		{name: "word in a tag", q: search.Query{Text: "follow", Sort: newest}, want: []int64{23, 12, 5, 1}},
		{name: "words in author and body", q: search.Query{Text: "grace exam", Sort: newest}, want: []int64{30, 3}},
		{name: "words in author and channel", q: search.Query{Text: "hopper roman", Sort: newest}, want: []int64{22, 12}},
		{name: "relevance finds the same set", q: search.Query{Text: "aqueduct", Sort: search.SortRelevance}, want: []int64{9, 10, 12}, anyOrder: true},
		{name: "default sort finds the same set", q: search.Query{Text: "smoker"}, want: []int64{15, 17, 29}, anyOrder: true},
		{name: "word in a file name", q: search.Query{Text: "slides", Sort: newest}, want: []int64{3}},
		{name: "prefix of a file name word", q: search.Query{Text: "slid", Sort: newest}, want: []int64{3}},
		{name: "file name extension", q: search.Query{Text: "PDF", Sort: newest}, want: []int64{3}},
		{name: "second file's name", q: search.Query{Text: "whiteboard", Sort: newest}, want: []int64{24}},
		{name: "words in body and file name", q: search.Query{Text: "photons notes", Sort: newest}, want: []int64{24}},
		{name: "words in file name and body", q: search.Query{Text: "slides spin", Sort: newest}, want: []int64{3}},

		// filters
		{name: "no scopes finds nothing", q: search.Query{Text: "exam"}, noScopes: true},
		{name: "no scopes finds nothing without text", noScopes: true},
		{name: "scopes are ORed", noScopes: true, q: search.Query{Sort: newest, Scopes: []search.Scope{
			{ChannelIDs: []int64{1}, States: []string{vis}}, {ChannelIDs: []int64{3}}}},
			want: []int64{30, 29, 27, 26, 24, 23, 21, 20, 8, 19, 18, 7, 17, 5, 16, 3, 15, 2, 1}},
		{name: "scope states", noScopes: true, q: search.Query{Sort: newest, Scopes: []search.Scope{
			{ChannelIDs: []int64{1, 2, 3}, States: []string{"held", "deleted"}}}}, want: []int64{14, 18, 4}},
		{name: "channel filter", q: search.Query{Sort: newest, ChannelIDs: []int64{2}}, want: []int64{28, 25, 22, 14, 13, 12, 11, 10, 9}},
		{name: "channel filter outside the scopes", noScopes: true, q: search.Query{Scopes: []search.Scope{{ChannelIDs: []int64{2}}}, ChannelIDs: []int64{1}}},
		{name: "channel filter with text", q: search.Query{Text: "exam", Sort: newest, ChannelIDs: []int64{1}}, want: []int64{30, 5, 3}},
		{name: "session", q: search.Query{Sort: newest, SessionID: 12}, want: []int64{30, 24, 8, 7, 6, 5}},
		{name: "thread", q: search.Query{Sort: newest, ThreadID: 5}, want: []int64{7, 5}},
		{name: "thread with text", q: search.Query{Text: "entanglement", Sort: newest, ThreadID: 1}, want: []int64{2, 1}},
		{name: "author", q: search.Query{Sort: newest, Authors: []string{"jose nunez"}}, want: []int64{27, 23, 14, 7, 17, 2, 9}},
		{name: "authors", q: search.Query{Sort: newest, Authors: []string{"ada lovelace", "kwame mensah"}},
			want: []int64{29, 28, 25, 24, 21, 20, 19, 6, 5, 16, 11, 15, 10, 1}},
		{name: "anonymous author", q: search.Query{Sort: newest, Authors: []string{"anonymous"}}, want: []int64{13, 4}},
		{name: "author key", q: search.Query{Sort: newest, AuthorKey: "g:7"}, want: []int64{4}},
		{name: "author key with text", q: search.Query{Text: "smoker", Sort: newest, AuthorKey: "u:1"}, want: []int64{29}},
		{name: "kind", q: search.Query{Sort: newest, Kinds: questions}, want: []int64{30, 28, 23, 19, 12, 5, 3, 15, 9, 1}},
		{name: "tag", q: search.Query{Sort: newest, Tags: []string{"follow-up"}}, want: []int64{23, 12, 5, 1}},
		{name: "tags are all required", q: search.Query{Sort: newest, Tags: []string{"exam", "follow-up"}}, want: []int64{5}},
		{name: "tags are all required 2", q: search.Query{Sort: newest, Tags: []string{"follow-up", "sources"}}, want: []int64{12}},
		{name: "tags with no doc", q: search.Query{Tags: []string{"exam", "sources"}}},
		{name: "tag with text", q: search.Query{Text: "aqueduct", Sort: newest, Tags: []string{"exam"}}, want: []int64{9}},
		{name: "state", q: search.Query{Sort: newest, States: []string{"held"}}, want: []int64{18, 4}},
		{name: "states with text", q: search.Query{Text: "smoker", Sort: newest, States: []string{vis}}, want: []int64{17, 15}},
		{name: "answered", q: search.Query{Sort: newest, Answered: yes()}, want: []int64{19, 12, 5, 1}},
		{name: "unanswered questions", q: search.Query{Sort: newest, Answered: no(), Kinds: questions}, want: []int64{30, 28, 23, 3, 15, 9}},
		{name: "after and before", q: search.Query{Sort: newest, After: confT0.Add(20 * time.Minute), Before: confT0.Add(26 * time.Minute)},
			want: []int64{7, 17, 12, 6, 5}},
		{name: "after", q: search.Query{Sort: newest, After: confT0.Add(39 * time.Minute)}, want: []int64{30, 29, 28}},
		{name: "before", q: search.Query{Sort: newest, Before: confT0.Add(12 * time.Minute)}, want: []int64{9, 1}},
		{name: "has file", q: search.Query{Sort: newest, HasFile: true}, want: []int64{24, 18, 3}},
		{name: "has image", q: search.Query{Sort: newest, HasImage: true}, want: []int64{24, 18}},
		{name: "has file and image", q: search.Query{Sort: newest, HasFile: true, HasImage: true}, want: []int64{24, 18}},
		{name: "has image in visible scope", noScopes: true, q: search.Query{Sort: newest, HasImage: true,
			Scopes: []search.Scope{{ChannelIDs: []int64{1, 2, 3}, States: []string{vis}}}}, want: []int64{24}},
		{name: "has file with text", q: search.Query{Text: "exam", Sort: newest, HasFile: true}, want: []int64{3}},
		{name: "has image with text in no image", q: search.Query{Text: "slides", HasImage: true}},
		{name: "has file in a channel without files", q: search.Query{ChannelIDs: []int64{2}, HasFile: true}},
		{name: "every filter at once", q: search.Query{Text: "exam", Sort: newest, ChannelIDs: []int64{1}, SessionID: 12,
			Authors: []string{"kwame mensah"}, AuthorKey: "g:4", Kinds: questions, Tags: []string{"follow-up"}, States: []string{vis},
			Answered: yes(), After: confT0, Before: confT0.Add(time.Hour)}, want: []int64{5}},

		// sorting and paging
		{name: "sort newest", q: search.Query{Sort: newest, Kinds: questions}, want: []int64{30, 28, 23, 19, 12, 5, 3, 15, 9, 1}},
		{name: "sort oldest", q: search.Query{Sort: search.SortOldest, Kinds: questions}, want: []int64{1, 9, 15, 3, 5, 12, 19, 23, 28, 30}},
		{name: "sort votes", q: search.Query{Sort: search.SortVotes, Kinds: questions}, want: []int64{30, 3, 15, 9, 12, 28, 1, 23, 5, 19}},
		{name: "sort votes with text", q: search.Query{Text: "exam", Sort: search.SortVotes}, want: []int64{30, 3, 9, 5}},
		{name: "relevance without text is newest", q: search.Query{Sort: search.SortRelevance, Kinds: questions}, want: []int64{30, 28, 23, 19, 12, 5, 3, 15, 9, 1}},
		{name: "default sort without text is newest", q: search.Query{Kinds: questions}, want: []int64{30, 28, 23, 19, 12, 5, 3, 15, 9, 1}},
		{name: "page 1", q: search.Query{Sort: newest, Kinds: questions, Limit: 3}, want: []int64{30, 28, 23}, total: 10},
		{name: "page 2", q: search.Query{Sort: newest, Kinds: questions, Limit: 3, Offset: 3}, want: []int64{19, 12, 5}, total: 10},
		{name: "last page", q: search.Query{Sort: newest, Kinds: questions, Limit: 3, Offset: 9}, want: []int64{1}, total: 10},
		{name: "past the end", q: search.Query{Sort: newest, Kinds: questions, Limit: 3, Offset: 12}, total: 10},
		{name: "page with text", q: search.Query{Text: "quantum", Sort: search.SortOldest, Limit: 4, Offset: 4}, want: []int64{5, 6, 7, 8}, total: 12},
		{name: "default limit is 20", q: search.Query{Sort: search.SortOldest},
			want: []int64{1, 9, 2, 10, 15, 3, 4, 11, 16, 5, 6, 12, 17, 7, 13, 18, 14, 19, 8, 20}, total: 30},
	}
}

// loadConf writes the suite's documents into e.
func loadConf(t *testing.T, e search.Engine) {
	t.Helper()
	if err := e.Upsert(context.Background(), confDocs()); err != nil {
		t.Fatalf("upsert: %v", err)
	}
}

func search1(t *testing.T, e search.Engine, q search.Query) *search.Result {
	t.Helper()
	res, err := e.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	if res.Engine != e.Name() {
		t.Errorf("engine = %q, want %q", res.Engine, e.Name())
	}
	return res
}

func hitIDs(res *search.Result) []int64 {
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func TestConformanceQueries(t *testing.T) {
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			loadConf(t, ne.engine)
			for _, c := range confCases() {
				t.Run(c.name, func(t *testing.T) {
					q := c.q
					if !c.noScopes {
						q.Scopes = allOf3
					}
					res := search1(t, ne.engine, q)
					got := hitIDs(res)
					want := c.want
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
					if res.Facets != nil {
						t.Errorf("facets = %+v without asking", res.Facets)
					}
					// Asking for facets changes neither the page nor the total.
					q.Facets = true
					fres := search1(t, ne.engine, q)
					if fgot := hitIDs(fres); !slices.Equal(fgot, hitIDs(res)) || fres.Total != res.Total {
						t.Errorf("with facets: hits %v total %d; without: hits %v total %d", fgot, fres.Total, hitIDs(res), res.Total)
					}
				})
			}
		})
	}
}

// TestConformanceDocs checks that hits carry the documents as written.
func TestConformanceDocs(t *testing.T) {
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			loadConf(t, ne.engine)
			res := search1(t, ne.engine, search.Query{Scopes: allOf3, Sort: search.SortOldest, Limit: 100})
			if res.Total != 30 || len(res.Hits) != 30 {
				t.Fatalf("total %d, %d hits; want 30", res.Total, len(res.Hits))
			}
			want := map[int64]search.Doc{}
			for _, d := range confDocs() {
				if d.Tags == nil {
					d.Tags = []string{}
				}
				if d.Files == nil {
					d.Files = []string{}
				}
				want[d.ID] = d
			}
			for _, h := range res.Hits {
				got := h.Doc
				if got.Tags == nil {
					got.Tags = []string{}
				}
				if got.Files == nil {
					got.Files = []string{}
				}
				if !reflect.DeepEqual(got, want[h.ID]) {
					t.Errorf("doc %d:\n got %+v\nwant %+v", h.ID, got, want[h.ID])
				}
				if len(h.Matches) != 0 {
					t.Errorf("doc %d: matches %v without text", h.ID, h.Matches)
				}
			}
		})
	}
}

func TestConformanceMatches(t *testing.T) {
	cases := []struct {
		text string
		id   int64
		want []search.Span
	}{
		{"entanglement", 2, []search.Span{{0, 12}}},
		{"phys", 2, []search.Span{{24, 31}}},
		{"zurich", 17, []search.Span{{18, 25}}},
		{"URSPRUNGLICH", 8, []search.Span{{0, 13}}},
		{"aqueduct builders", 12, []search.Span{{26, 34}, {35, 43}}},
		{"honey", 20, []search.Span{{11, 20}}}, // honeycomb, by prefix
		{"jose", 2, nil},                       // matched the author only
		{"slides", 3, nil},                     // matched a file name only
	}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			loadConf(t, ne.engine)
			for _, c := range cases {
				t.Run(c.text, func(t *testing.T) {
					res := search1(t, ne.engine, search.Query{Text: c.text, Scopes: allOf3, Limit: 100})
					for _, h := range res.Hits {
						if h.ID != c.id {
							continue
						}
						if len(h.Matches) != len(c.want) || (len(c.want) > 0 && !reflect.DeepEqual(h.Matches, c.want)) {
							t.Errorf("matches = %v, want %v", h.Matches, c.want)
						}
						for _, s := range h.Matches {
							if w := search.Words(h.Body[s.Start:s.End]); len(w) != 1 {
								t.Errorf("span %v covers %q, not one word", s, h.Body[s.Start:s.End])
							}
						}
						return
					}
					t.Errorf("doc %d not found (hits %v)", c.id, hitIDs(res))
				})
			}
		})
	}
}

func TestConformanceFacets(t *testing.T) {
	empty := search.Facets{Tags: map[string]int{}, Channels: map[string]int{}, Authors: map[string]int{}}
	cases := []struct {
		name string
		q    search.Query
		want search.Facets
	}{
		{"word", search.Query{Text: "exam", Limit: 1}, search.Facets{
			Tags:     map[string]int{"exam": 4, "follow-up": 1},
			Channels: map[string]int{"quantum-lecture": 3, "roman-history": 1},
			Authors:  map[string]int{"Grace Hopper": 2, "Kwame Mensah": 1, "José Núñez": 1},
		}},
		{"filter without text", search.Query{Kinds: []string{qst}, Answered: yes()}, search.Facets{
			Tags:     map[string]int{"follow-up": 3, "exam": 1, "sources": 1},
			Channels: map[string]int{"quantum-lecture": 2, "roman-history": 1, "bee-keeping": 1},
			Authors:  map[string]int{"Ada Lovelace": 2, "Kwame Mensah": 1, "Grace Hopper": 1},
		}},
		{"every document", search.Query{Limit: 2, Offset: 5}, search.Facets{
			Tags:     map[string]int{"follow-up": 4, "exam": 4, "sources": 2, "equipment": 2, "physics": 1},
			Channels: map[string]int{"quantum-lecture": 12, "roman-history": 9, "bee-keeping": 9},
			Authors:  map[string]int{"Ada Lovelace": 8, "José Núñez": 7, "Grace Hopper": 7, "Kwame Mensah": 6, "Anonymous": 2},
		}},
		{"past the last page", search.Query{Limit: 10, Offset: 40}, search.Facets{
			Tags:     map[string]int{"follow-up": 4, "exam": 4, "sources": 2, "equipment": 2, "physics": 1},
			Channels: map[string]int{"quantum-lecture": 12, "roman-history": 9, "bee-keeping": 9},
			Authors:  map[string]int{"Ada Lovelace": 8, "José Núñez": 7, "Grace Hopper": 7, "Kwame Mensah": 6, "Anonymous": 2},
		}},
		{"no match", search.Query{Text: "xylophone"}, empty},
	}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			loadConf(t, ne.engine)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					q := c.q
					q.Scopes, q.Facets = allOf3, true
					res := search1(t, ne.engine, q)
					if res.Facets == nil {
						t.Fatal("no facets")
					}
					if res.Facets.Tags == nil || res.Facets.Channels == nil || res.Facets.Authors == nil {
						t.Errorf("nil facet map: %+v", res.Facets)
					}
					if !reflect.DeepEqual(facetsOrEmpty(*res.Facets), c.want) {
						t.Errorf("facets:\n got %+v\nwant %+v", *res.Facets, c.want)
					}
					// Every match is in one channel: the total is their sum.
					sum := 0
					for _, n := range c.want.Channels {
						sum += n
					}
					if res.Total != sum {
						t.Errorf("total = %d, want %d", res.Total, sum)
					}
				})
			}
		})
	}
}

func facetsOrEmpty(f search.Facets) search.Facets {
	for _, m := range []*map[string]int{&f.Tags, &f.Channels, &f.Authors} {
		if *m == nil {
			*m = map[string]int{}
		}
	}
	return f
}

// TestConformanceChanges checks Upsert replacing documents, Delete and Reset.
func TestConformanceChanges(t *testing.T) {
	ctx := context.Background()
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			e := ne.engine
			loadConf(t, e)
			find := func(t *testing.T, text string, tags []string, want ...int64) {
				t.Helper()
				res := search1(t, e, search.Query{Text: text, Tags: tags, Scopes: allOf3, Sort: search.SortNewest, Limit: 100})
				if got := hitIDs(res); !slices.Equal(got, want) || res.Total != len(want) {
					t.Errorf("%q tags %v: hits %v total %d, want %v", text, tags, got, res.Total, want)
				}
			}

			// Replace doc 1's body and doc 5's tags; upsert the same id twice
			// in one call (the last copy wins).
			docs := confDocs()
			d1, d5 := docs[0], docs[4]
			d1.Body = "Why does decoherence happen?"
			stale := d1
			stale.Body = "Stale copy about gravitons"
			d5.Tags = nil
			d24 := docs[23] // its files removed
			d24.Files, d24.HasFile, d24.HasImage = nil, false, false
			if err := e.Upsert(ctx, []search.Doc{stale, d5, d1, d24}); err != nil {
				t.Fatal(err)
			}
			t.Run("replaced body", func(t *testing.T) {
				find(t, "entanglement", nil, 2)
				find(t, "decoherence", nil, 1)
				find(t, "gravitons", nil)
			})
			t.Run("replaced tags", func(t *testing.T) {
				find(t, "", []string{"exam"}, 30, 3, 9)
				find(t, "", []string{"follow-up"}, 23, 12, 1)
			})
			t.Run("removed files", func(t *testing.T) {
				find(t, "whiteboard", nil)
				find(t, "photons", nil, 24)
				res := search1(t, e, search.Query{HasImage: true, Scopes: allOf3, Sort: search.SortNewest})
				if got := hitIDs(res); !slices.Equal(got, []int64{18}) {
					t.Errorf("has:image after removing doc 24's files: %v, want [18]", got)
				}
			})

			if err := e.Delete(ctx, []int64{2, 999}); err != nil {
				t.Fatal(err)
			}
			if err := e.Delete(ctx, nil); err != nil {
				t.Fatalf("delete nothing: %v", err)
			}
			t.Run("deleted", func(t *testing.T) {
				find(t, "entanglement", nil)
				find(t, "phys", nil, 20, 8)
				if res := search1(t, e, search.Query{Scopes: allOf3}); res.Total != 29 {
					t.Errorf("total %d after deleting one of 30", res.Total)
				}
			})

			if err := e.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			t.Run("reset", func(t *testing.T) {
				find(t, "", nil)
				find(t, "decoherence", nil)
			})
			if err := e.Upsert(ctx, confDocs()[:3]); err != nil {
				t.Fatal(err)
			}
			t.Run("usable after reset", func(t *testing.T) {
				find(t, "entanglement", nil, 2, 1)
			})
		})
	}
}

// TestConformanceBulk writes more documents than one batch holds.
func TestConformanceBulk(t *testing.T) {
	const n = 600
	docs := make([]search.Doc, n)
	for i := range docs {
		id := int64(1000 + i)
		docs[i] = confDoc(id, int64(1+i%3), 11, 0, ada, cmt, vis, i%2 == 0, []string{fmt.Sprintf("batch-%d", i%4)},
			"Bulk filler line number "+strings.Repeat("x", 1+i%5), i, i%7)
	}
	for _, ne := range engines(t) {
		t.Run(ne.name, func(t *testing.T) {
			if err := ne.engine.Upsert(context.Background(), docs); err != nil {
				t.Fatal(err)
			}
			res := search1(t, ne.engine, search.Query{Text: "bulk filler", Scopes: allOf3, Sort: search.SortNewest, Limit: 5, Facets: true})
			if res.Total != n || !slices.Equal(hitIDs(res), []int64{1599, 1598, 1597, 1596, 1595}) {
				t.Errorf("total %d hits %v", res.Total, hitIDs(res))
			}
			if res.Facets == nil || res.Facets.Tags["batch-0"] != n/4 || res.Facets.Channels["roman-history"] != n/3 {
				t.Errorf("facets %+v", res.Facets)
			}
			res = search1(t, ne.engine, search.Query{Scopes: allOf3, Tags: []string{"batch-1"}, Answered: yes()})
			if res.Total != 0 {
				t.Errorf("odd docs answered: total %d", res.Total)
			}
		})
	}
}
