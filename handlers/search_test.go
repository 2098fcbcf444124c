package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"backchannel/chat"
	"backchannel/model"
	"backchannel/search"
	"backchannel/store"
	"backchannel/testenv"
)

// waitIndexed waits until the indexer has drained the outbox.
func (s *testServer) waitIndexed(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := store.OutboxLen(context.Background(), s.DB)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search indexer left %d outbox entries", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// forEachEngine runs fn with a fresh server on every database, once with
// the built-in engine and once with Meilisearch (an index of its own).
func forEachEngine(t *testing.T, fn func(t *testing.T, s *testServer)) {
	t.Helper()
	meiliURL, meiliKey := testenv.Meili(t)
	for _, engine := range []string{"builtin", "meilisearch"} {
		t.Run(engine, func(t *testing.T) {
			for _, d := range testenv.Databases(t) {
				t.Run(d.Name, func(t *testing.T) {
					if engine == "builtin" {
						fn(t, newServer(t, d.URL))
						return
					}
					e := search.NewMeili(meiliURL, meiliKey, "handlers_"+testenv.RandomHex(6))
					t.Cleanup(func() { _ = e.Reset(context.Background()) })
					fn(t, newServer(t, d.URL, func(o *serverOptions) { o.search = e }))
				})
			}
		})
	}
}

type tSearch struct {
	Engine string `json:"engine"`
	Total  int    `json:"total"`
	Hits   []struct {
		ID        int64    `json:"id"`
		Channel   string   `json:"channel"`
		Author    string   `json:"author"`
		State     string   `json:"state"`
		Kind      string   `json:"kind"`
		Tags      []string `json:"tags"`
		Body      string   `json:"body"`
		Highlight string   `json:"highlight"`
		URL       string   `json:"url"`
	} `json:"hits"`
	Facets struct {
		Tags     map[string]int `json:"tags"`
		Channels map[string]int `json:"channels"`
		Authors  map[string]int `json:"authors"`
	} `json:"facets"`
	Problems []string `json:"problems"`
}

func (a *apiClient) search(q string, extra ...string) tSearch {
	a.t.Helper()
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	var out tSearch
	a.do("GET", "/api/v1/search?"+v.Encode(), nil).want(http.StatusOK).into(&out)
	return out
}

func hitIDs(r tSearch) []int64 {
	var ids []int64
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func sameIDs(got []int64, want ...int64) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[int64]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for _, id := range want {
		if !seen[id] {
			return false
		}
	}
	return true
}

// TestSearchVisibilityByRole: participants find visible messages of channels
// they can read; a channel's moderator also finds its held messages
// (marked); an admin finds everything; nobody finds another's anonymous
// identity.
func TestSearchVisibilityByRole(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		admin := s.apiUser(t, "admin@example.org", model.RoleAdmin)
		premod, members, anon := model.PremodAll, model.VisibilityMembers, true
		s.newChannel(t, "physics-101", chat.ChannelInput{AllowAnonymous: &anon})
		s.newChannel(t, "quiet-room", chat.ChannelInput{PremodMode: &premod})
		secret, _ := s.newChannel(t, "staff-room", chat.ChannelInput{Visibility: &members})

		alice := s.apiUser(t, "alice@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		mod := s.apiUser(t, "mod@example.org", model.RoleParticipant)
		if err := s.Authz.Grant(ctx, mod.user.ID, model.RoleModerator, "quiet-room"); err != nil {
			t.Fatal(err)
		}
		if err := store.AddMember(ctx, s.DB, secret.ID, alice.user.ID); err != nil {
			t.Fatal(err)
		}
		for _, slug := range []string{"physics-101", "quiet-room", "staff-room"} {
			alice.accept(slug)
		}
		visible := alice.post("physics-101", map[string]any{"body": "Entropy always rises in a closed box", "kind": "question"})
		anonymous := alice.post("physics-101", map[string]any{"body": "Is entropy a measure of ignorance?", "anonymous": true})
		held := alice.post("quiet-room", map[string]any{"body": "Entropy of mixing, please explain"})
		if held.State != "held" {
			t.Fatalf("quiet-room post state %q, want held", held.State)
		}
		hidden := alice.post("staff-room", map[string]any{"body": "Entropy notes for members"})
		s.waitIndexed(t)

		r := bob.search("entropy")
		if !sameIDs(hitIDs(r), visible.ID, anonymous.ID) {
			t.Errorf("participant bob finds %v, want %d and %d", hitIDs(r), visible.ID, anonymous.ID)
		}
		if r.Engine == "" {
			t.Errorf("no engine named")
		}
		for _, h := range r.Hits {
			if h.ID == anonymous.ID && (h.Author != "Anonymous" || strings.Contains(h.Body+h.Highlight, "alice")) {
				t.Errorf("anonymous hit shows %q", h.Author)
			}
			if !strings.Contains(h.Highlight, "<mark>") {
				t.Errorf("hit %d highlight %q has no mark", h.ID, h.Highlight)
			}
		}
		if got := bob.search("from:alice"); !sameIDs(hitIDs(got), visible.ID) {
			t.Errorf("from:alice finds %v for bob, want only the signed message %d", hitIDs(got), visible.ID)
		}
		if got := bob.search("is:held entropy"); got.Total != 0 {
			t.Errorf("participant finds %d held messages", got.Total)
		}

		// alice is a member of staff-room: she finds its message, and (as a
		// participant) not her own held one.
		if got := alice.search("entropy"); !sameIDs(hitIDs(got), visible.ID, anonymous.ID, hidden.ID) {
			t.Errorf("alice finds %v", hitIDs(got))
		}

		r = mod.search("entropy")
		if !sameIDs(hitIDs(r), visible.ID, anonymous.ID, held.ID) {
			t.Errorf("quiet-room moderator finds %v, want %d %d %d", hitIDs(r), visible.ID, anonymous.ID, held.ID)
		}
		for _, h := range r.Hits {
			if h.ID == held.ID && h.State != "held" {
				t.Errorf("held hit state %q", h.State)
			}
		}
		if got := mod.search("is:held"); !sameIDs(hitIDs(got), held.ID) {
			t.Errorf("moderator is:held finds %v", hitIDs(got))
		}

		if got := admin.search("entropy"); got.Total != 4 {
			t.Errorf("admin finds %d, want 4", got.Total)
		}
		if got := admin.search("entropy in:staff-room"); !sameIDs(hitIDs(got), hidden.ID) {
			t.Errorf("in:staff-room finds %v", hitIDs(got))
		}
		if got := admin.search("entropy in:nowhere"); got.Total != 0 || len(got.Problems) != 1 {
			t.Errorf("in:nowhere = %d hits, problems %q", got.Total, got.Problems)
		}

		// The page shows the same, with the state marked for staff.
		b := s.browser(t)
		b.signIn("mod@example.org")
		page := b.get("/search?q=entropy")
		if page.Status != http.StatusOK {
			t.Fatalf("/search = %d", page.Status)
		}
		if n := page.Doc.Find("[data-testid=hit]").Length(); n != 3 {
			t.Errorf("page shows %d hits, want 3", n)
		}
		if st := page.Doc.Find("[data-testid=hit-state]").Text(); st != "held" {
			t.Errorf("page marks states %q, want held", st)
		}
	})
}

