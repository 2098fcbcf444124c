package search_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"backchannel/search"
	"backchannel/testenv"
)

// meiliT0 is the time meiliDoc's minutes count from.
var meiliT0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// meiliEngine returns the engine on an index of its own, set up, and a
// client of the same server; the index is deleted when the test ends.
func meiliEngine(t *testing.T) (*search.Meili, meilisearch.IndexManager) {
	t.Helper()
	url, key := testenv.Meili(t)
	name := "test_" + testenv.RandomHex(6)
	m := search.NewMeili(url, key, name)
	client := meilisearch.New(url, meilisearch.WithAPIKey(key))
	t.Cleanup(func() {
		_ = m.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if info, err := client.DeleteIndexWithContext(ctx, name); err != nil {
			t.Logf("meilisearch: delete the test index %s: %v", name, err)
		} else {
			_, _ = client.WaitForTaskWithContext(ctx, info.TaskUID, 50*time.Millisecond)
		}
		client.Close()
	})
	if err := m.Setup(meiliCtx(t)); err != nil {
		t.Fatalf("setup: %v", err)
	}
	return m, client.Index(name)
}

func meiliCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// meiliDoc is a visible comment of channel 1 by Ada, minute minutes after
// meiliT0.
func meiliDoc(id int64, body string, minute int) search.Doc {
	return search.Doc{ID: id, ChannelID: 1, Channel: "general", SessionID: 1, ThreadID: id, AuthorKey: "u:1",
		Author: "Ada Lovelace", AuthorFilter: "ada lovelace", Kind: "comment", State: "visible", Tags: []string{},
		Body: body, CreatedAt: meiliT0.Add(time.Duration(minute) * time.Minute).UnixMilli()}
}

var meiliAll = []search.Scope{{ChannelIDs: []int64{1, 2, 3}}}

func meiliUpsert(t *testing.T, m *search.Meili, docs ...search.Doc) {
	t.Helper()
	if err := m.Upsert(meiliCtx(t), docs); err != nil {
		t.Fatalf("upsert: %v", err)
	}
}

