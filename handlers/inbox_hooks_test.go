package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"backchannel/model"
	"backchannel/moderation"
)

// A suspended person is told so on their inbox (with the end), and every
// message in a conversation has its own Report link to the report page for
// that message (on one's own messages the page's script hides it, as it
// does Edit and Delete on others').
func TestInboxStandingAndMessageReportLinks(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *testServer) {
		ann, bob, _ := s.threePeople(t)
		mod := s.createUser(t, "sitemod@example.org", model.RoleModerator)
		conv := dmStart(t, s, ann.ID, "Hello Bob", bob.Handle)

		bb := s.browser(t)
		bb.signIn(bob.Email)
		r := bb.get(convPath(conv, ""))
		links := r.Doc.Find(`[data-testid="report-message"]`)
		if links.Length() != 1 {
			t.Fatalf("conversation page has %d message report links, want 1:\n%s", links.Length(), r.Body)
		}
		href, _ := links.Attr("href")
		if !strings.HasPrefix(href, convPath(conv, "/report?message=")) {
			t.Errorf("report link = %q", href)
		}
		mid := strings.TrimPrefix(href, convPath(conv, "/report?message="))
		if _, err := strconv.ParseInt(mid, 10, 64); err != nil {
			t.Fatalf("report link names no message: %q", href)
		}
		if r := bb.get(href); r.Status != 200 || !strings.Contains(r.Body, "Hello Bob") {
			t.Errorf("the message's report page = %d without the message in its excerpt:\n%s", r.Status, r.Body)
		}

		ab := s.browser(t)
		ab.signIn(ann.Email)
		if r := ab.get("/inbox"); r.Doc.Find(`[data-testid="dm-standing"]`).Length() != 0 {
			t.Fatalf("an unsanctioned person is shown a standing notice:\n%s", r.Body)
		}
		if _, err := s.Moderation.DMSanction(context.Background(), mod.ID, moderation.DMSanctionInput{
			UserID: ann.ID, Kind: model.SanctionDMSuspend, Duration: moderation.Suspend24h,
			ModInput: moderation.ModInput{Reason: "spam in requests"},
		}); err != nil {
			t.Fatal(err)
		}
		r = ab.get("/inbox")
		notice := r.Doc.Find(`[data-testid="dm-standing"]`)
		if notice.Length() != 1 || !strings.Contains(notice.Text(), "suspended") || notice.Find("time").Length() != 1 {
			t.Fatalf("a suspended person's inbox lacks the notice with its end:\n%s", r.Body)
		}
	})
}