// TestSearchTagsAndFacets: staff tag a message and a whole thread; the tag
// shows as a facet and a filter; participants may not tag.
func TestSearchTagsAndFacets(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ch, host := s.newChannel(t, "chem-201", chat.ChannelInput{})
		alice := s.apiUser(t, "alice@example.org", model.RoleParticipant)
		alice.accept("chem-201")
		q := alice.post("chem-201", map[string]any{"body": "Why do catalysts not shift equilibrium?", "kind": "question"})
		reply := alice.post("chem-201", map[string]any{"body": "Related: catalysts and activation energy", "parent_id": q.ID})
		other := alice.post("chem-201", map[string]any{"body": "Titration lab tomorrow"})
		s.waitIndexed(t)

		// A participant may not tag: page route and API.
		pb := s.browser(t)
		pb.signIn("alice@example.org")
		if r := pb.post("/c/chem-201/messages/"+strconv.FormatInt(other.ID, 10)+"/tags", url.Values{"tag": {"exam"}}); r.Status != http.StatusForbidden {
			t.Errorf("participant tag = %d, want 403", r.Status)
		}
		alice.do("POST", chanPath("chem-201", "/messages/", strconv.FormatInt(other.ID, 10), "/tags"), map[string]any{"tag": "exam"}).want(http.StatusForbidden)
		if r := pb.post("/search/tag", url.Values{"id": {strconv.FormatInt(other.ID, 10)}, "tag": {"exam"}}); r.Status != http.StatusForbidden {
			t.Errorf("participant bulk tag = %d, want 403", r.Status)
		}

		hb := s.browser(t)
		hb.signIn(host.Email)
		// A bad name changes nothing and says why.
		r := hb.post("/c/chem-201/messages/"+strconv.FormatInt(other.ID, 10)+"/tags", url.Values{"tag": {"no/slashes!"}, "back": {"/search"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("bad tag = %d", r.Status)
		}
		if page := hb.get("/search"); !strings.Contains(page.Doc.Find("[role=alert]").Text(), "letters, digits") {
			t.Errorf("bad tag message missing: %q", page.Doc.Find("#flash").Text())
		}
		if ts, _ := s.Transcripts.Tags(ctx); len(ts) != 0 {
			t.Errorf("a rejected tag was stored: %v", ts)
		}

		// Tag the whole thread from the reply.
		r = hb.post("/c/chem-201/messages/"+strconv.FormatInt(reply.ID, 10)+"/tags", url.Values{"tag": {"Follow Up"}, "thread": {"1"}, "back": {"/search?q=tag:follow-up"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/search?q=tag:follow-up" {
			t.Fatalf("tag thread = %d → %q", r.Status, r.Header.Get("Location"))
		}
		hostAPI := &apiClient{t: t, s: s, user: host}
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		hostAPI.token = token
		// A fresh Meilisearch index takes over a second per task for its
		// first few additions, longer than the tag handler waits; the
		// search below is about what is indexed, so wait for the indexer.
		s.waitIndexed(t)
		res := hostAPI.search("tag:follow-up")
		if !sameIDs(hitIDs(res), q.ID, reply.ID) {
			t.Errorf("tag:follow-up finds %v, want the thread %d %d", hitIDs(res), q.ID, reply.ID)
		}
		if res.Facets.Tags["follow-up"] != 2 {
			t.Errorf("facet follow-up = %d, want 2", res.Facets.Tags["follow-up"])
		}

		// Bulk tag from results; the page shows the new facet count at once.
		r = hb.post("/search/tag", url.Values{"id": {strconv.FormatInt(other.ID, 10), strconv.FormatInt(q.ID, 10)}, "tag": {"exam"}, "back": {"/search?in=chem-201"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("bulk tag = %d", r.Status)
		}
		s.waitIndexed(t)
		page := hb.get("/search?in=chem-201")
		got := map[string]string{}
		page.Doc.Find("[data-testid=facet-tags] a").Each(func(_ int, sel *goquery.Selection) {
			v, _ := sel.Attr("data-value")
			got[v] = strings.TrimSpace(sel.Find("[data-testid=facet-count]").Text())
		})
		if got["exam"] != "2" || got["follow-up"] != "2" {
			t.Errorf("tag facets on the page = %v, want exam 2, follow-up 2", got)
		}
		// API tag and untag.
		hostAPI.do("DELETE", chanPath("chem-201", "/messages/", strconv.FormatInt(q.ID, 10), "/tags/exam"), nil).want(http.StatusOK)
		s.waitIndexed(t)
		if res := hostAPI.search("tag:exam"); !sameIDs(hitIDs(res), other.ID) {
			t.Errorf("after untag, tag:exam finds %v", hitIDs(res))
		}
		hostAPI.do("POST", chanPath("chem-201", "/messages/", strconv.FormatInt(other.ID, 10), "/tags"), map[string]any{"tag": "lab", "colour": "#123456"}).wantError(http.StatusUnprocessableEntity, "invalid", "colour")
		_ = ch
	})
}

// stalledEngine holds writes while stalled: an index that lags.
type stalledEngine struct {
	search.Engine
	stalled atomic.Bool
}

func (e *stalledEngine) Upsert(ctx context.Context, docs []search.Doc) error {
	for e.stalled.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return e.Engine.Upsert(ctx, docs)
}

// TestTagWhileIndexLags: when the index has not caught up by the time the
// page is shown, the flash says the tag is saved and shows in search shortly;
// it does once the index catches up.
func TestTagWhileIndexLags(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := testenv.Open(t, d.URL)
			e := &stalledEngine{Engine: search.NewSQL(db)}
			s := newServer(t, d.URL, func(o *serverOptions) { o.search = e })
			ctx := context.Background()
			_, host := s.newChannel(t, "geo-101", chat.ChannelInput{})
			alice := s.apiUser(t, "alice@example.org", model.RoleParticipant)
			alice.accept("geo-101")
			m := alice.post("geo-101", map[string]any{"body": "Plate tectonics question"})
			s.waitIndexed(t)
			e.stalled.Store(true)
			hb := s.browser(t)
			hb.signIn(host.Email)
			r := hb.post("/search/tag", url.Values{"id": {strconv.FormatInt(m.ID, 10)}, "tag": {"review"}, "back": {"/search?in=geo-101"}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("tag = %d", r.Status)
			}
			flash := hb.get("/search?in=geo-101").Doc.Find("#flash").Text()
			if !strings.Contains(flash, "Tagged 1 message with review.") || !strings.Contains(flash, "within a few seconds") {
				t.Errorf("flash while the index lags = %q", flash)
			}
			if tags, err := store.TagNamesOf(ctx, s.DB, []int64{m.ID}); err != nil || len(tags[m.ID]) != 1 {
				t.Errorf("tags stored = %v, %v; want review", tags, err)
			}
			e.stalled.Store(false)
			s.waitIndexed(t)
			page := hb.get("/search?q=tag:review")
			if n := page.Doc.Find("[data-testid=facet-tags] a[data-value=review] [data-testid=facet-count]").Text(); strings.TrimSpace(n) != "1" {
				t.Errorf("after the index caught up, facet review = %q, want 1", n)
			}
		})
	}
}

// TestSearchAPIErrors: bad parameters get a JSON error and change nothing.
func TestSearchAPIErrors(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		a := s.apiUser(t, "a@example.org", model.RoleParticipant)
		a.do("GET", "/api/v1/search?q=x&limit=0", nil).wantError(http.StatusBadRequest, "bad_request", "")
		a.do("GET", "/api/v1/search?q=x&sort=sideways", nil).wantError(http.StatusBadRequest, "bad_request", "")
		r := a.search("is:sideways after:soon")
		if len(r.Problems) != 2 {
			t.Errorf("problems = %q, want two", r.Problems)
		}
		(&apiClient{t: t, s: s}).do("GET", "/api/v1/search?q=x", nil).want(http.StatusUnauthorized)
	})
}