func meiliSearch(t *testing.T, m *search.Meili, q search.Query) *search.Result {
	t.Helper()
	if q.Scopes == nil {
		q.Scopes = meiliAll
	}
	res, err := m.Search(meiliCtx(t), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	if res.Engine != "meilisearch" {
		t.Errorf("engine = %q", res.Engine)
	}
	return res
}

func meiliIDs(res *search.Result) []int64 {
	ids := []int64{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestMeiliSetupAppliesSettings(t *testing.T) {
	m, idx := meiliEngine(t)
	if err := m.Setup(meiliCtx(t)); err != nil {
		t.Fatalf("setup again: %v", err)
	}
	ctx := meiliCtx(t)
	info, err := idx.FetchInfoWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.PrimaryKey != "id" {
		t.Errorf("primary key = %q", info.PrimaryKey)
	}
	s, err := idx.GetSettingsWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"stems", "text"}; !slices.Equal(s.SearchableAttributes, want) {
		t.Errorf("searchable = %v, want %v", s.SearchableAttributes, want)
	}
	for _, a := range []string{"id", "channel_id", "channel", "session_id", "thread_id", "author_key", "author_filter",
		"kind", "state", "answered", "tags", "created_at", "author", "has_file", "has_image"} {
		if !slices.Contains(s.FilterableAttributes, a) {
			t.Errorf("%s is not filterable: %v", a, s.FilterableAttributes)
		}
	}
	if got := slices.Sorted(slices.Values(s.SortableAttributes)); !slices.Equal(got, []string{"created_at", "id", "votes"}) {
		t.Errorf("sortable = %v", got)
	}
	if len(s.RankingRules) == 0 || s.RankingRules[0] != "sort" {
		t.Errorf("ranking rules = %v, want sort first", s.RankingRules)
	}
	for _, r := range []string{"words", "typo", "proximity", "boost:desc", "created_at:desc"} {
		if !slices.Contains(s.RankingRules, r) {
			t.Errorf("ranking rules %v lack %s", s.RankingRules, r)
		}
	}
	if s.Faceting == nil || s.Faceting.MaxValuesPerFacet < 200 {
		t.Errorf("faceting = %+v", s.Faceting)
	}
	if s.Pagination == nil || s.Pagination.MaxTotalHits < 1_000_000 {
		t.Errorf("pagination = %+v", s.Pagination)
	}
	if s.TypoTolerance == nil || !s.TypoTolerance.Enabled {
		t.Errorf("typo tolerance = %+v", s.TypoTolerance)
	}
}

func TestMeiliChanges(t *testing.T) {
	m, _ := meiliEngine(t)
	ctx := meiliCtx(t)
	find := func(t *testing.T, text string, want ...int64) {
		t.Helper()
		res := meiliSearch(t, m, search.Query{Text: text, Sort: search.SortNewest})
		if got := meiliIDs(res); !slices.Equal(got, append([]int64{}, want...)) || res.Total != len(want) {
			t.Errorf("%q: hits %v total %d, want %v", text, got, res.Total, want)
		}
	}
	d1, d2 := meiliDoc(1, "Photosynthesis needs light", 1), meiliDoc(2, "Chlorophyll absorbs light", 2)
	d2.Tags = []string{"biology"}
	meiliUpsert(t, m, d1, d2)
	find(t, "light", 2, 1)
	find(t, "photosynthesis", 1)

	res := meiliSearch(t, m, search.Query{Text: "chlorophyll"})
	if len(res.Hits) != 1 || !reflect.DeepEqual(res.Hits[0].Doc, d2) {
		t.Errorf("hit = %+v, want %+v", res.Hits, d2)
	}

	d1.Body, d1.Votes = "Respiration releases energy", 4
	meiliUpsert(t, m, d1)
	find(t, "photosynthesis")
	find(t, "respiration", 1)
	find(t, "light", 2)

	if err := m.Delete(ctx, []int64{2, 99}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	find(t, "light")
	find(t, "", 1)
	if err := m.Delete(ctx, nil); err != nil {
		t.Fatalf("delete nothing: %v", err)
	}

	if err := m.Reset(ctx); err != nil {
		t.Fatalf("reset: %v", err)
	}
	find(t, "")
	find(t, "respiration")
	meiliUpsert(t, m, d2)
	find(t, "light", 2) // the settings survive a reset
	if res := meiliSearch(t, m, search.Query{Tags: []string{"biology"}}); res.Total != 1 {
		t.Errorf("tag filter after reset: total %d", res.Total)
	}
}

func TestMeiliTypoTolerance(t *testing.T) {
	m, _ := meiliEngine(t)
	meiliUpsert(t, m, meiliDoc(1, "Quantum physics is hard", 1), meiliDoc(2, "Roman history", 2))
	for _, text := range []string{"physcs", "phisics", "quantm physics"} {
		if got := meiliIDs(meiliSearch(t, m, search.Query{Text: text})); !slices.Equal(got, []int64{1}) {
			t.Errorf("%q: hits %v, want [1]", text, got)
		}
	}
}

func TestMeiliRelevance(t *testing.T) {
	m, _ := meiliEngine(t)
	meiliUpsert(t, m,
		meiliDoc(1, "Orbital mechanics explained simply", 1),
		meiliDoc(2, "Mechanics of bridges, and later a remark about an orbital station", 2),
		meiliDoc(3, "Nothing relevant here", 3),
	)
	for _, sort := range []string{search.SortRelevance, ""} {
		res := meiliSearch(t, m, search.Query{Text: "orbital mechanics", Sort: sort})
		if got := meiliIDs(res); !slices.Equal(got, []int64{1, 2}) {
			t.Errorf("sort %q: hits %v, want [1 2] (adjacent words first, though older)", sort, got)
		}
	}
	// An explicit sort overrides relevance.
	if got := meiliIDs(meiliSearch(t, m, search.Query{Text: "orbital mechanics", Sort: search.SortNewest})); !slices.Equal(got, []int64{2, 1}) {
		t.Errorf("newest: hits %v, want [2 1]", got)
	}
}

func TestMeiliFilters(t *testing.T) {
	m, _ := meiliEngine(t)
	mk := func(id, channel int64, state string, tags []string, answered bool, author string, minute int) search.Doc {
		d := meiliDoc(id, fmt.Sprintf("message number %d", id), minute)
		d.ChannelID, d.State, d.Tags, d.Answered = channel, state, tags, answered
		d.Author, d.AuthorFilter, d.AuthorKey = author, search.FoldName(author), fmt.Sprintf("u:%d", id)
		return d
	}
	quoted := mk(7, 3, "visible", []string{`say "hi" \o/`}, false, `Bob "The Builder" \ Jr`, 7)
	quoted.AuthorKey = `g:"7\`
	meiliUpsert(t, m,
		mk(1, 1, "visible", []string{"a"}, true, "Ada Lovelace", 1),
		mk(2, 1, "held", []string{"a", "b"}, false, "José Núñez", 2),
		mk(3, 2, "visible", []string{"b"}, false, "Ada Lovelace", 3),
		mk(4, 2, "hidden", nil, true, "Grace Hopper", 4),
		mk(5, 3, "visible", []string{"a", "b", "c"}, false, "Grace Hopper", 5),
		mk(6, 3, "held", []string{}, false, "José Núñez", 6),
		quoted,
	)
	at := func(minute int) time.Time { return meiliT0.Add(time.Duration(minute) * time.Minute) }
	cases := []struct {
		name string
		q    search.Query
		want []int64
	}{
		{"all", search.Query{}, []int64{7, 6, 5, 4, 3, 2, 1}},
		{"no scopes", search.Query{Scopes: []search.Scope{}}, []int64{}},
		{"scope without channels", search.Query{Scopes: []search.Scope{{States: []string{"visible"}}}}, []int64{}},
		{"scopes ORed", search.Query{Scopes: []search.Scope{
			{ChannelIDs: []int64{1}, States: []string{"visible"}},
			{ChannelIDs: []int64{2}, States: []string{"hidden", "held"}},
			{ChannelIDs: []int64{3}},
		}}, []int64{7, 6, 5, 4, 1}},
		{"channels", search.Query{ChannelIDs: []int64{2, 3}}, []int64{7, 6, 5, 4, 3}},
		{"tags ANDed", search.Query{Tags: []string{"a", "b"}}, []int64{5, 2}},
		{"three tags", search.Query{Tags: []string{"a", "b", "c"}}, []int64{5}},
		{"answered", search.Query{Answered: new(true)}, []int64{4, 1}},
		{"unanswered", search.Query{Answered: new(false), ChannelIDs: []int64{1, 2}}, []int64{3, 2}},
		{"after (inclusive)", search.Query{After: at(5)}, []int64{7, 6, 5}},
		{"before (exclusive)", search.Query{Before: at(3)}, []int64{2, 1}},
		{"between", search.Query{After: at(2), Before: at(4)}, []int64{3, 2}},
		{"author filter", search.Query{Authors: []string{"jose nunez"}}, []int64{6, 2}},
		{"authors", search.Query{Authors: []string{"ada lovelace", "grace hopper"}}, []int64{5, 4, 3, 1}},
		{"author key", search.Query{AuthorKey: "u:3"}, []int64{3}},
		{"states", search.Query{States: []string{"held"}}, []int64{6, 2}},
		{"states and text", search.Query{Text: "number", States: []string{"hidden"}}, []int64{4}},
		{"quoted author key", search.Query{AuthorKey: `g:"7\`}, []int64{7}},
		{"quoted tag", search.Query{Tags: []string{`say "hi" \o/`}}, []int64{7}},
		{"quoted author", search.Query{Authors: []string{search.FoldName(`Bob "The Builder" \ Jr`)}}, []int64{7}},
		{"quote that would close the string", search.Query{AuthorKey: `x" OR id > 0 OR id = "`}, []int64{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Sort = search.SortNewest
			res := meiliSearch(t, m, q)
			if got := meiliIDs(res); !slices.Equal(got, c.want) || res.Total != len(c.want) {
				t.Errorf("hits %v total %d, want %v", got, res.Total, c.want)
			}
		})
	}
}

func TestMeiliSortAndPages(t *testing.T) {
	m, _ := meiliEngine(t)
	var docs []search.Doc
	for i := range 10 {
		d := meiliDoc(int64(i+1), "pager", i/2) // two docs a minute: id breaks ties
		d.Votes = i % 3
		docs = append(docs, d)
	}
	meiliUpsert(t, m, docs...)
	newest := []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	cases := []struct {
		sort     string
		text     string
		off, lim int
		want     []int64
	}{
		{search.SortNewest, "", 0, 0, newest},
		{search.SortOldest, "pager", 0, 0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{search.SortVotes, "", 0, 0, []int64{9, 6, 3, 8, 5, 2, 10, 7, 4, 1}},
		{"", "", 0, 0, newest},
		{search.SortRelevance, "", 0, 0, newest},
		{search.SortNewest, "", 0, 3, newest[:3]},
		{search.SortNewest, "", 3, 3, newest[3:6]},
		{search.SortNewest, "", 5, 3, newest[5:8]},
		{search.SortNewest, "pager", 7, 4, newest[7:]},
		{search.SortNewest, "", 1, 8, newest[1:9]},
		{search.SortNewest, "", 9, 5, newest[9:]},
		{search.SortNewest, "", 10, 5, []int64{}},
		{search.SortNewest, "", 25, 5, []int64{}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %q %d+%d", c.sort, c.text, c.off, c.lim), func(t *testing.T) {
			res := meiliSearch(t, m, search.Query{Text: c.text, Sort: c.sort, Offset: c.off, Limit: c.lim})
			if got := meiliIDs(res); !slices.Equal(got, c.want) || res.Total != 10 {
				t.Errorf("hits %v total %d, want %v total 10", got, res.Total, c.want)
			}
		})
	}
	if _, err := m.Search(meiliCtx(t), search.Query{Scopes: meiliAll, Sort: "sideways"}); err == nil {
		t.Error("unknown sort: no error")
	}
}

func TestMeiliFacets(t *testing.T) {
	m, _ := meiliEngine(t)
	d := func(id int64, channel string, author string, tags ...string) search.Doc {
		doc := meiliDoc(id, "facet body", int(id))
		doc.Channel, doc.Author, doc.AuthorFilter, doc.Tags = channel, author, search.FoldName(author), tags
		return doc
	}
	meiliUpsert(t, m,
		d(1, "physics", "Ada Lovelace", "exam", "follow-up"),
		d(2, "physics", "José Núñez", "exam"),
		d(3, "history", "José Núñez"),
		d(4, "history", "Ada Lovelace", "sources"),
	)
	res := meiliSearch(t, m, search.Query{Text: "facet", Facets: true, Limit: 1})
	want := search.Facets{
		Tags:     map[string]int{"exam": 2, "follow-up": 1, "sources": 1},
		Channels: map[string]int{"physics": 2, "history": 2},
		Authors:  map[string]int{"Ada Lovelace": 2, "José Núñez": 2},
	}
	if res.Facets == nil || !reflect.DeepEqual(*res.Facets, want) {
		t.Errorf("facets = %+v, want %+v", res.Facets, want)
	}
	res = meiliSearch(t, m, search.Query{Tags: []string{"exam"}, Facets: true})
	want = search.Facets{
		Tags:     map[string]int{"exam": 2, "follow-up": 1},
		Channels: map[string]int{"physics": 2},
		Authors:  map[string]int{"Ada Lovelace": 1, "José Núñez": 1},
	}
	if res.Facets == nil || !reflect.DeepEqual(*res.Facets, want) {
		t.Errorf("facets with a filter = %+v, want %+v", res.Facets, want)
	}
	empty := search.Facets{Tags: map[string]int{}, Channels: map[string]int{}, Authors: map[string]int{}}
	for _, q := range []search.Query{{Text: "xylophone", Facets: true}, {Scopes: []search.Scope{}, Facets: true}} {
		res := meiliSearch(t, m, q)
		if res.Facets == nil || !reflect.DeepEqual(*res.Facets, empty) {
			t.Errorf("%+v: facets = %+v, want empty maps", q, res.Facets)
		}
	}
	if res := meiliSearch(t, m, search.Query{Text: "facet"}); res.Facets != nil {
		t.Errorf("facets without asking: %+v", res.Facets)
	}
}

func TestMeiliMatchSpans(t *testing.T) {
	m, _ := meiliEngine(t)
	body := "😀 Grüße über Straße physics 🎉 naïve Zürich"
	meiliUpsert(t, m, meiliDoc(1, body, 1), meiliDoc(2, "plain text", 2), meiliDoc(3, "Un cafe\u0301 noir", 3))
	span := func(word string) search.Span {
		i := strings.Index(body, word)
		return search.Span{Start: i, End: i + len(word)}
	}
	cases := []struct {
		text string
		want []search.Span
	}{
		{"über", []search.Span{span("über")}},
		{"uber", []search.Span{span("über")}},
		{"STRAßE", []search.Span{span("Straße")}},
		{"phy", []search.Span{span("physics")}}, // a prefix covers the word
		{"naive zur", []search.Span{span("naïve"), span("Zürich")}},
		{"grüße zürich", []search.Span{span("Grüße"), span("Zürich")}},
		{"ada", nil}, // the author only
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			res := meiliSearch(t, m, search.Query{Text: c.text})
			i := slices.IndexFunc(res.Hits, func(h search.Hit) bool { return h.ID == 1 })
			if i < 0 {
				t.Fatalf("hits %v, want doc 1", meiliIDs(res))
			}
			got := res.Hits[i].Matches
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("matches %v, want %v", got, c.want)
			}
			for _, s := range got {
				if w := search.Words(body[s.Start:s.End]); len(w) != 1 {
					t.Errorf("span %v covers %q", s, body[s.Start:s.End])
				}
			}
		})
	}
	// A combining mark after a prefix match belongs to the word.
	res := meiliSearch(t, m, search.Query{Text: "caf"})
	if got := meiliIDs(res); !slices.Equal(got, []int64{3}) {
		t.Fatalf("caf: hits %v, want [3]", got)
	}
	if got, want := res.Hits[0].Matches, []search.Span{{Start: 3, End: 9}}; !reflect.DeepEqual(got, want) {
		t.Errorf("caf: matches %v, want %v", got, want)
	}
	for _, h := range meiliSearch(t, m, search.Query{}).Hits {
		if h.Matches != nil {
			t.Errorf("doc %d: matches %v without text", h.ID, h.Matches)
		}
	}
}

