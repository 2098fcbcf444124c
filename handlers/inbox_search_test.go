package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"backchannel/export"
	"backchannel/inbox"
	"backchannel/model"
	"backchannel/store"
	"backchannel/testenv"
)

// waitDMIndexed waits until the direct-message indexer has read the whole
// event log.
func (s *testServer) waitDMIndexed(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	testenv.Poll(t, 10*time.Second, "the direct-message indexer", func() bool {
		last, err := store.LastDMEventID(ctx, s.DB)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := store.DMSearchCursor(ctx, s.DB)
		if err != nil {
			t.Fatal(err)
		}
		return cur >= last
	})
}

type inboxSearchJSON struct {
	Engine string `json:"engine"`
	Total  int    `json:"total"`
	Hits   []struct {
		ID             int64  `json:"id"`
		ConversationID int64  `json:"conversation_id"`
		Conversation   string `json:"conversation"`
		Author         string `json:"author"`
		Handle         string `json:"handle"`
		Highlight      string `json:"highlight"`
		URL            string `json:"url"`
	} `json:"hits"`
	Problems []string `json:"problems"`
}

func (a *apiClient) inboxSearch(q string) inboxSearchJSON {
	a.t.Helper()
	var out inboxSearchJSON
	a.do("GET", "/api/v1/inbox/search?q="+url.QueryEscape(q), nil).want(200).into(&out)
	return out
}

func TestInboxSearch(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		eve := s.apiUser(t, "eve@example.org", model.RoleParticipant)
		c := testenv.DMConversation(t, s.DB, "", ada.user.ID, bob.user.ID)
		m := testenv.DMPost(t, s.DB, c, bob.user.ID, "Meet by the <b>zanzibar</b> fountain")
		other := testenv.DMConversation(t, s.DB, "", bob.user.ID, eve.user.ID)
		testenv.DMPost(t, s.DB, other, eve.user.ID, "zanzibar for eve only")
		s.waitDMIndexed(t)

		t.Run("api", func(t *testing.T) {
			res := ada.inboxSearch("zanzibar")
			if res.Total != 1 || len(res.Hits) != 1 {
				t.Fatalf("ada finds %+v", res)
			}
			h := res.Hits[0]
			if h.ID != m || h.ConversationID != c || h.Conversation != "bob" || h.Author != "bob" || h.Handle != bob.user.Handle {
				t.Errorf("hit %+v", h)
			}
			if h.Highlight != "Meet by the &lt;b&gt;<mark>zanzibar</mark>&lt;/b&gt; fountain" {
				t.Errorf("highlight %q", h.Highlight)
			}
			if !strings.HasSuffix(h.URL, fmt.Sprintf("/inbox/%d#dm-%d", c, m)) {
				t.Errorf("url %q", h.URL)
			}
			if res := bob.inboxSearch("zanzibar"); res.Total != 2 {
				t.Errorf("bob finds %d, want 2", res.Total)
			}
			if res := bob.inboxSearch("zanzibar from:" + eve.user.Handle); res.Total != 1 || res.Hits[0].Author != "eve" {
				t.Errorf("from:eve finds %+v", res)
			}
		})
		t.Run("bad input", func(t *testing.T) {
			for _, q := range []string{"?q=x&sort=votes", "?q=x&limit=0", "?q=x&limit=abc", "?q=x&offset=-1",
				"?q=" + strings.Repeat("a", 501)} {
				var e apiErr
				ada.do("GET", "/api/v1/inbox/search"+q, nil).want(400).into(&e)
				if e.Error.Message == "" {
					t.Errorf("%s: no message", q)
				}
			}
		})
		t.Run("page", func(t *testing.T) {
			b := s.browser(t)
			b.signIn("ada@example.org")
			r := b.get("/inbox/search?q=zanzibar")
			if r.Status != 200 {
				t.Fatalf("page = %d", r.Status)
			}
			hits := r.Doc.Find(`[data-testid="inbox-hit"]`)
			if hits.Length() != 1 {
				t.Fatalf("%d hits:\n%s", hits.Length(), r.Body)
			}
			if href, _ := hits.Find("a.hit-link").Attr("href"); href != fmt.Sprintf("/inbox/%d#dm-%d", c, m) {
				t.Errorf("link %q", href)
			}
			if got := hits.Find("mark").Text(); got != "zanzibar" {
				t.Errorf("mark %q", got)
			}
			if got := hits.Find(`[data-testid="inbox-hit-conversation"]`).Text(); got != "bob" {
				t.Errorf("conversation %q", got)
			}
			if r.Doc.Find(`label[for="inbox-search-q"]`).Length() != 1 {
				t.Error("the search box has no label")
			}
			r = b.get("/inbox/search?q=zanzibar&sort=votes")
			if r.Status != 400 || !strings.Contains(r.Doc.Find(`[data-testid="inbox-search-error"]`).Text(), "sort is relevance, newest or oldest") {
				t.Errorf("bad sort: %d %s", r.Status, r.Doc.Find(`[role="alert"]`).Text())
			}
			if r := b.get("/inbox/search"); r.Status != 200 || r.Doc.Find(`[data-testid="inbox-hit"]`).Length() != 0 {
				t.Errorf("empty search page = %d", r.Status)
			}
		})
		t.Run("not after leaving", func(t *testing.T) {
			testenv.DMLeave(t, s.DB, c, ada.user.ID)
			if res := ada.inboxSearch("zanzibar"); res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("ada finds %+v after leaving", res)
			}
		})
	})
}

