package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"backchannel/search"
)

// The relevance suite: a fixed corpus (hand-written messages that the cases
// aim at, testdata/relevance/messages.json, among thousands of generated
// ones) and fixed queries with their expected top results
// (testdata/relevance/cases.json), run on every engine. Every engine passes
// every case, or the case names the engine in "differs" with the results
// it gives instead and why; those are checked too.
//
// Cases with "ql" need the query language (phrases, OR, exclusion, explicit
// prefixes, typo correction on the built-in engines, is:unanswered as
// unanswered questions); their subtests are named "ql …".

// relMessage is a hand-written message of the corpus.
type relMessage struct {
	ID       int64    `json:"id"`
	Minute   int      `json:"minute"` // after relT0: larger is newer
	Body     string   `json:"body"`
	Kind     string   `json:"kind"`    // default comment
	State    string   `json:"state"`   // default visible
	Channel  string   `json:"channel"` // default astro-101
	Author   string   `json:"author"`  // default Student 0
	Votes    int      `json:"votes"`
	Answered bool     `json:"answered"`
	Tags     []string `json:"tags"`
	Files    []string `json:"files"`
}

// relExpect is what a query finds: the first hits in this order (Top), every
// hit in any order (Set), or nothing (None).
type relExpect struct {
	Top  []int64 `json:"top"`
	Set  []int64 `json:"set"`
	None bool    `json:"none"`
	// Why the engine differs (in Differs only).
	Why string `json:"why"`
}

type relCase struct {
	Name string `json:"name"`
	Q    string `json:"q"`
	As   string `json:"as"` // participant (default) or staff
	// QL marks a case of the query language.
	QL bool `json:"ql"`
	// Corrected is the corrected_query of the built-in engines (which
	// correct the text); Meilisearch matches typos itself and corrects no
	// text, so its corrected_query is always "".
	Corrected string `json:"corrected"`
	relExpect
	Differs map[string]relExpect `json:"differs"`
}

var relT0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// relChannels are the corpus's channels by slug.
var relChannels = map[string]int64{"astro-101": 1, "bio-202": 2, "hist-303": 3}

// Generated filler: four words from four lists, so that a word of the first
// list is never next to one of the third ("homework" and "deadline", the
// common words that the hand-written messages share, never form a phrase).
var relFiller = [4][]string{
	{"homework", "reading", "quiz", "seminar", "project", "chapter", "worksheet", "essay", "handout", "tutorial"},
	{"today", "tomorrow", "later", "again", "maybe", "really", "surely", "probably"},
	{"deadline", "marks", "feedback", "rubric", "schedule", "outline", "summary", "draft"},
	{"please", "thanks", "agreed", "noted", "okay", "cool", "sure", "right"},
}

// relShared are the only words both the filler and the hand-written
// messages hold.
var relShared = []string{"deadline", "homework"}

const relFillerCount = 3000

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// relCorpus is the hand-written messages and the generated filler as
// documents.
func relCorpus(t *testing.T) []search.Doc {
	var msgs []relMessage
	readJSON(t, "testdata/relevance/messages.json", &msgs)
	var docs []search.Doc
	handWords := map[string]bool{}
	for _, m := range msgs {
		d := relDoc(m)
		docs = append(docs, d)
		for _, w := range search.Words(m.Body + " " + d.Author + " " + strings.Join(m.Files, " ")) {
			handWords[w] = true
		}
	}
	for i := range relFillerCount {
		// A fixed pseudo-random walk: the same corpus on every run.
		x := uint64(i)*2654435761 + 12345
		words := make([]string, 4)
		for j, list := range relFiller {
			x = x*6364136223846793005 + 1442695040888963407
			words[j] = list[(x>>33)%uint64(len(list))]
		}
		m := relMessage{ID: int64(1001 + i), Minute: 200 + i, Body: strings.Join(words, " "),
			Channel: []string{"astro-101", "bio-202", "hist-303"}[i%3], Author: fmt.Sprintf("Student %d", 1+i%20)}
		if i%7 == 0 {
			m.Kind = "question" // without votes: no boost
		}
		if i%50 == 0 {
			m.State = "held"
		}
		docs = append(docs, relDoc(m))
	}
	for _, list := range relFiller {
		for _, w := range list {
			if handWords[w] && !slices.Contains(relShared, w) {
				t.Fatalf("filler word %q is in a hand-written message: the expected sets would not hold", w)
			}
		}
	}
	return docs
}