func TestMeiliExhaustiveTotal(t *testing.T) {
	m, _ := meiliEngine(t)
	docs := make([]search.Doc, 1500)
	for i := range docs {
		docs[i] = meiliDoc(int64(i+1), fmt.Sprintf("bulk item %d", i), i)
		if i%2 == 0 {
			docs[i].Tags = []string{"even"}
		}
	}
	meiliUpsert(t, m, docs...)
	cases := []struct {
		q     search.Query
		total int
		first int64
		hits  int
	}{
		{search.Query{}, 1500, 1500, 20},
		{search.Query{Text: "bulk"}, 1500, 0, 20},
		{search.Query{Text: "bulk", Sort: search.SortOldest, Offset: 1490, Limit: 20}, 1500, 1491, 10},
		{search.Query{Tags: []string{"even"}, Sort: search.SortNewest, Limit: 1000}, 750, 1499, 750},
		{search.Query{Sort: search.SortNewest, Offset: 1200, Limit: 7}, 1500, 300, 7},
	}
	for i, c := range cases {
		res := meiliSearch(t, m, c.q)
		if res.Total != c.total || len(res.Hits) != c.hits {
			t.Errorf("case %d: total %d, %d hits; want %d, %d", i, res.Total, len(res.Hits), c.total, c.hits)
		}
		if c.first != 0 && (len(res.Hits) == 0 || res.Hits[0].ID != c.first) {
			t.Errorf("case %d: first hit %v, want %d", i, meiliIDs(res)[:min(3, len(res.Hits))], c.first)
		}
	}
}

