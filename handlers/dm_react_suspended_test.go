package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/moderation"
)

// A direct-message suspension stops adding reactions as it stops sending
// (API and page), with the same reason; taking one's own reaction off stays
// allowed, and the others' reactions are untouched.
func TestDMReactSuspended(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ctx := context.Background()
		mod := s.createUser(t, "mod@example.org", model.RoleModerator)
		ann := s.apiUser(t, "ann@example.org", model.RoleParticipant)
		bob := s.apiUser(t, "bob@example.org", model.RoleParticipant)
		conv := dmStart(t, s, bob.user.ID, "hello ann", ann.user.Handle)
		msgs := dmMessages(ann, conv)
		if len(msgs) != 1 {
			t.Fatalf("messages = %+v", msgs)
		}
		react := func(emoji string) string {
			return fmt.Sprintf("/api/v1/conversations/%d/messages/%d/reactions/%s", conv, msgs[0].ID, url.PathEscape(emoji))
		}
		ann.do("POST", react("👍"), nil).want(http.StatusOK)
		if _, err := s.Moderation.DMSanction(ctx, mod.ID, moderation.DMSanctionInput{
			UserID: ann.user.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend24h,
			ModInput: moderation.ModInput{Reason: "spam"},
		}); err != nil {
			t.Fatal(err)
		}
		ann.do("POST", react("🎉"), nil).wantError(http.StatusForbidden, "dm_suspended", "")
		pb := s.browser(t)
		pb.signIn("ann@example.org")
		res := pb.post(fmt.Sprintf("/inbox/%d/messages/%d/react", conv, msgs[0].ID), url.Values{"emoji": {"❤️"}}, "HX-Request", "true")
		if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "direct messages are suspended") {
			t.Errorf("page react while suspended = %d %s", res.Status, res.Body)
		}
		var n int
		count := func() int {
			n, err := s.DB.NewSelect().Table("dm_reactions").Where("user_id = ?", ann.user.ID).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n = count(); n != 1 {
			t.Errorf("ann has %d reactions while suspended, want the one from before", n)
		}
		// Taking her own off is allowed; bob reacts as before.
		ann.do("DELETE", react("👍"), nil).want(http.StatusOK)
		if n = count(); n != 0 {
			t.Errorf("ann's reaction stays after she took it off: %d", n)
		}
		bob.do("POST", react("👍"), nil).want(http.StatusOK)
	})
}
