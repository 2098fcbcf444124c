package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"backchannel/chat"
	"backchannel/model"
)

// TestSearchTagDoesNotRevealHiddenChannels: tagging by id from /search/tag
// answers a message in a channel the person cannot read exactly as an id
// that names nothing (404, no slug), on every database.
func TestSearchTagDoesNotRevealHiddenChannels(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		members := model.VisibilityMembers
		_, host := s.newChannel(t, "secret-lab", chat.ChannelInput{Visibility: &members})
		token, _, err := s.Accounts.CreateAPIToken(ctx, host.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		hostAPI := &apiClient{t: t, s: s, user: host, token: token}
		hostAPI.accept("secret-lab")
		secret := hostAPI.post("secret-lab", map[string]any{"body": "Exam answers are in the drawer"})

		s.createUser(t, "mallory@example.org", model.RoleParticipant)
		mb := s.browser(t)
		mb.signIn("mallory@example.org")
		hidden := mb.post("/search/tag", url.Values{"id": {strconv.FormatInt(secret.ID, 10)}, "tag": {"x"}, "back": {"/search"}})
		missing := mb.post("/search/tag", url.Values{"id": {strconv.FormatInt(secret.ID+1000, 10)}, "tag": {"x"}, "back": {"/search"}})
		if hidden.Status != http.StatusNotFound || missing.Status != http.StatusNotFound {
			t.Errorf("tag a hidden channel's message = %d, a missing id = %d; want 404 for both", hidden.Status, missing.Status)
		}
		if strings.Contains(hidden.Body, "secret-lab") {
			t.Errorf("the answer names the members-only channel: %s", hidden.Body)
		}
		if ts, _ := s.Transcripts.Tags(ctx); len(ts) != 0 {
			t.Errorf("a refused tag was stored: %v", ts)
		}
	})
}

// TestSearchAPIRejectsMalformedNumbers: limit and offset that are not whole
// numbers in range are a 400, not a silent default.
func TestSearchAPIRejectsMalformedNumbers(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		a := s.apiUser(t, "reader@example.org", model.RoleParticipant)
		for _, q := range []string{"limit=1e3", "limit=10.5", "limit=abc", "limit=0", "limit=101", "offset=1e3", "offset=-1", "offset=x"} {
			a.do("GET", "/api/v1/search?q=hello&"+q, nil).wantError(http.StatusBadRequest, "bad_request", "")
		}
		a.do("GET", "/api/v1/search?q=hello&limit=5&offset=0", nil).want(http.StatusOK)
	})
}
