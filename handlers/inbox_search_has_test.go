package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"backchannel/model"
	"backchannel/testenv"
)

// TestInboxSearchHasOperator: direct-message search finds messages by
// their files' names and takes has:file and has:image as channel search
// does (API and page), only in the searcher's own conversations.
func TestInboxSearchHasOperator(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		eve := s.apiUser(t, "eve@example.org", model.RoleParticipant)
		for _, f := range []*apiClient{bob, eve} {
			if _, err := s.Inbox.Follow(ctx, f.user.ID, ada.user.Handle); err != nil {
				t.Fatal(err)
			}
		}
		send := func(from *apiClient, to *apiClient, body string, files map[string][]byte) int64 {
			var ids []int64
			for name, data := range files {
				ids = append(ids, uploadID(t, from, name, data))
			}
			var out struct {
				Message struct {
					ID int64 `json:"id"`
				} `json:"message"`
			}
			from.do("POST", "/api/v1/conversations", map[string]any{"members": []string{to.user.Handle}, "body": body, "attachments": ids}).
				want(http.StatusCreated).into(&out)
			return out.Message.ID
		}
		photo := send(ada, bob, "the zanzibar photo", map[string][]byte{"beach-sunset.png": testPNG(t, 40, 30)})
		plan := send(ada, bob, "", map[string][]byte{"itinerary.txt": []byte("day 1: zanzibar\n")})
		words := testenv.DMPost(t, s.DB, convOf(t, s, photo), bob.user.ID, "zanzibar in words only")
		send(ada, eve, "zanzibar for eve", map[string][]byte{"eve-beach.png": testPNG(t, 20, 20)})
		s.waitDMIndexed(t)

		ids := func(res inboxSearchJSON) []int64 {
			out := []int64{}
			for _, h := range res.Hits {
				out = append(out, h.ID)
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			q    string
			want []int64
		}{
			{"zanzibar has:image", []int64{photo}},
			{"has:image", []int64{photo}},
			{"has:file", []int64{photo, plan}},
			{"zanzibar has:file", []int64{photo}},
			{"zanzibar", []int64{photo, words}},
			{"itinerary", []int64{plan}},
			{"sunset", []int64{photo}},
		} {
			res := bob.inboxSearch(c.q)
			if got := ids(res); !slices.Equal(got, c.want) || len(res.Problems) != 0 {
				t.Errorf("bob searches %q: %v, problems %q; want %v", c.q, got, res.Problems, c.want)
			}
		}
		if res := bob.inboxSearch("eve has:image"); res.Total != 0 {
			t.Errorf("bob finds eve's conversation's image: %+v", res)
		}

		// The page: the same hits, and no "does not apply".
		b := s.browser(t)
		b.signIn("bob@example.org")
		r := b.get("/inbox/search?q=has%3Aimage")
		hits := r.Doc.Find(`[data-testid="inbox-hit"] a.hit-link`)
		if r.Status != http.StatusOK || hits.Length() != 1 || hits.AttrOr("href", "") != fmt.Sprintf("/inbox/%d#dm-%d", convOf(t, s, photo), photo) {
			t.Errorf("page has:image = %d, %d hits", r.Status, hits.Length())
		}
		if r.Doc.Find(`[data-testid="search-problem"]`).Length() != 0 {
			t.Errorf("page says a problem: %q", r.Doc.Find(`[data-testid="search-problem"]`).Text())
		}
	})
}

// convOf is the conversation of a direct message.
func convOf(t *testing.T, s *testServer, dmID int64) int64 {
	t.Helper()
	var conv int64
	if err := s.DB.NewSelect().Table("dm_messages").Column("conversation_id").Where("id = ?", dmID).Scan(context.Background(), &conv); err != nil {
		t.Fatal(err)
	}
	return conv
}