// Direct messages are never found by channel search, staff and admins
// included, nor shown in any transcript: they live in an index and tables
// of their own.
func TestStaffSearchAndTranscriptsNeverShowDMs(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		f := s.classSession(t)
		admin := s.apiUser(t, "root@example.org", model.RoleAdmin)
		mo, err := store.UserByEmail(context.Background(), s.DB, "mo@example.org")
		if err != nil {
			t.Fatal(err)
		}
		// A private word, in a conversation between the channel's host and a
		// site moderator, and one the admin is in.
		c := testenv.DMConversation(t, s.DB, "", f.host.ID, mo.ID)
		testenv.DMPost(t, s.DB, c, f.host.ID, "quokkaword entropy plans for physics-101")
		mine := testenv.DMConversation(t, s.DB, "", admin.user.ID, mo.ID)
		testenv.DMPost(t, s.DB, mine, admin.user.ID, "quokkaword from the admin")
		s.waitIndexed(t)
		s.waitDMIndexed(t)

		var res struct {
			Total int `json:"total"`
		}
		admin.do("GET", "/api/v1/search?q=quokkaword", nil).want(200).into(&res)
		if res.Total != 0 {
			t.Errorf("the admin's channel search finds %d direct messages", res.Total)
		}
		b := s.browser(t)
		b.signIn("mo@example.org")
		if r := b.get("/search?q=quokkaword"); r.Status != 200 || r.Doc.Find(`[data-testid="hit"]`).Length() != 0 {
			t.Errorf("a moderator's /search shows direct messages (%d)", r.Status)
		}
		sid := strconv.FormatInt(f.sess.ID, 10)
		for _, view := range []string{"participant", "staff"} {
			for _, format := range []string{"json", "md", "csv"} {
				r := admin.do("GET", "/api/v1/channels/physics-101/sessions/"+sid+"/transcript?view="+view+"&format="+format, nil).want(200)
				if strings.Contains(string(r.Body), "quokkaword") {
					t.Errorf("the %s transcript (%s) holds a direct message", view, format)
				}
			}
		}
		if r := b.get(f.path("/export/md?view=staff")); r.Status != 200 || strings.Contains(r.Body, "quokkaword") {
			t.Errorf("the staff export: %d, holds a direct message: %v", r.Status, strings.Contains(r.Body, "quokkaword"))
		}
		// The admin finds their own conversation only, in their own search.
		got := admin.inboxSearch("quokkaword")
		if got.Total != 1 || got.Hits[0].ConversationID != mine {
			t.Errorf("the admin's inbox search: %+v", got)
		}
	})
}

func TestInboxExport(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		eve := s.apiUser(t, "eve@example.org", model.RoleAdmin) // not a member: an admin gets 404 too
		c := testenv.DMConversation(t, s.DB, "Trip *plans*", ada.user.ID, bob.user.ID, eve.user.ID)
		testenv.DMLeave(t, s.DB, c, eve.user.ID)
		m1 := testenv.DMPost(t, s.DB, c, ada.user.ID, "Train at 9 [link](javascript:x)")
		testenv.DMReact(t, s.DB, m1, bob.user.ID, "👍")
		m2 := testenv.DMPost(t, s.DB, c, bob.user.ID, "A secret I take back")
		testenv.DMDelete(t, s.DB, m2)
		day := time.Now().UTC().Format("2006-01-02")

		t.Run("page downloads", func(t *testing.T) {
			b := s.browser(t)
			b.signIn("ada@example.org")
			md := exportOf(t, b, fmt.Sprintf("/inbox/%d/export.md", c), fmt.Sprintf("conversation-%d-%s.md", c, day))
			for _, want := range []string{`# Trip \*plans\*`, `Train at 9 \[link\](javascript:x) — 👍 1`, "_(deleted)_"} {
				if !strings.Contains(string(md), want) {
					t.Errorf("markdown lacks %q:\n%s", want, md)
				}
			}
			if strings.Contains(string(md), "secret") {
				t.Errorf("markdown holds a deleted message:\n%s", md)
			}
			js := exportOf(t, b, fmt.Sprintf("/inbox/%d/export.json", c), fmt.Sprintf("conversation-%d-%s.json", c, day))
			var doc export.Conversation
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Messages) != 2 || !doc.Messages[1].Deleted || doc.Messages[0].Reactions[0].Count != 1 {
				t.Errorf("json %+v", doc)
			}
			if r := b.get(fmt.Sprintf("/inbox/%d/export.csv", c)); r.Status != http.StatusBadRequest {
				t.Errorf("csv = %d, want 400", r.Status)
			}
		})
		t.Run("api", func(t *testing.T) {
			r := bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", c), nil).want(200)
			var doc export.Conversation
			r.into(&doc)
			if doc.ExportedBy.Handle != bob.user.Handle || len(doc.Messages) != 2 {
				t.Errorf("json export %+v", doc)
			}
			r = bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export?format=md", c), nil).want(200)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/markdown") || !strings.Contains(string(r.Body), "# Trip") {
				t.Errorf("md export %s: %s", ct, r.Body)
			}
			var e apiErr
			bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export?format=pdf", c), nil).want(400).into(&e)
			if e.Error.Message != "format is md or json." {
				t.Errorf("bad format: %+v", e)
			}
		})
		t.Run("404 for non-members", func(t *testing.T) {
			stranger := s.apiUser(t, "stranger@example.org", model.RoleParticipant)
			for _, a := range []*apiClient{stranger, eve} {
				a.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", c), nil).want(404)
				a.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", c+1000), nil).want(404)
			}
			b := s.browser(t)
			b.signIn("stranger@example.org")
			for _, f := range []string{"md", "json"} {
				if r := b.get(fmt.Sprintf("/inbox/%d/export.%s", c, f)); r.Status != http.StatusNotFound {
					t.Errorf("stranger's %s export = %d, want 404", f, r.Status)
				}
			}
		})
	})
}