func TestMeiliUnreachable(t *testing.T) {
	m := search.NewMeili("http://127.0.0.1:1", "key", "messages")
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Upsert(ctx, []search.Doc{meiliDoc(1, "lost", 1)}); err == nil {
		t.Error("upsert: no error")
	}
	if _, err := m.Search(ctx, search.Query{Text: "lost", Scopes: meiliAll}); err == nil {
		t.Error("search: no error")
	}
	if err := m.Ping(ctx); err == nil {
		t.Error("ping: no error")
	}
	if ctx.Err() != nil {
		t.Errorf("the calls ran until the context ended: %v", ctx.Err())
	}
}

func TestMeiliFailedTaskIsAnError(t *testing.T) {
	url, key := testenv.Meili(t)
	name := "test_" + testenv.RandomHex(6)
	client := meilisearch.New(url, meilisearch.WithAPIKey(key))
	defer client.Close()
	ctx := meiliCtx(t)
	t.Cleanup(func() {
		if info, err := client.DeleteIndexWithContext(context.Background(), name); err == nil {
			_, _ = client.WaitForTaskWithContext(context.Background(), info.TaskUID, 50*time.Millisecond)
		}
	})
	// An index whose primary key is another field: writing documents
	// with primary key "id" fails in the task, after the request was
	// accepted.
	info, err := client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: name, PrimaryKey: "author_key"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.WaitForTaskWithContext(ctx, info.TaskUID, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	m := search.NewMeili(url, key, name)
	defer m.Close()
	err = m.Upsert(ctx, []search.Doc{meiliDoc(1, "x", 1)})
	if err == nil {
		t.Fatal("upsert into an index with another primary key: no error")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error is the deadline: %v", err)
	}
	t.Logf("error: %v", err)
	if err := m.Setup(ctx); err == nil {
		t.Error("setup of an index with another primary key: no error")
	}
}