// TestSearchExport: the current result downloads as CSV, JSON and Markdown,
// with the searcher's visibility, and parses back.
func TestSearchExport(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		premod := model.PremodAll
		s.newChannel(t, "bio-110", chat.ChannelInput{})
		s.newChannel(t, "bio-lab", chat.ChannelInput{PremodMode: &premod})
		alice := s.apiUser(t, "alice@example.org", model.RoleParticipant)
		alice.accept("bio-110")
		alice.accept("bio-lab")
		a := alice.post("bio-110", map[string]any{"body": "=cmd|' /C calc'!A0 ribosome question", "kind": "question"})
		b := alice.post("bio-110", map[string]any{"body": "Ribosome structure, slide 4"})
		alice.post("bio-lab", map[string]any{"body": "Ribosome held for review"})
		s.waitIndexed(t)

		br := s.browser(t)
		br.signIn("alice@example.org")
		r := br.get("/search/export/csv?q=ribosome&sort=oldest")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "search-results.csv") {
			t.Fatalf("csv export = %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("csv has %d rows, want a header and 2 (the held one is not hers to see): %q", len(rows), rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		if rows[1][col["id"]] != strconv.FormatInt(a.ID, 10) || rows[2][col["id"]] != strconv.FormatInt(b.ID, 10) {
			t.Errorf("csv ids = %s, %s; want %d, %d", rows[1][col["id"]], rows[2][col["id"]], a.ID, b.ID)
		}
		if body := rows[1][col["body"]]; !strings.HasPrefix(body, "'=") {
			t.Errorf("formula not neutralised: %q", body)
		}
		r = br.get("/search/export/json?q=ribosome&sort=oldest")
		var doc struct {
			Query    string `json:"query"`
			Messages []struct {
				ID   int64  `json:"id"`
				Body string `json:"body"`
			} `json:"messages"`
		}
		if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
			t.Fatalf("json export: %v: %s", err, r.Body)
		}
		if len(doc.Messages) != 2 || doc.Messages[1].Body != "Ribosome structure, slide 4" || !strings.Contains(doc.Query, "ribosome") {
			t.Errorf("json export = %+v", doc)
		}
		r = br.get("/search/export/md?q=ribosome")
		if !strings.Contains(r.Body, "Ribosome structure, slide 4") || strings.Contains(r.Body, "held for review") {
			t.Errorf("markdown export:\n%s", r.Body)
		}
		if r := br.get("/search/export/pdf?q=ribosome"); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("pdf export = %d, want 422", r.Status)
		}
	})
}