func relDoc(m relMessage) search.Doc {
	d := search.Doc{ID: m.ID, Body: m.Body, Kind: m.Kind, State: m.State, Channel: m.Channel, Author: m.Author,
		Votes: m.Votes, Answered: m.Answered, Tags: m.Tags, Files: m.Files, ThreadID: m.ID, SessionID: 1,
		CreatedAt: relT0.Add(time.Duration(m.Minute) * time.Minute).UnixMilli()}
	if d.Kind == "" {
		d.Kind = "comment"
	}
	if d.State == "" {
		d.State = "visible"
	}
	if d.Channel == "" {
		d.Channel = "astro-101"
	}
	if d.Author == "" {
		d.Author = "Student 0"
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	d.ChannelID = relChannels[d.Channel]
	d.AuthorFilter = search.FoldName(d.Author)
	d.AuthorKey = "u:" + d.AuthorFilter
	d.HasFile = len(d.Files) > 0
	return d
}

// relQuery is the search box text q as a query of a participant (visible
// messages) or of staff (every state).
func relQuery(q, as string) search.Query {
	p := search.Parse(q, time.UTC)
	all := slices.Sorted(maps.Values(relChannels))
	scope := search.Scope{ChannelIDs: all, States: []string{"visible"}}
	if as == "staff" {
		scope.States = nil
	}
	out := search.Query{Text: p.Text, Scopes: []search.Scope{scope}, Tags: p.Tags, Kinds: p.Kinds, States: p.States,
		Answered: p.Answered, HasFile: p.HasFile, HasImage: p.HasImage, After: p.After, Before: p.Before,
		Sort: search.SortRelevance, Limit: 1000}
	for _, a := range p.Authors {
		out.Authors = append(out.Authors, search.FoldName(a))
	}
	out.UnansweredQuestions() // as the search use case does
	for _, c := range p.Channels {
		out.ChannelIDs = append(out.ChannelIDs, relChannels[c])
	}
	return out
}

func TestRelevance(t *testing.T) {
	var cases []relCase
	readJSON(t, "testdata/relevance/cases.json", &cases)
	if len(cases) < 60 {
		t.Fatalf("%d cases, want at least 60", len(cases))
	}
	docs := relCorpus(t)
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if err := e.engine.Upsert(ctx, docs); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				name := c.Name
				if c.QL {
					name = "ql " + name
				}
				t.Run(name, func(t *testing.T) {
					want := c.relExpect
					if d, ok := c.Differs[e.name]; ok {
						if d.Why == "" {
							t.Fatalf("differs on %s without saying why", e.name)
						}
						want = d
					}
					res, err := e.engine.Search(ctx, relQuery(c.Q, c.As))
					if err != nil {
						t.Fatal(err)
					}
					got := hitIDs(res)
					if corrected := c.Corrected; e.name == "meilisearch" {
						if res.CorrectedQuery != "" {
							t.Errorf("%q: corrected %q on Meilisearch", c.Q, res.CorrectedQuery)
						}
					} else if res.CorrectedQuery != corrected {
						t.Errorf("%q: corrected %q, want %q", c.Q, res.CorrectedQuery, corrected)
					}
					if want.None && len(got) > 0 {
						t.Errorf("%q: hits %v, want none", c.Q, got)
					}
					if len(want.Top) > 0 && (len(got) < len(want.Top) || !slices.Equal(got[:len(want.Top)], want.Top)) {
						t.Errorf("%q: hits %v, want first %v", c.Q, head(got, 10), want.Top)
					}
					if want.Set != nil && !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want.Set))) {
						t.Errorf("%q: hits %v, want %v in any order", c.Q, head(got, 20), want.Set)
					}
					if !want.None && len(want.Top) == 0 && want.Set == nil {
						t.Fatal("the case expects nothing: give top, set or none")
					}
				})
			}
		})
	}
}

func head(ids []int64, n int) []int64 { return ids[:min(n, len(ids))] }