// Search and export follow what the inbox use cases write: a group started
// with a first message, a reply, an edit, a deletion, a member leaving and
// a "delete chat" with a later message.
func TestInboxSearchFollowsUseCases(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		cat := s.apiUser(t, "cat@example.org", model.RoleParticipant)
		conv, first, err := s.Inbox.Start(ctx, ada.user.ID, inbox.StartInput{UserIDs: []int64{bob.user.ID, cat.user.ID},
			Group: true, Title: "Kumquat club", Body: "The kumquat harvest starts Monday"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := s.Inbox.Post(ctx, bob.user.ID, conv.Conversation.ID, inbox.PostInput{Body: "Kumquat jam then", ReplyToID: first.ID})
		if err != nil {
			t.Fatal(err)
		}
		s.waitDMIndexed(t)
		ids := func(a *apiClient, q string) []int64 {
			t.Helper()
			var out []int64
			for _, h := range a.inboxSearch(q).Hits {
				out = append(out, h.ID)
			}
			return out
		}
		if got := ids(cat, "kumquat"); len(got) != 2 {
			t.Fatalf("cat finds %v", got)
		}
		if _, err := s.Inbox.Edit(ctx, bob.user.ID, conv.Conversation.ID, reply.ID, "Marmalade then"); err != nil {
			t.Fatal(err)
		}
		if err := s.Inbox.Delete(ctx, ada.user.ID, conv.Conversation.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		s.waitDMIndexed(t)
		if got := ids(cat, "kumquat"); len(got) != 0 {
			t.Errorf("after an edit and a deletion cat finds %v", got)
		}
		if got := ids(cat, "marmalade"); len(got) != 1 || got[0] != reply.ID {
			t.Errorf("the edit is not found: %v", got)
		}
		if err := s.Inbox.Leave(ctx, cat.user.ID, conv.Conversation.ID); err != nil {
			t.Fatal(err)
		}
		if got := ids(cat, "marmalade"); len(got) != 0 {
			t.Errorf("after leaving cat finds %v", got)
		}
		if err := s.Inbox.DeleteForMe(ctx, bob.user.ID, conv.Conversation.ID); err != nil {
			t.Fatal(err)
		}
		if got := ids(bob, "marmalade"); len(got) != 0 {
			t.Errorf("after delete chat bob finds %v", got)
		}
		later, err := s.Inbox.Post(ctx, ada.user.ID, conv.Conversation.ID, inbox.PostInput{Body: "More marmalade news"})
		if err != nil {
			t.Fatal(err)
		}
		s.waitDMIndexed(t)
		if got := ids(bob, "marmalade"); len(got) != 1 || got[0] != later.ID {
			t.Errorf("bob finds %v, want only the later message %d", got, later.ID)
		}
		if got := ids(ada, "marmalade"); len(got) != 2 {
			t.Errorf("ada keeps the history: %v", got)
		}

		var doc export.Conversation
		ada.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", conv.Conversation.ID), nil).want(200).into(&doc)
		var kinds []string
		for _, m := range doc.Messages {
			k := m.Kind
			if m.Deleted {
				k = "deleted"
			} else if m.Edited {
				k = "edited"
			}
			kinds = append(kinds, k)
		}
		// The first message deleted, the reply edited, Cat's leaving as a
		// system line, the later message.
		if got := strings.Join(kinds, ","); got != "deleted,edited,system,text" {
			t.Errorf("ada's export: %s", got)
		}
		bob.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", conv.Conversation.ID), nil).want(200).into(&doc)
		if len(doc.Messages) == 0 || doc.Messages[len(doc.Messages)-1].ID != later.ID || doc.Messages[0].ID <= reply.ID {
			t.Errorf("bob's export after delete chat: %+v", doc.Messages)
		}
		cat.do("GET", fmt.Sprintf("/api/v1/conversations/%d/export", conv.Conversation.ID), nil).want(404)
	})
}
