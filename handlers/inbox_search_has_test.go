package handlers_test

import (
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/testenv"
)

// TestInboxSearchHasOperator: direct-message search does not filter by
// files; has: is said to be left out rather than silently finding
// everything as if it were no filter.
func TestInboxSearchHasOperator(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ada := s.apiUser(t, "ada@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		c := testenv.DMConversation(t, s.DB, "", ada.user.ID, bob.user.ID)
		testenv.DMPost(t, s.DB, c, bob.user.ID, "the zanzibar photo")
		s.waitDMIndexed(t)
		res := ada.inboxSearch("zanzibar has:image")
		if res.Total != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "has:file and has:image do not apply") {
			t.Errorf("has:image in direct messages: total %d, problems %q", res.Total, res.Problems)
		}
	})
}
